import { h, page } from '../../../shared/html.js';

/**
 * The hosted account recovery pages (`/t/{slug}/recover`): one page per step of
 * recovery.service.ts, plain forms without JavaScript.
 */
export interface RecoveryPageBase {
  tenantName: string;
  action: string;
  /** login_challenge (to sign in afterwards) and the CSRF token. */
  hidden: Record<string, string>;
  error?: string;
  notice?: string;
  signInUrl: string;
}

const hiddenFields = (o: RecoveryPageBase) =>
  Object.entries(o.hidden).map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('\n');

const head = (o: RecoveryPageBase) => `${o.error ? `<p class="error" role="alert">${h(o.error)}</p>` : ''}${o.notice ? `<p class="notice" role="status">${h(o.notice)}</p>` : ''}`;

const form = (o: RecoveryPageBase, step: string, inner: string) => `<form method="post" action="${h(o.action)}">
${hiddenFields(o)}
<input type="hidden" name="step" value="${h(step)}">
${inner}
</form>`;

const startOver = (o: RecoveryPageBase) => `<form method="post" action="${h(o.action)}">
${hiddenFields(o)}
<button type="submit" name="step" value="restart" class="link">Start over</button>
</form>`;

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
