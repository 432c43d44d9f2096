import { h, page } from '../../../shared/html.js';
import { continuingTo, messages, restartButton, stepForm, type StepPageBase } from './form-kit.js';

/**
 * The hosted sign-in pages: one function per step of the authentication engine. Every page is
 * a plain form that works without JavaScript, except the passkey button (WebAuthn needs it),
 * which loads /t/{slug}/assets/passkey.js and is simply absent from the flow when not allowed.
 */
export interface LoginPageBase extends StepPageBase {
  /** The application being signed in to (null: the account portal). */
  clientName: string | null;
  /** Set when passkeys can be used at this step. */
  passkey?: { script: string; optionsUrl: string; verifyUrl: string; nextUrl: string };
  /** "Use another method": restarts the flow. */
  restartable?: boolean;
}

const head = (o: LoginPageBase) => `${continuingTo(o.clientName)}\n${messages(o)}`;

const form = (o: LoginPageBase, inner: string) => stepForm(o, null, inner);

const passkeyButton = (o: LoginPageBase, label: string) => o.passkey ? `<p class="error" role="alert" data-passkey-error hidden></p>
<button type="button" class="secondary" data-passkey="signin" data-options-url="${h(o.passkey.optionsUrl)}" data-verify-url="${h(o.passkey.verifyUrl)}" data-next-url="${h(o.passkey.nextUrl)}">${h(label)}</button>
<script src="${h(o.passkey.script)}" defer></script>` : '';

const restart = (o: LoginPageBase) => (o.restartable ? restartButton(o, 'Use another method') : '');

export function signInPage(o: LoginPageBase & { methods: string[]; email?: string; registerUrl?: string; recoverUrl?: string }): string {
  const parts: string[] = [];
  if (o.methods.includes('password')) {
    parts.push(form(o, `<input type="hidden" name="step" value="password">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username webauthn" required value="${h(o.email ?? '')}" ${o.email ? '' : 'autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required ${o.email ? 'autofocus' : ''}>
<label class="check"><input type="checkbox" name="remember" value="1" checked> Keep me signed in</label>
<button type="submit">Sign in</button>`));
  }
  const byEmail = ['email_otp', 'magic_link'].filter((m) => o.methods.includes(m));
  if (byEmail.length) {
    parts.push(form(o, `<label for="code-email">${o.methods.includes('password') ? 'Or get a sign-in email' : 'Email'}</label>
<input id="code-email" name="email" type="email" autocomplete="username" required value="${h(o.email ?? '')}">
${byEmail.includes('email_otp') ? '<button type="submit" name="step" value="email_otp">Email me a code</button>' : ''}
${byEmail.includes('magic_link') ? `<button type="submit" name="step" value="magic_link"${byEmail.length > 1 ? ' class="secondary"' : ''}>Email me a sign-in link</button>` : ''}`));
  }
  if (o.methods.includes('phone_otp')) {
    parts.push(form(o, `<label for="phone">Phone number</label>
<input id="phone" name="phone_number" type="tel" autocomplete="tel" placeholder="+15551234567" required>
<button type="submit" name="step" value="phone_otp">Text me a code</button>`));
  }
  if (o.methods.includes('passkey')) parts.push(passkeyButton(o, 'Sign in with a passkey'));
  if (o.methods.includes('anonymous')) parts.push(form(o, '<button type="submit" name="step" value="anonymous" class="secondary">Continue as a guest</button>'));
  const links = [
    o.recoverUrl && o.methods.includes('password') ? `<a href="${h(o.recoverUrl)}">Forgot your password?</a>` : '',
    o.registerUrl ? `<a href="${h(o.registerUrl)}">Create an account</a>` : '',
  ].filter(Boolean).join('');
  return page({ title: 'Sign in', tenantName: o.tenantName, body: `${head(o)}\n${parts.join('\n<hr>\n')}${links ? `\n<nav class="links">${links}</nav>` : ''}` });
}

