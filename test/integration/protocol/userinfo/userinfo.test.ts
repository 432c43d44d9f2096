import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerSecret } from '../../../helpers/secrets.js';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { expectTokenError, loginAndRedeem, PASSWORD, type Tokens } from '../../../helpers/oauth-assertions.js';

describe('UserInfo endpoint: OIDC Core §5.3, RFC 6750', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let subject: string;
  let tok: Tokens;
  const user = { email: 'ui@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    subject = await createUser(s, t, { email: user.email, password: PASSWORD, emailVerified: true });
    c = await createClient(s, t);
    tok = await loginAndRedeem(s, t, c, new TestBrowser(), user, { scope: 'openid email' });
  });
  afterAll(async () => { await s.stop(); });

  const call = async (init: RequestInit & { query?: string } = {}) => {
    const res = await fetch(`${t.issuer}/userinfo${init.query ?? ''}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  it('§5.3.1: GET with the Authorization header → 200 JSON claims, Cache-Control no-store', async () => {
    const r = await call({ headers: { authorization: `Bearer ${tok.access_token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({ sub: subject, email: user.email, email_verified: true });
  });

  it('§5.3.1: POST with the Authorization header → 200', async () => {
    const r = await call({ method: 'POST', headers: { authorization: `Bearer ${tok.access_token}` } });
    expect(r.status).toBe(200);
    expect(r.body.sub).toBe(subject);
  });

  it('RFC 6750 §2.2: POST with a form-encoded access_token → 200', async () => {
    const r = await call({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: tok.access_token }) });
    expect(r.status).toBe(200);
    expect(r.body.sub).toBe(subject);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('RFC 6750 §2.3 (query) is refused: invalid_request', async () => {
    const r = await call({ query: `?access_token=${encodeURIComponent(tok.access_token)}` });
    expectTokenError(r, 400, 'invalid_request', 'access tokens in the query string are not accepted');
  });

  it('RFC 6750 §2: two methods at once → invalid_request', async () => {
    const r = await call({ method: 'POST', headers: { authorization: `Bearer ${tok.access_token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: tok.access_token }) });
    expectTokenError(r, 400, 'invalid_request', 'access token must only be provided using one method');
  });

  it('RFC 6750 §3.1: no token → 401 with WWW-Authenticate: Bearer', async () => {
    const r = await call();
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(r.body).toEqual({ error: 'invalid_token', error_description: 'no access token provided' });
  });

  it('RFC 6750 §3.1: an invalid token → 401 invalid_token with WWW-Authenticate error="invalid_token"', async () => {
    const r = await call({ headers: { authorization: 'Bearer not-a-real-token' } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'invalid_token', error_description: 'access token is invalid, expired or revoked' });
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="signet", error="invalid_token"/);
  });

  it('RFC 6750 §3.1: a token without openid → 403 insufficient_scope', async () => {
    const noOpenid = await createClient(s, t, { scopes: ['openid', 'profile', 'email'] });
    const plain = await loginAndRedeem(s, t, noOpenid, new TestBrowser(), user, { scope: 'profile email' });
    const r = await call({ headers: { authorization: `Bearer ${plain.access_token}` } });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'insufficient_scope', error_description: 'access token lacks the openid scope' });
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="signet", error="insufficient_scope"/);
  });

  it('a client_credentials token (no user) is refused with 401 invalid_token', async () => {
    const cc = await createClient(s, t, { grantTypes: ['client_credentials'], redirectUris: [], scopes: ['openid'], audiences: ['https://api.example.com'] });
    const res = await fetch(`${t.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(cc.clientId)}:${encodeURIComponent(cc.clientSecret!)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'openid' }),
    });
    const body = (await res.json()) as { access_token: string };
    expect(res.status).toBe(200);
    registerSecret(inject('logDir'), body.access_token);
    const r = await call({ headers: { authorization: `Bearer ${body.access_token}` } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'invalid_token', error_description: 'access token was not issued to a user' });
  });
});
