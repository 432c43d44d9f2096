import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createTenant, type TestTenant } from '../../../helpers/oauth-flow.js';
import { registerSecret } from '../../../helpers/secrets.js';

/**
 * CORS for browser clients (Fetch standard, CORS protocol): discovery and JWKS are public to any
 * origin; token, revocation, introspection and userinfo answer only the origins an enabled client
 * of the tenant lists in allowedCorsOrigins, and stop as soon as the list changes.
 */
describe('CORS origins of browser clients', () => {
  let s: TestServer;
  let t: TestTenant;
  let clientId: string;
  let id: string;
  let secret: string;
  const SPA = 'https://spa.example.com';

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    const r = await s.gql(`mutation($i: ClientCreateInput!) { clientCreate(input: $i) { client { id clientId allowedCorsOrigins } plaintextSecret userErrors { code } } }`, {
      i: { name: 'SPA backend', grantTypes: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example.com'], allowedCorsOrigins: [SPA, SPA] },
    }, { token: t.token });
    const p = (r.data as { clientCreate: { client: { id: string; clientId: string; allowedCorsOrigins: string[] }; plaintextSecret: string } }).clientCreate;
    expect(p.client.allowedCorsOrigins).toEqual([SPA]);
    ({ id, clientId } = p.client);
    secret = p.plaintextSecret;
    registerSecret(inject('logDir'), secret);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const preflight = (path: string, origin: string) => fetch(`${t.issuer}${path}`, {
    method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  const token = async (origin: string) => {
    const res = await fetch(`${t.issuer}/oauth/token`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (body.access_token) registerSecret(inject('logDir'), body.access_token);
    return res;
  };

  it('answers a preflight from an allowed origin and echoes it on the token response', async () => {
    const pre = await preflight('/oauth/token', SPA);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(SPA);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await token(SPA);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA);
    expect(res.headers.get('vary')?.toLowerCase()).toContain('origin');
  });

  it('gives no CORS grant to an origin no client lists', async () => {
    const pre = await preflight('/oauth/revoke', 'https://evil.example.com');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await token('https://evil.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves discovery and JWKS to any origin', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      const res = await fetch(`${t.issuer}${path}`, { headers: { origin: 'https://anyone.example.org' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('refuses values that are not origins, and keeps the stored list', async () => {
    for (const bad of ['https://spa.example.com/callback', 'http://spa.example.com', 'not a url', '*']) {
      const r = await s.gql(`mutation($id: ID!, $i: ClientUpdateInput!) { clientUpdate(id: $id, input: $i) { userErrors { code field } } }`,
        { id, i: { allowedCorsOrigins: [bad] } }, { token: t.token });
      expect((r.data as { clientUpdate: { userErrors: unknown[] } }).clientUpdate.userErrors).toEqual([{ code: 'CORS_ORIGIN_INVALID', field: ['input', 'allowedCorsOrigins'] }]);
    }
    expect((await token(SPA)).headers.get('access-control-allow-origin')).toBe(SPA);
  });

  it('stops answering an origin once the client drops it', async () => {
    const r = await s.gql(`mutation($id: ID!, $i: ClientUpdateInput!) { clientUpdate(id: $id, input: $i) { client { allowedCorsOrigins } userErrors { code } } }`,
      { id, i: { allowedCorsOrigins: [] } }, { token: t.token });
    expect((r.data as { clientUpdate: { client: { allowedCorsOrigins: string[] } } }).clientUpdate.client.allowedCorsOrigins).toEqual([]);
    expect((await preflight('/oauth/token', SPA)).headers.get('access-control-allow-origin')).toBeNull();
  });
});
