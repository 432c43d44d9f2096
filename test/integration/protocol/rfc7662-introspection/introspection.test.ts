import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { expectTokenError, introspect, loginAndRedeem, PASSWORD, revoke } from '../../../helpers/oauth-assertions.js';

describe('Token introspection RFC 7662', () => {
  let s: TestServer;
  let t: TestTenant;
  let other: TestTenant;
  let c: TestClient;
  let subject: string;
  const user = { email: 'introspect@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    other = await createTenant(s);
    subject = await createUser(s, t, { email: user.email, password: PASSWORD });
    await createUser(s, other, { email: user.email, password: PASSWORD });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  const login = (client = c, tenant = t) => loginAndRedeem(s, tenant, client, new TestBrowser(), user, { scope: 'openid profile offline_access' });

  it('§2.1: the caller must authenticate → invalid_client without client authentication', async () => {
    const tok = await login();
    const r = await introspect(t, null, tok.access_token);
    expectTokenError(r, 401, 'invalid_client', 'no client authentication mechanism provided');
  });

  it('§2.1: a wrong client secret → invalid_client', async () => {
    const tok = await login();
    const r = await introspect(t, { ...c, clientSecret: 'not-the-secret' }, tok.access_token);
    expectTokenError(r, 401, 'invalid_client', 'client authentication failed');
  });

  it('§2.1 / §4: a public client (client_id only, token_endpoint_auth_method none) is not authenticated → invalid_client (discovery lists no "none" for introspection)', async () => {
    const meta = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as { introspection_endpoint_auth_methods_supported: string[] };
    expect(meta.introspection_endpoint_auth_methods_supported).not.toContain('none');
    const pub = await createClient(s, t, { confidential: false, tokenEndpointAuthMethod: 'none' });
    const tok = await login();
    const r = await introspect(t, pub, tok.access_token);
    expect({ status: r.status, error: r.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(r.body).not.toHaveProperty('active');
  });

  it('§2.2: an active JWT access token shows active, scope, client_id, sub, exp, iat, iss, aud, token_type', async () => {
    const tok = await login();
    const r = await introspect(t, c, tok.access_token);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const jwt = decodeJwt(tok.access_token);
    expect(r.body).toMatchObject({
      active: true, scope: 'openid profile offline_access', client_id: c.clientId, sub: subject, iss: t.issuer, token_type: 'Bearer',
      exp: jwt.exp, iat: jwt.iat, aud: t.issuer, jti: jwt.jti,
    });
    expect(r.body.exp as number).toBeGreaterThan(r.body.iat as number);
  });

  it('§2.2: an active refresh token introspects with token_type refresh_token (with the hint and without)', async () => {
    const tok = await login();
    for (const hint of ['refresh_token', undefined]) {
      const r = await introspect(t, c, tok.refresh_token!, hint);
      expect(r.body).toMatchObject({ active: true, client_id: c.clientId, sub: subject, token_type: 'refresh_token', scope: 'openid profile offline_access' });
    }
  });

  it('opaque access tokens (accessTokenFormat: "opaque") introspect active', async () => {
    const opaque = await createClient(s, t, { accessTokenFormat: 'opaque' });
    const tok = await login(opaque);
    expect(tok.access_token.split('.')).toHaveLength(1);
    const r = await introspect(t, opaque, tok.access_token);
    expect(r.body).toMatchObject({ active: true, client_id: opaque.clientId, sub: subject, token_type: 'Bearer', iss: t.issuer, scope: 'openid profile offline_access' });
    expect(typeof r.body.exp).toBe('number');
    expect(typeof r.body.iat).toBe('number');
  });

  describe('§2.2: anything not active is exactly {"active": false}', () => {
    it('an unknown or garbage token', async () => {
      for (const garbage of ['unknown-token-value', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'x'.repeat(9000)]) {
        const r = await introspect(t, c, garbage);
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ active: false });
      }
    });

    it('a revoked token (JWT and opaque)', async () => {
      const tok = await login();
      await revoke(t, c, tok.access_token);
      expect((await introspect(t, c, tok.access_token)).body).toEqual({ active: false });
      const opaque = await createClient(s, t, { accessTokenFormat: 'opaque' });
      const otok = await login(opaque);
      await revoke(t, opaque, otok.access_token);
      expect((await introspect(t, opaque, otok.access_token)).body).toEqual({ active: false });
    });

    it("another tenant's access and refresh tokens", async () => {
      const foreignClient = await createClient(s, other);
      const foreign = await login(foreignClient, other);
      expect((await introspect(other, foreignClient, foreign.access_token)).body.active).toBe(true);
      expect((await introspect(t, c, foreign.access_token)).body).toEqual({ active: false });
      expect((await introspect(t, c, foreign.refresh_token!)).body).toEqual({ active: false });
    });

    it('a consumed (rotated) refresh token', async () => {
      const tok = await login();
      const rotated = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tok.refresh_token! });
      expect(rotated.status).toBe(200);
      expect((await introspect(t, c, tok.refresh_token!)).body).toEqual({ active: false });
    });
  });
});
