import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql } from '../../generated/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { signJwt } from '../../../src/crypto/jwt.js';
import { REVOCATION_RECHECK_MS } from '../../../src/modules/access/index.js';

const Viewer = graphql(`
  query Viewer {
    viewer { kind subject clientId scopes tokenExpiresAt tenant { slug isSystem } homeTenant { slug } }
  }
`);

const CurrentTenant = graphql(`
  query CurrentTenant { currentTenant { id slug name issuer } }
`);

describe('management API authentication (bearer tokens for ${PUBLIC_URL}/graphql)', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  it('answers UNAUTHENTICATED with 401 when no token is sent', async () => {
    const r = await s.gql(Viewer, {}, { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.errors?.[0]?.message).toBe('a bearer access token for the management API is required');
    expect(r.data).toBeUndefined();
  });

  it('answers UNAUTHENTICATED for a malformed, forged or foreign-audience token', async () => {
    const good = await s.rootToken();
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    for (const token of ['not-a-jwt', forged]) {
      const r = await s.gql(Viewer, {}, { token });
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const r = await s.gql(Viewer, {}, { headers: { authorization: 'Basic abc' }, token: null });
    expect(r.errors?.[0]?.message).toBe('authorization header must be "Bearer <access token>"');
  });

  it('refuses a token carrying the signature of one already accepted, with other claims (verified tokens are cached by signature)', async () => {
    const good = await s.rootToken('audit:read');
    expect((await s.gql(Viewer, {}, { token: good })).data?.viewer.scopes).toEqual(['audit:read']);
    const [h, p, sig] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const widened = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'platform:admin' })).toString('base64url')}.${sig}`;
    const r = await s.gql(Viewer, {}, { token: widened });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.message).toBe('invalid access token: token signature or format is invalid');
    expect((await s.gql(Viewer, {}, { token: good })).data?.viewer.scopes).toEqual(['audit:read']);
  });

  it('refuses a revoked token (RFC 7009): at once when it was not seen before, within REVOCATION_RECHECK_MS (and one check) when it was', async () => {
    const revoke = (token: string) => fetch(`${s.publicUrl}/t/system/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${inject('rootClientId')}:${inject('rootClientSecret')}`).toString('base64')}` },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
    });
    const unseen = await s.token({ scope: 'audit:read' });
    expect((await revoke(unseen)).status).toBe(200);
    const r1 = await s.gql(Viewer, {}, { token: unseen });
    expect(r1.status).toBe(401);
    expect(r1.errors?.[0]?.message).toBe('invalid access token: token was revoked');

    const used = await s.token({ scope: 'audit:read' });
    expect((await s.gql(Viewer, {}, { token: used })).data?.viewer.scopes).toEqual(['audit:read']);
    expect((await revoke(used)).status).toBe(200);
    // The first request after the window starts the check in the background; one after that
    // check is refused.
    await new Promise((r) => setTimeout(r, REVOCATION_RECHECK_MS + 100));
    let r2 = await s.gql(Viewer, {}, { token: used });
    for (let i = 0; i < 20 && r2.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      r2 = await s.gql(Viewer, {}, { token: used });
    }
    expect(r2.status).toBe(401);
    expect(r2.errors?.[0]?.message).toBe('invalid access token: token was revoked');
    // Other tokens of the same client are untouched.
    expect((await s.gql(Viewer, {}, { token: await s.rootToken() })).errors).toBeUndefined();
  });

  it('refuses a Signet-signed token whose audience is not the management API', async () => {
    const c = s.server.container;
    const signer = await c.keys.activeSigningKey(c.system.systemTenantId, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const token = await signJwt({
      iss: `${s.publicUrl}/t/system`, sub: 'test-root', client_id: 'test-root', aud: 'https://api.example.com',
      scope: 'platform:admin', iat: now, exp: now + 60, jti: 'x',
    }, signer, 'at+jwt');
    const r = await s.gql(Viewer, {}, { token });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.message).toBe('invalid access token: token claim "aud" is invalid');
  });

  it('tells the caller who it is: viewer', async () => {
    const r = await s.gql(Viewer, {});
    expect(r.errors).toBeUndefined();
    expect(r.data?.viewer.kind).toBe('CLIENT');
    expect(r.data?.viewer.clientId).toBe('test-root');
    expect(r.data?.viewer.tenant.slug).toBe('system');
    expect(r.data?.viewer.tenant.isSystem).toBe(true);
    expect(r.data?.viewer.scopes).toContain('platform:admin');
    expect(new Date(r.data!.viewer.tokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers FORBIDDEN naming the missing scope', async () => {
    const token = await s.rootToken('audit:read');
    const r = await s.gql(CurrentTenant, {}, { token });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.errors?.[0]?.message).toBe('this operation requires the scope "tenant:read"');
    const ok = await s.gql(Viewer, {}, { token });
    expect(ok.data?.viewer.scopes).toEqual(['audit:read']);
  });

  it('masks unexpected errors and returns the request id', async () => {
    const r = await s.gql('{ nodes(ids: ["x"]) { id } __typename }', undefined, { headers: { 'x-request-id': 'req-test-123456' } });
    expect(r.headers.get('x-request-id')).toBe('req-test-123456');
    expect((r.data as { nodes: unknown[] }).nodes).toEqual([null]);
  });

  it('refuses batched request arrays', async () => {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await s.rootToken()}` },
      body: JSON.stringify([{ query: '{ viewer { subject } }' }, { query: '{ viewer { subject } }' }]),
    });
    expect(res.status).toBe(400);
  });
});
