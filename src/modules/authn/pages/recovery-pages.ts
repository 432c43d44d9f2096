import { h, page } from '../../../shared/html.js';
import { messages, restartButton, stepForm, type StepPageBase } from './form-kit.js';

/**
 * The hosted account recovery pages (`/t/{slug}/recover`): one page per step of
 * recovery.service.ts, plain forms without JavaScript.
 */
/** `hidden`: login_challenge (to sign in afterwards) and the CSRF token. */
export interface RecoveryPageBase extends StepPageBase {
  signInUrl: string;
}

const head = (o: RecoveryPageBase) => messages(o);

const form = (o: RecoveryPageBase, step: string, inner: string) => stepForm(o, step, inner);

const startOver = (o: RecoveryPageBase) => restartButton(o, 'Start over');

const back = (o: RecoveryPageBase) => `<nav class="links"><a href="${h(o.signInUrl)}">Back to sign in</a></nav>`;

export function recoverEmailPage(o: RecoveryPageBase & { email?: string }): string {
  return page({
    title: 'Forgot your password?', tenantName: o.tenantName,
    body: `${head(o)}
<p>Enter the email address of your account. We will send you a code to choose a new password.</p>
${form(o, 'email', `<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${h(o.email ?? '')}">
<button type="submit">Send me a code</button>`)}
${back(o)}`,
  });
}

export function recoverCodePage(o: RecoveryPageBase & { destination: string }): string {
  return page({
    title: 'Enter your code', tenantName: o.tenantName,
    body: `${head(o)}
<p>If <strong>${h(o.destination)}</strong> has an account, we sent it a 6-digit code and a link. It expires in 10 minutes.</p>
${form(o, 'code', `<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus>
<button type="submit">Continue</button>`)}
${form(o, 'resend', `<p class="muted">Didn&#39;t get it? A new code replaces this one.</p>
<button type="submit" class="secondary">Send a new code</button>`)}
${startOver(o)}`,
  });
}

export function recoverSecondFactorPage(o: RecoveryPageBase & { methods: string[] }): string {
  const parts: string[] = [];
  if (o.methods.includes('totp')) {
    parts.push(form(o, 'second_factor', `<input type="hidden" name="method" value="totp">
<label for="totp">Code from your authenticator app</label>
<input id="totp" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus>
<button type="submit">Verify</button>`));
  }
  if (o.methods.includes('recovery_code')) {
    parts.push(form(o, 'second_factor', `<input type="hidden" name="method" value="recovery_code">
<label for="recovery">${o.methods.includes('totp') ? 'Or a recovery code' : 'One of your recovery codes'}</label>
<input id="recovery" name="code" type="text" autocomplete="off" spellcheck="false" maxlength="40" required${o.methods.includes('totp') ? '' : ' autofocus'}>
<button type="submit"${o.methods.includes('totp') ? ' class="secondary"' : ''}>Use recovery code</button>`));
  }
  const intro = parts.length
    ? '<p>This account has two-step verification. Confirm it is you with your second factor.</p>'
    : '<p class="error" role="alert">This account is protected by a passkey: sign in with it to change your password, or ask an administrator.</p>';
  return page({ title: 'Two-step verification', tenantName: o.tenantName, body: `${head(o)}\n${intro}\n${parts.join('\n<hr>\n')}\n${startOver(o)}` });
}

export function recoverPasswordPage(o: RecoveryPageBase & { policy: { minLength: number; requireClasses: readonly string[] } }): string {
  const classes = o.policy.requireClasses.length ? `, including ${o.policy.requireClasses.map((c) => (c === 'digit' ? 'a digit' : c === 'symbol' ? 'a symbol' : `an ${c} letter`)).join(', ')}` : '';
  return page({
    title: 'Choose a new password', tenantName: o.tenantName,
    body: `${head(o)}
${form(o, 'password', `<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${o.policy.minLength}" maxlength="1024" required autofocus aria-describedby="password-hint">
<p class="muted" id="password-hint">At least ${o.policy.minLength} characters${h(classes)}.</p>
<button type="submit">Change password</button>`)}`,
  });
}

export function recoverDonePage(o: { tenantName: string; signInUrl: string; sessionsRevoked: boolean }): string {
  return page({
    title: 'Password changed', tenantName: o.tenantName,
    body: `<p role="status">Your password was changed.${o.sessionsRevoked ? ' You were signed out everywhere.' : ''}</p>
<nav class="links"><a href="${h(o.signInUrl)}">Sign in</a></nav>`,
  });
}
