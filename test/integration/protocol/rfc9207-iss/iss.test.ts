import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { expectErrorRedirect, PASSWORD, runAuthorize } from '../../../helpers/oauth-assertions.js';

describe('RFC 9207 authorization server issuer identification', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const user = { email: 'iss@example.com', password: PASSWORD };
  const ch = pkce();

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  const base = { scope: 'openid', state: 'st', code_challenge: ch.challenge, code_challenge_method: 'S256' };

  it('§2: a successful response carries iss equal to the issuer', async () => {
    const run = await runAuthorize(s, t, c, new TestBrowser(), { user, params: { state: 'st' } });
    expect(run.callback!.searchParams.get('iss')).toBe(t.issuer);
    expect(run.callback!.searchParams.get('code')).toBeTruthy();
  });

  it('§2.4: error responses carry iss too (unsupported_response_type, invalid_scope, invalid_request, login_required, access_denied)', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type', 'unsupported response_type requested (token)'],
      [{ scope: 'openid nope' }, 'invalid_scope', 'requested scope is not allowed for this client: nope'],
      [{ code_challenge_method: 'plain' }, 'invalid_request', 'plain code_challenge_method is not allowed; use S256'],
      [{ prompt: 'none' }, 'login_required', 'end-user authentication is required'],
      [{ prompt: 'bogus' }, 'invalid_request', 'unsupported prompt value requested (bogus)'],
    ];
    for (const [extra, error, description] of cases) {
      const res = await fetch(authorizeUrl(t, c, { ...base, ...extra }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'st', error, description });
    }
    const fresh = await createClient(s, t);
    const denied = await runAuthorize(s, t, fresh, new TestBrowser(), { user, decision: 'deny', params: { state: 'st' } });
    expect(Object.fromEntries(denied.callback!.searchParams)).toEqual({ error: 'access_denied', error_description: 'the user denied the request', state: 'st', iss: t.issuer });
  });

  it('§3: discovery advertises authorization_response_iss_parameter_supported: true, with the same issuer', async () => {
    const res = await fetch(`${t.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(t.issuer);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
  });
});
