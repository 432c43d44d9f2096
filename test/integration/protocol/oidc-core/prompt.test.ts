import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { codeOf, expectErrorRedirect, PASSWORD, redeem, runAuthorize, verifyWithJwks } from '../../../helpers/oauth-assertions.js';

describe('OIDC Core §3.1.2.1 prompt and max_age', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const user = { email: 'prompt@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  const noPage = (run: { sawLogin: boolean; sawConsent: boolean }) => expect({ login: run.sawLogin, consent: run.sawConsent }).toEqual({ login: false, consent: false });

  it('§3.1.2.6: prompt=none without a session → login_required redirected with state and iss', async () => {
    const run = await runAuthorize(s, t, c, new TestBrowser(), { params: { prompt: 'none', state: 'pn' } });
    noPage(run);
    expectErrorRedirect(run.last, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'pn', error: 'login_required', description: 'end-user authentication is required' });
  });

  it('§3.1.2.6: prompt=none with a session but no remembered consent → consent_required', async () => {
    const b = new TestBrowser();
    const first = await runAuthorize(s, t, c, b, { user, rememberConsent: false });
    codeOf(first, t);
    const run = await runAuthorize(s, t, c, b, { params: { prompt: 'none', state: 'pc' } });
    noPage(run);
    expectErrorRedirect(run.last, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'pc', error: 'consent_required', description: 'end-user consent is required' });
  });

  it('prompt=none with a session and remembered consent → a code without any page', async () => {
    const b = new TestBrowser();
    codeOf(await runAuthorize(s, t, c, b, { user }), t);
    const run = await runAuthorize(s, t, c, b, { params: { prompt: 'none', state: 'ok' } });
    noPage(run);
    const code = codeOf(run, t, 'ok');
    const tok = await redeem(t, c, code, run.verifier);
    expect(typeof tok.id_token).toBe('string');
  });

  it('prompt=none combined with another value → invalid_request', async () => {
    const run = await runAuthorize(s, t, c, new TestBrowser(), { params: { prompt: 'none login', state: 'x' } });
    expectErrorRedirect(run.last, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'x', error: 'invalid_request', description: 'prompt none must only be used alone' });
  });

  it('prompt=login shows the login page even with a session (and issues a new auth_time)', async () => {
    const b = new TestBrowser();
    const first = await runAuthorize(s, t, c, b, { user });
    const t1 = await redeem(t, c, codeOf(first, t), first.verifier);
    const quiet = await runAuthorize(s, t, c, b, {});
    noPage(quiet);
    codeOf(quiet, t);
    const forced = await runAuthorize(s, t, c, b, { user, params: { prompt: 'login' } });
    expect(forced.sawLogin).toBe(true);
    const t2 = await redeem(t, c, codeOf(forced, t), forced.verifier);
    const at1 = (await verifyWithJwks(t.issuer, t1.id_token!, { audience: c.clientId })).payload.auth_time as number;
    const at2 = (await verifyWithJwks(t.issuer, t2.id_token!, { audience: c.clientId })).payload.auth_time as number;
    expect(at2).toBeGreaterThanOrEqual(at1);
  });

  it('prompt=consent shows the consent page even with remembered consent', async () => {
    const b = new TestBrowser();
    codeOf(await runAuthorize(s, t, c, b, { user }), t);
    const run = await runAuthorize(s, t, c, b, { params: { prompt: 'consent' }, decision: 'allow' });
    expect({ login: run.sawLogin, consent: run.sawConsent }).toEqual({ login: false, consent: true });
    codeOf(run, t);
  });

  it('max_age=0 forces a new login although the session is fresh (errata set 2: max_age=0 is equivalent to prompt=login)', async () => {
    const b = new TestBrowser();
    // Start at the beginning of a wall-clock second, so the re-authorization happens within the
    // same second as the login (elapsed time 0): the case where "elapsed > max_age" alone fails.
    while (Date.now() % 1000 > 50) await new Promise((r) => setTimeout(r, 5));
    codeOf(await runAuthorize(s, t, c, b, { user }), t);
    const run = await runAuthorize(s, t, c, b, { params: { max_age: '0' } });
    expect(run.sawLogin).toBe(true);
  });

  it('a large max_age reuses the session and the ID token carries auth_time (§3.1.2.1)', async () => {
    const b = new TestBrowser();
    codeOf(await runAuthorize(s, t, c, b, { user }), t);
    const run = await runAuthorize(s, t, c, b, { params: { max_age: '3600' } });
    noPage(run);
    const tok = await redeem(t, c, codeOf(run, t), run.verifier);
    const { payload } = await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId });
    expect(typeof payload.auth_time).toBe('number');
  });

  it('a malformed max_age → invalid_request', async () => {
    const run = await runAuthorize(s, t, c, new TestBrowser(), { params: { max_age: '-1', state: 'm' } });
    expectErrorRedirect(run.last, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'm', error: 'invalid_request', description: 'invalid max_age parameter value' });
  });
});
