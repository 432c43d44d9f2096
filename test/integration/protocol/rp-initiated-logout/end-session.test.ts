import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, hidden, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { auditEvents, expectErrorPage, expectErrorRedirect, loginAndRedeem, PASSWORD, runAuthorize, setCookieLine, verifyWithJwks } from '../../../helpers/oauth-assertions.js';

describe('OpenID Connect RP-Initiated Logout 1.0', () => {
  let s: TestServer;
  let t: TestTenant;
  let foreign: TestTenant;
  let c: TestClient;
  let foreignClient: TestClient;
  const user = { email: 'logout@example.com', password: PASSWORD };
  const postLogout = 'http://127.0.0.1:9/logged-out';

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    foreign = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    await createUser(s, foreign, { email: user.email, password: PASSWORD });
    c = await createClient(s, t, { postLogoutRedirectUris: [postLogout] });
    foreignClient = await createClient(s, foreign, { postLogoutRedirectUris: [postLogout] });
  });
  afterAll(async () => { await s.stop(); });

  const endSession = (b: TestBrowser, params: Record<string, string>, tenant = t) =>
    b.fetch(`${tenant.issuer}/oauth/end-session?${new URLSearchParams(params)}`);

  async function expectLoggedOut(b: TestBrowser) {
    const run = await runAuthorize(s, t, c, b, { params: { prompt: 'none', state: 'after' } });
    expectErrorRedirect(run.last, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'after', error: 'login_required', description: 'end-user authentication is required' });
  }

  async function expectStillLoggedIn(b: TestBrowser) {
    const run = await runAuthorize(s, t, c, b, { params: { prompt: 'none', state: 'still' } });
    expect(run.callback?.searchParams.get('code')).toBeTruthy();
  }

  it('§2/§3: a valid id_token_hint and a registered post_logout_redirect_uri → redirect there with state; the session cookie is cleared and the session ended (prompt=none → login_required)', async () => {
    const b = new TestBrowser();
    const tok = await loginAndRedeem(s, t, c, b, user);
    const sessionCookie = b.cookies.get('signet_session')!;
    expect(sessionCookie).toBeTruthy();
    const res = await endSession(b, { id_token_hint: tok.id_token!, post_logout_redirect_uri: postLogout, state: 'bye-1' });
    expect(res.status).toBe(303);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(postLogout);
    expect(loc.searchParams.get('state')).toBe('bye-1');
    const cleared = setCookieLine(res, 'signet_session');
    expect(cleared).toMatch(/^signet_session=;.*Max-Age=0/);
    expect(b.cookies.has('signet_session')).toBe(false);
    await expectLoggedOut(b);
    // The server-side session is gone too: replaying the old cookie does not log the user in.
    const replay = new TestBrowser();
    replay.cookies.set('signet_session', sessionCookie);
    await expectLoggedOut(replay);
  });

  it('Session.Ended is recorded in the audit log with the session id', async () => {
    const b = new TestBrowser();
    const tok = await loginAndRedeem(s, t, c, b, user);
    const { payload } = await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId });
    const res = await endSession(b, { id_token_hint: tok.id_token!, post_logout_redirect_uri: postLogout });
    expect(res.status).toBe(303);
    const events = await auditEvents(s, t.token, ['Session.Ended']);
    const mine = events.filter((e) => e.payload.sid === payload.sid);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload.reason).toBe('logout');
  });

  it('§3: an unregistered post_logout_redirect_uri → error page, no redirect, the session stays', async () => {
    const b = new TestBrowser();
    const tok = await loginAndRedeem(s, t, c, b, user);
    const res = await endSession(b, { id_token_hint: tok.id_token!, post_logout_redirect_uri: 'https://evil.example.com/bye', state: 's' });
    await expectErrorPage(res, 400, 'invalid_request', 'post_logout_redirect_uri is not registered for this client');
    await expectStillLoggedIn(b);
  });

  it('§2: a garbage id_token_hint → error page', async () => {
    const b = new TestBrowser();
    await loginAndRedeem(s, t, c, b, user);
    const res = await endSession(b, { id_token_hint: 'not-a-jwt', post_logout_redirect_uri: postLogout });
    await expectErrorPage(res, 400, 'invalid_request', 'id_token_hint is invalid: token is not a JWS');
    await expectStillLoggedIn(b);
  });

  it("§2: another tenant's ID token as hint → error page (not signed by this issuer)", async () => {
    const b = new TestBrowser();
    await loginAndRedeem(s, t, c, b, user);
    const other = await loginAndRedeem(s, foreign, foreignClient, new TestBrowser(), user);
    const res = await endSession(b, { id_token_hint: other.id_token!, post_logout_redirect_uri: postLogout });
    await expectErrorPage(res, 400, 'invalid_request', 'id_token_hint was not signed by this issuer');
    await expectStillLoggedIn(b);
  });

  it('§2: client_id that is not the hint audience → error page', async () => {
    const b = new TestBrowser();
    const tok = await loginAndRedeem(s, t, c, b, user);
    const other = await createClient(s, t, { postLogoutRedirectUris: [postLogout] });
    const res = await endSession(b, { id_token_hint: tok.id_token!, client_id: other.clientId, post_logout_redirect_uri: postLogout });
    await expectErrorPage(res, 400, 'invalid_request', 'client_id does not match the id_token_hint audience');
  });

  it('§2/§6: without a hint the user confirms on a page; only a POST with the CSRF token logs out', async () => {
    const b = new TestBrowser();
    await loginAndRedeem(s, t, c, b, user);
    const page = await endSession(b, { client_id: c.clientId, post_logout_redirect_uri: postLogout, state: 'confirm-state' });
    expect(page.status).toBe(200);
    expect(page.headers.get('location')).toBeNull();
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="\/t\/[^"]+\/oauth\/end-session">/);
    expect(hidden(html, 'logout')).toBe('yes');
    expect(hidden(html, 'state')).toBe('confirm-state');
    const csrf = hidden(html, 'csrf_token');
    // Merely showing the page does not log out.
    await expectStillLoggedIn(b);

    const form = (extra: Record<string, string>) => ({
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: c.clientId, post_logout_redirect_uri: postLogout, state: 'confirm-state', logout: 'yes', ...extra }),
    });
    const noCsrf = await b.fetch(`${t.issuer}/oauth/end-session`, form({}));
    await expectErrorPage(noCsrf, 403, 'invalid_request', 'the form has expired; go back and try again');
    const wrongCsrf = await b.fetch(`${t.issuer}/oauth/end-session`, form({ csrf_token: 'B'.repeat(43) }));
    await expectErrorPage(wrongCsrf, 403, 'invalid_request', 'the form has expired; go back and try again');
    await expectStillLoggedIn(b);

    const ok = await b.fetch(`${t.issuer}/oauth/end-session`, form({ csrf_token: csrf }));
    expect(ok.status).toBe(303);
    const loc = new URL(ok.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(postLogout);
    expect(loc.searchParams.get('state')).toBe('confirm-state');
    await expectLoggedOut(b);
  });

  it('without a hint nor a post_logout_redirect_uri, the confirmed logout ends on the "signed out" page', async () => {
    const b = new TestBrowser();
    await loginAndRedeem(s, t, c, b, user);
    const html = await (await endSession(b, {})).text();
    const res = await b.fetch(`${t.issuer}/oauth/end-session`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout: 'yes', csrf_token: hidden(html, 'csrf_token') }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You have been signed out.');
    await expectLoggedOut(b);
  });
});
