import { h, page } from '../../../shared/html.js';

/** Scope descriptions shown on the consent page. */
const SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'Your name and basic profile',
  email: 'Your email address',
  phone: 'Your phone number',
  address: 'Your postal address',
  offline_access: 'Stay signed in (access while you are away)',
};

export function consentPage(o: { tenantName: string; clientName: string; challenge: string; csrf: string; scopes: string[]; claims: string[]; action: string }): string {
  const items = o.scopes.map((s) => `<li>${h(SCOPE_TEXT[s] ?? s)} <span class="muted">(${h(s)})</span></li>`).join('');
  const claims = o.claims.length ? `<p>It also asks for: ${o.claims.map((c) => `<code>${h(c)}</code>`).join(', ')}</p>` : '';
  return page({
    title: 'Allow access?', tenantName: o.tenantName,
    body: `<p><strong>${h(o.clientName)}</strong> would like to:</p>
<ul>${items || '<li>Sign you in</li>'}</ul>
${claims}
<form method="post" action="${h(o.action)}">
<input type="hidden" name="consent_challenge" value="${h(o.challenge)}">
<input type="hidden" name="csrf_token" value="${h(o.csrf)}">
<label class="check"><input type="checkbox" name="remember" value="1" checked> Remember this decision</label>
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  });
}

export function errorPage(o: { tenantName: string; error: string; description: string; requestId?: string }): string {
  return page({
    title: 'Something went wrong', tenantName: o.tenantName,
    body: `<p class="error" role="alert"><strong>${h(o.error)}</strong>: ${h(o.description)}</p>
<p class="muted">You can close this window and try again from the application.${o.requestId ? ` Reference: ${h(o.requestId)}` : ''}</p>`,
  });
}

export function logoutConfirmPage(o: { tenantName: string; action: string; csrf: string; hidden: Record<string, string> }): string {
  const fields = Object.entries(o.hidden).map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('\n');
  return page({
    title: 'Sign out?', tenantName: o.tenantName,
    body: `<form method="post" action="${h(o.action)}">
${fields}
<input type="hidden" name="csrf_token" value="${h(o.csrf)}">
<input type="hidden" name="logout" value="yes">
<button type="submit">Sign out</button>
</form>`,
  });
}

export function loggedOutPage(o: { tenantName: string }): string {
  return page({ title: 'Signed out', tenantName: o.tenantName, body: '<p>You have been signed out.</p>' });
}

/** OAuth 2.0 Form Post Response Mode: an auto-submitting form (a button when scripts are off). */
export function formPostPage(o: { action: string; params: Record<string, string> }): string {
  const fields = Object.entries(o.params).map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Submitting…</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${h(o.action)}">${fields}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
