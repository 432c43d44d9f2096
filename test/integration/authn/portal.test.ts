import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../../src/crypto/totp.js';
import { base32, updateSettings } from '../../helpers/authn.js';
import { auditEvents } from '../../helpers/oauth-assertions.js';
import { authorizeUrl, createClient, createTenant, createUser, hidden, hostedFlow, pkce, tokenCall, TestBrowser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const decode = (s: string) => s.replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n)));

describe('identity portal (/t/{slug}/account): profile, sign-in methods, sessions, connected apps', () => {
  let s: TestServer;
  let t: TestTenant;
  const password = 'portal-password-1842';

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
  });
  afterAll(async () => s?.stop());

  const account = (path = '') => `${t.issuer}/account${path}`;

  /** Hosted sign-in coming back to `returnTo`; answers a second-factor step with a recovery code when asked. */
  async function signIn(b: TestBrowser, email: string, returnTo = `/t/${t.slug}/account`, recoveryCode?: string) {
    const start = await b.follow(`${t.issuer}/login?return_to=${encodeURIComponent(returnTo)}`, s.publicUrl);
    const html = await start.res.text();
    let step = await b.follow(`${t.issuer}/login`, s.publicUrl, {
      method: 'POST', headers: form,
      body: new URLSearchParams({ return_to: hidden(html, 'return_to'), csrf_token: hidden(html, 'csrf_token'), step: 'password', email, password, remember: '1' }),
    });
    if (new URL(step.url).pathname.endsWith('/login')) {
      const page = await step.res.text();
      expect(page, 'a second factor is asked').toContain('Two-step verification');
      step = await b.follow(`${t.issuer}/login`, s.publicUrl, {
        method: 'POST', headers: form,
        body: new URLSearchParams({ return_to: hidden(page, 'return_to'), csrf_token: hidden(page, 'csrf_token'), step: 'recovery_code', code: recoveryCode! }),
      });
    }
    expect(step.res.status).toBe(200);
    return step;
  }

  async function newUser(name: string): Promise<{ id: string; email: string; b: TestBrowser }> {
    const email = `${name.split(" ")[0]!.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const id = await createUser(s, t, { email, password, name });
    const b = new TestBrowser();
    const home = await signIn(b, email);
    expect(home.url).toBe(account());
    return { id, email, b };
  }

  const get = async (b: TestBrowser, path: string) => {
    const res = await b.fetch(account(path));
    return { res, html: res.status === 200 ? await res.text() : '' };
  };
  const post = (b: TestBrowser, path: string, fields: Record<string, string>, csrf: string | null = b.cookies.get('signet_csrf') ?? null) =>
    b.fetch(account(path), { method: 'POST', headers: form, body: new URLSearchParams({ ...(csrf === null ? {} : { csrf_token: csrf }), ...fields }) });

  it('not signed in: every page redirects to the hosted sign-in, which comes back to it', async () => {
    const b = new TestBrowser();
    for (const path of ['', '/profile', '/security', '/sessions', '/apps']) {
      const res = await b.fetch(account(path));
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(`/t/${t.slug}/account${path}`)}`);
    }
    const withQuery = await b.fetch(account('/security/remove?id=0b8a4a52-1c35-4c57-9a43-6f3c1e0d2b7e'));
    expect(withQuery.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(`/t/${t.slug}/account/security/remove?id=0b8a4a52-1c35-4c57-9a43-6f3c1e0d2b7e`)}`);
    // A POST without a session: the CSRF token is checked first, then the sign-in comes back to the form's page.
    const csrf = await b.fetch(`${t.issuer}/login`);
    await csrf.text();
    const res = await post(b, '/profile', { name: 'x' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(`/t/${t.slug}/account/profile`)}`);
    const unknown = await fetch(`${s.publicUrl}/t/no-such-tenant/account`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
  });

  it('overview after sign-in: who is signed in, no-store, no framing', async () => {
    const { email, b } = await newUser('Ada Lovelace');
    const { res, html } = await get(b, '');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(html).toContain(`Signed in as <strong>${email}</strong>`);
    expect(html).toContain('Ada Lovelace');
  });

  it('refuses a POST without or with a wrong CSRF token (403), and changes nothing', async () => {
    const { b } = await newUser('Grace Hopper');
    for (const csrf of [null, 'A'.repeat(43)]) {
      const res = await post(b, '/profile', { name: 'Mallory' }, csrf);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('the form has expired');
    }
    expect((await post(b, '/logout', {}, null)).status).toBe(403);
    expect((await get(b, '/profile')).html).not.toContain('Mallory');
  });

  it('profile: saves name, given/family name, phone, locale and time zone (User.Updated); refuses bad values with the reason', async () => {
    const { id, b } = await newUser('Katherine Johnson');
    await get(b, '/profile');
    const res = await post(b, '/profile', {
      name: 'Katherine G. Johnson', given_name: 'Katherine', family_name: 'Johnson', phone_number: '+1 555 0100', locale: 'en-US', zoneinfo: 'America/New_York',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/t/${t.slug}/account/profile?done=profile_saved`);
    const { html } = await get(b, '/profile?done=profile_saved');
    expect(html).toContain('role="status">Your profile was saved.');
    for (const v of ['Katherine G. Johnson', '+1 555 0100', 'en-US', 'America/New_York']) expect(decode(html)).toContain(`value="${v}"`);
    const events = await auditEvents(s, t.token, ['User.Updated']);
    const mine = events.find((e) => e.payload.userId === id);
    expect(mine?.actor.kind).toBe('USER');
    expect(Object.keys((mine!.payload.changes ?? {}) as object).sort()).toEqual(['familyName', 'givenName', 'locale', 'name', 'phoneNumber', 'zoneinfo']);

    const bad = await post(b, '/profile', { name: 'Katherine', locale: 'not a locale!' });
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toMatch(/role="alert">[^<]*locale/);
    expect(page).toContain('value="not a locale!"');
    expect((await get(b, '/profile')).html).toContain('value="en-US"');
  });

  it('TOTP: begin → QR page → a wrong code is refused → the right code adds it and shows recovery codes once', async () => {
    const { b } = await newUser('Hedy Lamarr');
    const start = await get(b, '/security');
    expect(start.html).toContain('You sign in with your password only');
    const begin = await post(b, '/security/totp', {});
    expect(begin.status).toBe(303);
    expect(begin.headers.get('location')).toBe(`/t/${t.slug}/account/security/totp`);
    const qr = await get(b, '/security/totp');
    expect(qr.html).toContain('<img alt="QR code for your authenticator app" src="data:image/svg+xml;base64,');
    const key = /data-totp-secret>([A-Z2-7 ]+)</.exec(qr.html)![1]!.replace(/ /g, '');
    const secret = base32(key);

    const now = totp(secret, Date.now());
    const wrong = await post(b, '/security/totp/confirm', { code: now === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get('location')).toBe(`/t/${t.slug}/account/security/totp?error=invalid_code`);
    const again = await get(b, '/security/totp?error=invalid_code');
    expect(again.html).toContain('role="alert">That code is not right');
    // The same enrolment: the same key is shown again.
    expect(again.html).toContain(`data-totp-secret>${key.replace(/(.{4})/g, '$1 ').trim()}<`);

    const ok = await post(b, '/security/totp/confirm', { code: totp(secret, Date.now()) });
    expect(ok.status).toBe(200);
    const codesPage = await ok.text();
    const codes = [...codesPage.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect(codesPage).toContain('Authenticator app added.');
    const listed = (await get(b, '/security')).html;
    expect(listed).toContain('Authenticator app');
    expect(listed).toContain('Recovery codes (10 left)');
    // The enrolment is over: confirming again starts nothing.
    const replay = await post(b, '/security/totp/confirm', { code: totp(secret, Date.now()) });
    expect(replay.headers.get('location')).toBe(`/t/${t.slug}/account/security?error=enrolment_expired`);
  });

  it('adding or removing a sign-in method, or replacing recovery codes, needs a sign-in younger than 5 minutes; a fresh one comes back to the confirmation', async () => {
    const { id, email, b } = await newUser('Mary Jackson');
    await get(b, '/security');
    await post(b, '/security/totp', {});
    const key = /data-totp-secret>([A-Z2-7 ]+)</.exec((await get(b, '/security/totp')).html)![1]!.replace(/ /g, '');
    const done = await post(b, '/security/totp/confirm', { code: totp(base32(key), Date.now()) });
    const codes = [...(await done.text()).matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]!);
    const factorId = /security\/remove\?id=([0-9a-f-]{36})"[^>]*aria-label="Remove Authenticator app"/.exec(decode((await get(b, '/security')).html))![1]!;

    // Signed in just now: the confirmation shows directly.
    const fresh = await get(b, `/security/remove?id=${factorId}`);
    expect(fresh.res.status).toBe(200);
    expect(fresh.html).toContain('Remove this sign-in method?');

    // Ten minutes later (the session's auth_time is moved back): a new sign-in is asked first.
    await s.server.container.orm.em.getConnection().execute(
      `update browser_session set auth_time = auth_time - interval '10 minutes' where subject = ?`, [id]);
    const confirm = `/t/${t.slug}/account/security/remove?id=${factorId}`;
    const stale = await b.fetch(account(`/security/remove?id=${factorId}`));
    expect(stale.status).toBe(303);
    expect(stale.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(confirm)}`);
    const refused = await post(b, '/security/remove', { authenticator_id: factorId });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(confirm)}`);
    const regen = await post(b, '/security/recovery-codes', {});
    expect(regen.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(`/t/${t.slug}/account/security/recovery-codes`)}`);
    const security = (await get(b, '/security')).html;
    expect(security).toContain('aria-label="Remove Authenticator app"');
    expect(security).toContain('Adding or removing a sign-in method, or replacing recovery codes, asks you to sign in again first.');
    // Adding a method too: a stolen session cannot plant its own authenticator app or passkey.
    const addTotp = await post(b, '/security/totp', {});
    expect(addTotp.status).toBe(303);
    expect(addTotp.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(`/t/${t.slug}/account/security`)}`);
    expect(b.cookies.has('signet_totp_enrol'), 'no enrolment was started').toBe(false);
    const addPasskey = await b.fetch(account('/passkeys/new'));
    expect(addPasskey.status).toBe(303);
    expect(addPasskey.headers.get('location')).toBe(`/t/${t.slug}/login?return_to=${encodeURIComponent(`/t/${t.slug}/account/passkeys/new`)}`);
    for (const path of ['/passkeys/options', '/passkeys']) {
      const res = await b.fetch(account(path), { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': b.cookies.get('signet_csrf')! }, body: '{}' });
      expect(res.status, path).toBe(403);
      expect(await res.json(), path).toMatchObject({ error: 'reauthentication_required' });
    }

    // Signing in again (the second factor may be asked: a recovery code answers it) lands on the confirmation.
    const back = await signIn(b, email, confirm, codes[0]);
    expect(back.url).toBe(`${s.publicUrl}${confirm}`);
    const csrf = hidden(await back.res.text(), 'csrf_token');
    const removed = await post(b, '/security/remove', { authenticator_id: factorId }, csrf);
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe(`/t/${t.slug}/account/security?done=factor_removed`);
    const after = (await get(b, '/security?done=factor_removed')).html;
    expect(after).toContain('Sign-in method removed.');
    expect(after).not.toContain('aria-label="Remove Authenticator app"');
    const events = await auditEvents(s, t.token, ['Mfa.Factor.Removed']);
    expect(events.find((e) => e.payload.factorId === factorId)).toMatchObject({ payload: { userId: id }, actor: { kind: 'USER' } });

    // Within the window: new recovery codes are shown once.
    expect((await get(b, '/security/recovery-codes')).html).toContain('Get new recovery codes?');
    const fresher = await post(b, '/security/recovery-codes', {});
    expect(fresher.status).toBe(200);
    expect([...(await fresher.text()).matchAll(/<li><code>([^<]+)<\/code><\/li>/g)]).toHaveLength(10);

    // Another user's factor id is "not found".
    const other = await newUser('Dorothy Vaughan');
    const res = await post(other.b, '/security/remove', { authenticator_id: factorId });
    expect(res.headers.get('location')).toBe(`/t/${t.slug}/account/security?error=factor_not_found`);
  });

  it('sessions: lists them with this one marked, signs out one, everywhere else, and this browser', async () => {
    const { id, email, b } = await newUser('Annie Easley');
    const second = new TestBrowser();
    await signIn(second, email);
    const third = new TestBrowser();
    await signIn(third, email);
    const list = (await get(b, '/sessions')).html;
    expect(list.match(/<tr[ >]/g)?.length).toBe(4); // header + 3 sessions
    expect(list).toContain('(this browser)');
    const others = [...list.matchAll(/name="session_id" value="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    expect(others).toHaveLength(2);

    const one = await post(b, '/sessions/revoke', { session_id: others[0]! });
    expect(one.headers.get('location')).toBe(`/t/${t.slug}/account/sessions?done=session_revoked`);
    const alive = await Promise.all([second, third].map(async (x) => (await x.fetch(account())).status));
    expect(alive.sort()).toEqual([200, 303]);
    const again = await post(b, '/sessions/revoke', { session_id: others[0]! });
    expect(again.headers.get('location')).toBe(`/t/${t.slug}/account/sessions?error=session_not_found`);

    // Another user's session is not found either, and stays live.
    const stranger = await newUser('Evelyn Boyd');
    const theirs = /name="session_id" value="([0-9a-f-]{36})"/.exec((await get(b, '/sessions')).html)![1]!;
    const crossed = await post(stranger.b, '/sessions/revoke', { session_id: theirs });
    expect(crossed.headers.get('location')).toBe(`/t/${t.slug}/account/sessions?error=session_not_found`);

    const rest = await post(b, '/sessions/revoke-others', {});
    expect(rest.headers.get('location')).toBe(`/t/${t.slug}/account/sessions?done=others_revoked`);
    for (const x of [second, third]) expect((await x.fetch(account())).status).toBe(303);
    expect((await get(b, '/sessions')).html).not.toContain('name="session_id"');
    const ended = (await auditEvents(s, t.token, ['Session.Ended'])).filter((e) => e.payload.userId === id);
    expect(ended).toHaveLength(2);
    expect(ended.every((e) => e.payload.reason === 'revoked' && e.actor.kind === 'USER')).toBe(true);

    const out = await post(b, '/logout', {});
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`/t/${t.slug}/account/signed-out`);
    expect(b.cookies.has('signet_session')).toBe(false);
    expect((await b.fetch(account())).status).toBe(303);
    expect((await get(b, '/signed-out')).html).toContain('You have been signed out.');
  });

  it('a guest (anonymous) account sees the upgrade prompt instead of sign-in methods, and cannot enrol factors', async () => {
    const g = await createTenant(s);
    await updateSettings(s, g, { authenticationMethods: ['password', 'anonymous'] });
    const b = new TestBrowser();
    const returnTo = `/t/${g.slug}/account`;
    const login = await b.follow(`${g.issuer}/login?return_to=${encodeURIComponent(returnTo)}`, s.publicUrl);
    const html = await login.res.text();
    const home = await b.follow(`${g.issuer}/login`, s.publicUrl, {
      method: 'POST', headers: form, body: new URLSearchParams({ return_to: returnTo, csrf_token: hidden(html, 'csrf_token'), step: 'anonymous' }),
    });
    expect(home.url).toBe(`${g.issuer}/account`);
    const overview = await home.res.text();
    expect(overview).toContain(`href="/t/${g.slug}/account/upgrade"`);
    expect(overview).not.toContain('.invalid');
    const security = await (await b.fetch(`${g.issuer}/account/security`)).text();
    expect(security).toContain('You are using a guest account.');
    expect(security).not.toContain('Set up an authenticator app');
    const csrf = b.cookies.get('signet_csrf')!;
    const begin = await b.fetch(`${g.issuer}/account/security/totp`, { method: 'POST', headers: form, body: new URLSearchParams({ csrf_token: csrf }) });
    expect(begin.headers.get('location')).toBe(`/t/${g.slug}/account/security`);
    expect(b.cookies.has('signet_totp_enrol')).toBe(false);
  });

  it('connected apps: lists the consent with the client name; removing access revokes the refresh token (Consent.Revoked)', async () => {
    const { id, b } = await newUser('Radia Perlman');
    const c = await createClient(s, t, { name: 'Spanning Tree Viewer' });
    const { verifier, challenge } = pkce();
    const cb = await hostedFlow(s, b, authorizeUrl(t, c, { scope: 'openid profile offline_access', state: 'st', code_challenge: challenge, code_challenge_method: 'S256' }), null);
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(typeof tok.body.refresh_token).toBe('string');

    const apps = (await get(b, '/apps')).html;
    expect(apps).toContain('<strong>Spanning Tree Viewer</strong>');
    expect(apps).toContain('Access while you are away');
    const bogus = await post(b, '/apps/revoke', { client_id: 'no-such-client' });
    expect(bogus.headers.get('location')).toBe(`/t/${t.slug}/account/apps?error=app_not_found`);

    const res = await post(b, '/apps/revoke', { client_id: c.clientId });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/t/${t.slug}/account/apps?done=app_revoked`);
    expect((await get(b, '/apps?done=app_revoked')).html).toContain('No applications have access to your account.');
    const refresh = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token as string });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    const events = await auditEvents(s, t.token, ['Consent.Revoked']);
    expect(events.find((e) => e.payload.userId === id)).toMatchObject({ actor: { kind: 'USER' }, payload: { clientId: c.clientId } });
  });
});
