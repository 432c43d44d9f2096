import { h, page } from '../../../shared/html.js';

/**
 * The identity portal (`/t/{slug}/account/*`): the signed-in end user's profile, sessions and
 * connected applications (authenticators: portal-security-pages.ts). Plain forms, no script;
 * every form carries the CSRF token; messages after a redirect come from fixed keys, never from
 * text in the URL.
 */
export type PortalSection = 'overview' | 'profile' | 'security' | 'sessions' | 'apps';

export interface PortalPageBase {
  tenantName: string;
  /** `/t/{slug}/account` */
  base: string;
  csrf: string;
  /** Key of a confirmation (`?done=`) or an error (`?error=`) to show. */
  done?: string;
  error?: string;
  /** An error message of this request (validation). */
  errorText?: string;
  /** The user's display preferences for dates. */
  prefs?: { locale: string | null; zoneinfo: string | null };
}

const DONE: Record<string, string> = {
  profile_saved: 'Your profile was saved.',
  totp_added: 'Authenticator app added.',
  passkey_added: 'Passkey added.',
  factor_removed: 'Sign-in method removed.',
  session_revoked: 'That session was signed out.',
  others_revoked: 'You were signed out everywhere else.',
  app_revoked: 'Access removed: the application can no longer use your account.',
};

const ERRORS: Record<string, string> = {
  invalid_code: 'That code is not right; check the time on your device and try the current code.',
  enrolment_expired: 'That setup has expired; start again.',
  factor_not_found: 'That sign-in method no longer exists.',
  session_not_found: 'That session has already ended.',
  app_not_found: 'That application has no access to remove.',
};

const NAV: Array<[PortalSection, string, string]> = [
  ['overview', '', 'Overview'], ['profile', '/profile', 'Profile'], ['security', '/security', 'Security'],
  ['sessions', '/sessions', 'Sessions'], ['apps', '/apps', 'Connected apps'],
];

export const csrfField = (csrf: string) => `<input type="hidden" name="csrf_token" value="${h(csrf)}">`;

/** A one-button form (POST), with hidden fields. */
export function postButton(action: string, csrf: string, label: string, opts: { hidden?: Record<string, string>; className?: string } = {}): string {
  const fields = Object.entries(opts.hidden ?? {}).map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('');
  return `<form method="post" action="${h(action)}">${csrfField(csrf)}${fields}<button type="submit"${opts.className ? ` class="${h(opts.className)}"` : ''}>${h(label)}</button></form>`;
}

