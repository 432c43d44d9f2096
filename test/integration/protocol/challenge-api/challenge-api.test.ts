import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { auditEvents, redeem, verifyWithJwks } from '../../../helpers/oauth-assertions.js';

/**
 * The login and consent challenge API (issue 3 item 2, shaped after the broker API of seed 003):
 * GET/PUT /t/{slug}/admin/{login,consent}[/accept|/reject] with a management token holding
 * interactions:write. Each answer moves the interaction exactly once; the browser then resumes
 * at redirect_to.
 */
describe('challenge API: login and consent answered by a tenant login UI', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let subject: string;

  const api = (method: 'GET' | 'PUT', path: string, body?: unknown, token = t.token) => fetch(`${t.issuer}/admin/${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = async (r: Response) => (await r.json()) as Record<string, unknown>;

  /** Starts an authorization request in a fresh browser; returns the login challenge. */
  async function start(scope = 'openid profile', client = c): Promise<{ b: TestBrowser; challenge: string; verifier: string; client: TestClient }> {
    const b = new TestBrowser();
    const p = pkce();
    const res = await b.fetch(authorizeUrl(t, client, { scope, state: 'st-1', nonce: 'n-1', code_challenge: p.challenge, code_challenge_method: 'S256' }));
    const challenge = new URL(res.headers.get('location')!).searchParams.get('login_challenge');
    expect(challenge).toBeTruthy();
    return { b, challenge: challenge!, verifier: p.verifier, client };
  }

  /** Follows redirect_to in the browser; returns the next Location. */
  async function resume(b: TestBrowser, redirectTo: string): Promise<URL> {
    const res = await b.fetch(redirectTo);
    expect(res.status).toBe(303);
    return new URL(res.headers.get('location')!);
  }

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    subject = await createUser(s, t, { email: 'challenge@example.com', name: 'Challenge User' });
    c = await createClient(s, t, { name: 'Broker App' });
  });
  afterAll(async () => { await s.stop(); });

  it('GET login shows the request; accept → resume → consent challenge; accept → code; the ID token carries the acr/amr given', async () => {
    const { b, challenge, verifier } = await start('openid profile');
    const got = await api('GET', `login?login_challenge=${encodeURIComponent(challenge)}`);
    expect(got.status).toBe(200);
    expect(await json(got)).toMatchObject({ challenge, skip: false, client: { client_id: c.clientId, client_name: 'Broker App' }, requested_scope: ['openid', 'profile'] });

    const acc = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject, acr: 'urn:signet:acr:mfa', amr: ['pwd', 'otp'], context: { via: 'broker' } });
    expect(acc.status).toBe(200);
    const consentUrl = await resume(b, (await json(acc)).redirect_to as string);
    const consentChallenge = consentUrl.searchParams.get('consent_challenge')!;
    expect(consentChallenge).toBeTruthy();

    const consent = await api('GET', `consent?consent_challenge=${encodeURIComponent(consentChallenge)}`);
    expect(await json(consent)).toMatchObject({ subject, acr: 'urn:signet:acr:mfa', amr: ['pwd', 'otp'], context: { via: 'broker' }, requested_scope: ['openid', 'profile'] });
    const granted = await api('PUT', `consent/accept?consent_challenge=${encodeURIComponent(consentChallenge)}`, { grant_scope: ['openid', 'profile'], session: { id_token: { tier: 'gold' } } });
    expect(granted.status).toBe(200);
    const cb = await resume(b, (await json(granted)).redirect_to as string);
    expect(`${cb.origin}${cb.pathname}`).toBe(c.redirectUri);
    expect(cb.searchParams.get('state')).toBe('st-1');
    const tokens = await redeem(t, c, cb.searchParams.get('code')!, verifier);
    const { payload } = await verifyWithJwks(t.issuer, tokens.id_token!, { audience: c.clientId });
    expect(payload).toMatchObject({ sub: subject, acr: 'urn:signet:acr:mfa', amr: ['pwd', 'otp'], nonce: 'n-1', tier: 'gold' });
    // OIDC Core §5.4: with an access token issued, profile claims are for userinfo, not the ID token.
    expect(payload.name).toBeUndefined();

    const events = await auditEvents(s, t.token, ['Login.Succeeded', 'Consent.Granted']);
    const mine = events.filter((e) => e.payload.clientId === c.clientId);
    expect(mine.map((e) => e.type).sort()).toEqual(['Consent.Granted', 'Login.Succeeded']);
    expect(mine.find((e) => e.type === 'Login.Succeeded')!.payload).toEqual({ clientId: c.clientId, acr: 'urn:signet:acr:mfa', amr: ['pwd', 'otp'] });
    expect(mine.find((e) => e.type === 'Consent.Granted')!.payload).toEqual({ clientId: c.clientId, scopes: ['openid', 'profile'], remember: false });
  });

  it('a challenge answers once: a second accept is 409 already_handled and records no second Login.Succeeded', async () => {
    const { challenge } = await start();
    const before = (await auditEvents(s, t.token, ['Login.Succeeded'])).length;
    const first = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject });
    expect(first.status).toBe(200);
    const second = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject });
    expect(second.status).toBe(409);
    expect(await json(second)).toEqual({ error: 'already_handled', error_description: 'the login challenge has already been answered' });
    const reject = await api('PUT', `login/reject?login_challenge=${encodeURIComponent(challenge)}`, {});
    expect(reject.status).toBe(409);
    expect((await auditEvents(s, t.token, ['Login.Succeeded'])).length).toBe(before + 1);
  });

  it('10 parallel accepts of one challenge: exactly one 200, the rest 409, no 5xx', async () => {
    const { challenge } = await start();
    const statuses = await Promise.all(Array.from({ length: 10 }, () => api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject }).then((r) => r.status)));
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 409)).toHaveLength(9);
  });

  it('accepting with an unknown or suspended subject → 400 subject_invalid; the challenge stays answerable', async () => {
    const suspended = await createUser(s, t, { email: 'suspended-challenge@example.com' });
    const r = await s.gql(`query($q: String!) { users(first: 5, query: $q) { nodes { id subject } } }`, { q: 'suspended-challenge@example.com' }, { token: t.token });
    const node = (r.data as { users: { nodes: { id: string; subject: string }[] } }).users.nodes.find((n) => n.subject === suspended)!;
    const sus = await s.gql(`mutation($id: ID!) { userSuspend(id: $id) { userErrors { code } } }`, { id: node.id }, { token: t.token });
    expect((sus.data as { userSuspend: { userErrors: unknown[] } }).userSuspend.userErrors).toEqual([]);

    const { challenge } = await start();
    for (const who of [suspended, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject: who });
      expect(res.status).toBe(400);
      expect(await json(res)).toEqual({ error: 'subject_invalid', error_description: 'subject is not an active user of this tenant' });
    }
    const ok = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject });
    expect(ok.status).toBe(200);
  });

  it('reject login → the client gets the error with state and iss (RFC 9207), never a code', async () => {
    const { b, challenge } = await start();
    const res = await api('PUT', `login/reject?login_challenge=${encodeURIComponent(challenge)}`, { error: 'access_denied', error_description: 'the broker said no' });
    expect(res.status).toBe(200);
    const cb = await resume(b, (await json(res)).redirect_to as string);
    expect(Object.fromEntries(cb.searchParams)).toEqual({ error: 'access_denied', error_description: 'the broker said no', state: 'st-1', iss: t.issuer });
  });

  it('consent: grant_scope beyond the request → 400 scope_not_requested and nothing moves; reject → access_denied at the client', async () => {
    const { b, challenge } = await start('openid');
    const acc = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject });
    const consentChallenge = (await resume(b, (await json(acc)).redirect_to as string)).searchParams.get('consent_challenge')!;
    const wide = await api('PUT', `consent/accept?consent_challenge=${encodeURIComponent(consentChallenge)}`, { grant_scope: ['openid', 'email'] });
    expect(wide.status).toBe(400);
    expect(await json(wide)).toEqual({ error: 'scope_not_requested', error_description: 'grant_scope contains scopes that were not requested: email' });
    const rejected = await api('PUT', `consent/reject?consent_challenge=${encodeURIComponent(consentChallenge)}`, {});
    expect(rejected.status).toBe(200);
    const cb = await resume(b, (await json(rejected)).redirect_to as string);
    expect(cb.searchParams.get('error')).toBe('access_denied');
    expect(cb.searchParams.get('code')).toBeNull();
  });

  it('a remembered consent (remember: true) is not asked again for the same scopes', async () => {
    const client = await createClient(s, t, { name: 'Remembered' });
    const first = await start('openid profile', client);
    const acc = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(first.challenge)}`, { subject, remember: true, remember_for: 3600 });
    const consentChallenge = (await resume(first.b, (await json(acc)).redirect_to as string)).searchParams.get('consent_challenge')!;
    const granted = await api('PUT', `consent/accept?consent_challenge=${encodeURIComponent(consentChallenge)}`, { grant_scope: ['openid', 'profile'], remember: true });
    expect((await resume(first.b, (await json(granted)).redirect_to as string)).searchParams.get('code')).toBeTruthy();

    // Same browser (SSO session remembered), same scopes: straight back to the client with a code.
    const p = pkce();
    const again = await first.b.fetch(authorizeUrl(t, client, { scope: 'openid profile', state: 's2', code_challenge: p.challenge, code_challenge_method: 'S256' }));
    const loc = new URL(again.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(client.redirectUri);
    expect(loc.searchParams.get('code')).toBeTruthy();
  });

  it('bad calls: unknown challenge 404, malformed body fields 400, no token 401, a token without interactions:write 403', async () => {
    const unknown = await api('GET', 'login?login_challenge=' + 'A'.repeat(43));
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ error: 'not_found', error_description: 'challenge not found or expired' });
    const { challenge } = await start();
    const badRemember = await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject, remember: 'yes' });
    expect(badRemember.status).toBe(400);
    expect((await json(badRemember)).error).toBe('invalid_input');
    const noToken = await fetch(`${t.issuer}/admin/login?login_challenge=${encodeURIComponent(challenge)}`);
    expect(noToken.status).toBe(401);
    const narrow = await s.token({ tenant: t.slug, clientId: t.managementClientId, clientSecret: t.managementClientSecret, scope: 'users:read' });
    const forbidden = await api('GET', `login?login_challenge=${encodeURIComponent(challenge)}`, undefined, narrow);
    expect(forbidden.status).toBe(403);
    // None of these moved it.
    expect((await api('PUT', `login/accept?login_challenge=${encodeURIComponent(challenge)}`, { subject })).status).toBe(200);
  });
});
