import { h } from '../../../shared/html.js';
import type { FactorView } from '../factors.service.js';
import { csrfField, portalPage, upgradePrompt, when, type PortalPageBase } from './portal-pages.js';

/**
 * The portal's sign-in methods: the list of factors, TOTP enrolment (QR code, key, first code),
 * recovery codes (shown once), and the confirmation pages of the actions that need a recent
 * sign-in (removing a factor, replacing recovery codes).
 */
const KIND_LABEL: Record<FactorView['kind'], string> = { totp: 'Authenticator app', passkey: 'Passkey', recovery_codes: 'Recovery codes' };

export function factorLabel(f: FactorView): string {
  if (f.kind === 'recovery_codes') return `Recovery codes (${f.remaining ?? 0} left)`;
  return f.kind === 'passkey' && f.name && f.name !== KIND_LABEL.passkey ? `Passkey: ${f.name}` : KIND_LABEL[f.kind];
}

export function securityPage(o: PortalPageBase & { anonymous: boolean; factors: FactorView[]; recentlyAuthenticated: boolean; passkeyUrl: string }): string {
  if (o.anonymous) return portalPage({ ...o, title: 'Security', section: 'security', body: upgradePrompt(o.base) });
  const rows = o.factors.map((f) => `<tr><td>${h(factorLabel(f))}</td><td>${h(when(f.createdAt, o.prefs))}</td>
<td>${h(f.lastUsedAt ? when(f.lastUsedAt, o.prefs) : 'never')}</td>
<td><a href="${h(`${o.base}/security/remove?id=${encodeURIComponent(f.id)}`)}" aria-label="${h(`Remove ${factorLabel(f)}`)}">Remove</a></td></tr>`).join('\n');
  const hasTotp = o.factors.some((f) => f.kind === 'totp');
  const hasCodes = o.factors.some((f) => f.kind === 'recovery_codes');
  return portalPage({
    ...o, title: 'Security', section: 'security',
    body: `<h2>Sign-in methods</h2>
${o.factors.length
    ? `<table><thead><tr><th>Method</th><th>Added</th><th>Last used</th><th><span class="muted">Action</span></th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>You sign in with your password only. Add a second step to protect your account.</p>'}
${o.recentlyAuthenticated ? '' : '<p class="muted">Adding or removing a sign-in method, or replacing recovery codes, asks you to sign in again first.</p>'}
<h2>Add</h2>
<form method="post" action="${h(`${o.base}/security/totp`)}">${csrfField(o.csrf)}<button type="submit">${hasTotp ? 'Add another authenticator app' : 'Set up an authenticator app'}</button></form>
<nav class="links"><a href="${h(o.passkeyUrl)}">Add a passkey</a>${hasCodes || hasTotp ? `<a href="${h(`${o.base}/security/recovery-codes`)}">Get new recovery codes</a>` : ''}</nav>`,
  });
}

export function totpEnrolPage(o: PortalPageBase & { qrSvg: string; secret: string }): string {
  return portalPage({
    ...o, title: 'Set up an authenticator app', section: 'security',
    body: `<p>Scan the code with an authenticator app (or enter the key by hand), then type the 6-digit code it shows.</p>
<p class="qr"><img alt="QR code for your authenticator app" src="data:image/svg+xml;base64,${Buffer.from(o.qrSvg).toString('base64')}"></p>
<p class="muted">Key: <code data-totp-secret>${h(o.secret.replace(/(.{4})/g, '$1 ').trim())}</code></p>
<form method="post" action="${h(`${o.base}/security/totp/confirm`)}">
${csrfField(o.csrf)}
<label for="totp">Code from your authenticator app</label>
<input id="totp" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus>
<button type="submit">Verify and add</button>
</form>
<p><a href="${h(`${o.base}/security`)}">Cancel</a></p>`,
  });
}

export function portalRecoveryCodesPage(o: PortalPageBase & { codes: string[] }): string {
  return portalPage({
    ...o, title: 'Save your recovery codes', section: 'security',
    body: `<p>Each code signs you in once if you lose your authenticator. Store them somewhere safe: they are shown only now, and earlier codes no longer work.</p>
<ul class="codes" aria-label="Recovery codes">${o.codes.map((c) => `<li><code>${h(c)}</code></li>`).join('')}</ul>
<p><a href="${h(`${o.base}/security`)}">I saved them, continue</a></p>`,
  });
}

/** "Are you sure?" for a sensitive action (reached after a fresh sign-in when one was needed). */
export function confirmActionPage(o: PortalPageBase & { title: string; message: string; action: string; hidden: Record<string, string>; button: string }): string {
  const fields = Object.entries(o.hidden).map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('');
  return portalPage({
    ...o, title: o.title, section: 'security',
    body: `<p>${h(o.message)}</p>
<form method="post" action="${h(o.action)}">${csrfField(o.csrf)}${fields}<button type="submit">${h(o.button)}</button></form>
<p><a href="${h(`${o.base}/security`)}">Cancel</a></p>`,
  });
}