/** The code step; "Send a new code" replaces the pending code with a new one (within the send limits). */
export function enterCodePage(o: LoginPageBase & { destination: string; channel: 'email_otp' | 'phone_otp' }): string {
  const where = o.channel === 'phone_otp' ? 'by text message' : 'by email';
  return page({
    title: 'Enter your code', tenantName: o.tenantName,
    body: `${head(o)}
<p>We sent a 6-digit code ${where} to <strong>${h(o.destination)}</strong>. It expires in 10 minutes.</p>
${form(o, `<input type="hidden" name="step" value="verify_code">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus>
<button type="submit">Continue</button>`)}
${resendForm(o, "Didn't get it? A new code replaces this one.", 'Send a new code')}
${restart(o)}`,
  });
}

const resendForm = (o: LoginPageBase, hint: string, label: string) =>
  form(o, `<p class="muted">${h(hint)}</p>\n<button type="submit" name="step" value="resend_code" class="secondary">${h(label)}</button>`);

export function checkEmailPage(o: LoginPageBase & { destination: string }): string {
  return page({
    title: 'Check your email', tenantName: o.tenantName,
    body: `${head(o)}
<p>If <strong>${h(o.destination)}</strong> has an account, we sent it a sign-in link. Open it in this browser within 10 minutes.</p>
${resendForm(o, "Didn't get it? A new link replaces this one.", 'Send a new link')}
${restart(o)}`,
  });
}

export function secondFactorPage(o: LoginPageBase & { methods: string[]; sent?: { channel: string; destination: string } }): string {
  const parts: string[] = [];
  if (o.methods.includes('totp')) {
    parts.push(form(o, `<input type="hidden" name="step" value="totp">
<label for="totp">Code from your authenticator app</label>
<input id="totp" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus>
<button type="submit">Verify</button>`));
  }
  if (o.methods.includes('passkey')) parts.push(passkeyButton(o, 'Use a passkey'));
  const codeChannels = (['email_otp', 'phone_otp'] as const).filter((m) => o.methods.includes(m));
  if (codeChannels.length) {
    parts.push(form(o, codeChannels.map((m) => `<button type="submit" name="step" value="${m}" class="secondary">${m === 'email_otp' ? 'Email me a code' : 'Text me a code'}</button>`).join('')));
  }
  if (o.methods.includes('recovery_code')) {
    parts.push(form(o, `<input type="hidden" name="step" value="recovery_code">
<label for="recovery">Or a recovery code</label>
<input id="recovery" name="code" type="text" autocomplete="off" spellcheck="false" maxlength="40" required>
<button type="submit" class="secondary">Use recovery code</button>`));
  }
  return page({ title: 'Two-step verification', tenantName: o.tenantName, body: `${head(o)}\n<p>Confirm it is you with your second factor.</p>\n${parts.join('\n<hr>\n')}\n${restart(o)}` });
}

export function enrolTotpPage(o: LoginPageBase & { qrSvg: string; secret: string }): string {
  return page({
    title: 'Set up two-step verification', tenantName: o.tenantName,
    body: `${head(o)}
<p>This account needs a second factor. Scan the code with an authenticator app (or enter the key by hand), then type the 6-digit code it shows.</p>
<p class="qr"><img alt="QR code for your authenticator app" src="data:image/svg+xml;base64,${Buffer.from(o.qrSvg).toString('base64')}"></p>
<p class="muted">Key: <code data-totp-secret>${h(o.secret.replace(/(.{4})/g, '$1 ').trim())}</code></p>
${form(o, `<input type="hidden" name="step" value="enrol_totp">
<label for="totp">Code from your authenticator app</label>
<input id="totp" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus>
<button type="submit">Verify and continue</button>`)}`,
  });
}

export function recoveryCodesPage(o: LoginPageBase & { codes: string[] }): string {
  return page({
    title: 'Save your recovery codes', tenantName: o.tenantName,
    body: `${head(o)}
<p>Each code signs you in once if you lose your authenticator. Store them somewhere safe: they are shown only now.</p>
<ul class="codes" aria-label="Recovery codes">${o.codes.map((c) => `<li><code>${h(c)}</code></li>`).join('')}</ul>
${form(o, '<input type="hidden" name="step" value="complete"><button type="submit">I saved them, continue</button>')}`,
  });
}