/** A date in the user's zone and locale (UTC and English when theirs cannot be used). */
export function when(d: Date, prefs?: PortalPageBase['prefs']): string {
  const fmt = (locale: string, timeZone: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
  try {
    return fmt(prefs?.locale?.replace('_', '-') || 'en', prefs?.zoneinfo || 'UTC');
  } catch {
    return `${fmt('en', 'UTC')} UTC`;
  }
}

/** A portal page: navigation, messages, then the section's body. */
export function portalPage(o: PortalPageBase & { title: string; section: PortalSection; body: string }): string {
  const nav = NAV.map(([section, path, label]) => `<a href="${h(o.base + path)}"${section === o.section ? ' aria-current="page"' : ''}>${h(label)}</a>`).join('');
  const notice = o.done && DONE[o.done] ? `<p class="notice" role="status">${h(DONE[o.done])}</p>` : '';
  const errorText = o.errorText ?? (o.error ? ERRORS[o.error] : undefined);
  const error = errorText ? `<p class="error" role="alert">${h(errorText)}</p>` : '';
  return page({
    title: o.title, tenantName: o.tenantName, wide: true,
    body: `<nav class="links account" aria-label="Account">${nav}${postButton(`${o.base}/logout`, o.csrf, 'Sign out', { className: 'link' })}</nav>
${notice}${error}
${o.body}`,
  });
}

export const upgradePrompt = (base: string) => `<p class="notice">You are using a guest account. <a href="${h(`${base}/upgrade`)}">Create a full account</a> to keep your data and to add a password, passkeys or two-step verification.</p>`;

export interface ProfileView {
  email: string;
  emailVerified: boolean;
  isAnonymous: boolean;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
  locale: string | null;
  zoneinfo: string | null;
}

export function overviewPage(o: PortalPageBase & { user: ProfileView; factorCount: number; sessionCount: number; appCount: number }): string {
  const u = o.user;
  const rows: Array<[string, string]> = [
    ['Name', u.name ?? ([u.givenName, u.familyName].filter(Boolean).join(' ') || 'not set')],
    ...(u.isAnonymous ? [] : [['Email', `${u.email}${u.emailVerified ? '' : ' (not verified)'}`] as [string, string]]),
    ['Phone', u.phoneNumber ? `${u.phoneNumber}${u.phoneNumberVerified ? '' : ' (not verified)'}` : 'not set'],
  ];
  return portalPage({
    ...o, title: 'Your account', section: 'overview',
    body: `${u.isAnonymous ? upgradePrompt(o.base) : `<p>Signed in as <strong>${h(u.email)}</strong>.</p>`}
<table aria-label="Profile"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${h(k)}</th><td>${h(v)}</td></tr>`).join('')}</tbody></table>
<ul>
<li><a href="${h(`${o.base}/profile`)}">Edit your profile</a></li>
${u.isAnonymous ? '' : `<li><a href="${h(`${o.base}/security`)}">Sign-in methods</a>: ${o.factorCount ? `${o.factorCount} set up` : 'password only'}</li>`}
<li><a href="${h(`${o.base}/sessions`)}">Where you are signed in</a>: ${o.sessionCount} ${o.sessionCount === 1 ? 'session' : 'sessions'}</li>
<li><a href="${h(`${o.base}/apps`)}">Connected applications</a>: ${o.appCount}</li>
</ul>`,
  });
}

export const PROFILE_FORM_FIELDS = [
  ['name', 'name', 'Full name', 'text', 'name'],
  ['givenName', 'given_name', 'Given name', 'text', 'given-name'],
  ['familyName', 'family_name', 'Family name', 'text', 'family-name'],
  ['phoneNumber', 'phone_number', 'Phone number', 'tel', 'tel'],
  ['locale', 'locale', 'Language (e.g. en-GB)', 'text', 'off'],
  ['zoneinfo', 'zoneinfo', 'Time zone (e.g. Europe/Paris)', 'text', 'off'],
] as const;

export function profilePage(o: PortalPageBase & { user: ProfileView; values?: Record<string, string> }): string {
  const u = o.user;
  const value = (key: (typeof PROFILE_FORM_FIELDS)[number][0], field: string) => o.values?.[field] ?? u[key] ?? '';
  const fields = PROFILE_FORM_FIELDS.map(([key, field, label, type, autocomplete]) => `<label for="${field}">${h(label)}</label>
<input id="${field}" name="${field}" type="${type}" autocomplete="${autocomplete}" value="${h(value(key, field))}" maxlength="${key === 'name' ? 200 : key === 'locale' ? 35 : key === 'zoneinfo' ? 64 : key === 'phoneNumber' ? 40 : 100}">`).join('\n');
  return portalPage({
    ...o, title: 'Profile', section: 'profile',
    body: `${u.isAnonymous ? upgradePrompt(o.base) : `<p>Email: <strong>${h(u.email)}</strong>${u.emailVerified ? '' : ' <span class="muted">(not verified)</span>'}</p>`}
<form method="post" action="${h(`${o.base}/profile`)}">
${csrfField(o.csrf)}
${fields}
<p class="muted">Changing your phone number marks it as not verified.</p>
<button type="submit">Save</button>
</form>`,
  });
}

export interface SessionRow {
  id: string;
  current: boolean;
  device: string;
  ip: string | null;
  authTime: Date;
  lastActiveAt: Date;
}

export function sessionsPage(o: PortalPageBase & { sessions: SessionRow[] }): string {
  const rows = o.sessions.map((s) => `<tr${s.current ? ' aria-current="true"' : ''}>
<td>${h(s.device)}${s.current ? ' <strong>(this browser)</strong>' : ''}</td><td>${h(s.ip ?? 'unknown')}</td>
<td>${h(when(s.authTime, o.prefs))}</td><td>${h(when(s.lastActiveAt, o.prefs))}</td>
<td>${s.current ? postButton(`${o.base}/logout`, o.csrf, 'Sign out', { className: 'secondary' })
    : postButton(`${o.base}/sessions/revoke`, o.csrf, 'Sign out', { hidden: { session_id: s.id }, className: 'secondary' })}</td></tr>`).join('\n');
  const others = o.sessions.filter((s) => !s.current).length;
  return portalPage({
    ...o, title: 'Sessions', section: 'sessions',
    body: `<p>Browsers where you are signed in. Signing one out ends it now; applications that support it are told too.</p>
<table><thead><tr><th>Device</th><th>IP address</th><th>Signed in</th><th>Last active</th><th><span class="muted">Action</span></th></tr></thead>
<tbody>${rows}</tbody></table>
${others ? postButton(`${o.base}/sessions/revoke-others`, o.csrf, 'Sign out everywhere else') : ''}`,
  });
}

/** "Chrome on Linux" from a User-Agent header (a hint for recognising a device, not a fact). */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const ua = userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /OPR\//.test(ua) ? 'Opera' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari' : /^curl\//.test(ua) ? 'curl' : /node|undici/i.test(ua) ? 'Program' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad|iPod/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in', profile: 'Your name and basic profile', email: 'Your email address', phone: 'Your phone number',
  address: 'Your postal address', offline_access: 'Access while you are away',
};

export interface AppRow {
  clientId: string;
  name: string;
  scopes: string[];
  since: Date;
}

export function appsPage(o: PortalPageBase & { apps: AppRow[] }): string {
  const rows = o.apps.map((a) => `<tr><td><strong>${h(a.name)}</strong></td>
<td><ul>${a.scopes.map((s) => `<li>${h(SCOPE_TEXT[s] ?? s)}</li>`).join('') || '<li>Sign you in</li>'}</ul></td>
<td>${h(when(a.since, o.prefs))}</td>
<td>${postButton(`${o.base}/apps/revoke`, o.csrf, 'Remove access', { hidden: { client_id: a.clientId }, className: 'secondary' })}</td></tr>`).join('\n');
  return portalPage({
    ...o, title: 'Connected applications', section: 'apps',
    body: o.apps.length
      ? `<p>Applications you allowed to use your account. Removing access signs the application out: its tokens stop working and it has to ask again.</p>
<table><thead><tr><th>Application</th><th>Can access</th><th>Allowed</th><th><span class="muted">Action</span></th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p>No applications have access to your account.</p>',
  });
}

export function signedOutPage(o: { tenantName: string; loginUrl: string }): string {
  return page({ title: 'Signed out', tenantName: o.tenantName, body: `<p>You have been signed out.</p>\n<p><a href="${h(o.loginUrl)}">Sign in again</a></p>` });
}
