import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { startTestServer, uniqueSlug, type TestServer } from '../../../helpers/server.js';
import { createTenant, type TenantWithClient } from '../protocol-helpers.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

async function getJson(url: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('RFC 8414 authorization server metadata and OpenID Connect Discovery', () => {
  let s: TestServer;
  let issuer: string;
  let tenantB: TenantWithClient;

  beforeAll(async () => {
    s = await startTestServer();
    issuer = `${s.url}/t/system`;
    tenantB = await createTenant(s, uniqueSlug('disco'));
  });
  afterAll(async () => { await s.stop(); });

  const locations = (base: string, slug: string) => [
    `${base}/t/${slug}/.well-known/openid-configuration`,
    `${base}/t/${slug}/.well-known/oauth-authorization-server`,
    // RFC 8414 §3.1: the well-known segment inserted between host and issuer path.
    `${base}/.well-known/oauth-authorization-server/t/${slug}`,
  ];

  it('§3.2/§3.3: every metadata location names exactly the issuer and what is supported', async () => {
    for (const url of locations(s.url, 'system')) {
      const r = await getJson(url);
      expect(r.status, url).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.body.issuer).toBe(issuer);
      expect(r.body.issuer).toBe(`${s.url}/t/system`);
      expect(r.body.token_endpoint).toBe(`${issuer}/oauth/token`);
      expect(r.body.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
      expect(r.body.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
      expect(r.body.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
      // OIDC Discovery §3 acr_values_supported: what acr_values can ask for (step-up).
      expect(r.body.acr_values_supported).toEqual(['urn:signet:acr:sfa', 'urn:signet:acr:mfa', 'urn:signet:acr:phr', 'urn:signet:acr:anonymous']);
    }
  });

  it('every advertised endpoint answers', async () => {
    const { body } = await getJson(locations(s.url, 'system')[0]!);
    const urls = Object.entries(body).filter(([k, v]) => (k.endsWith('_endpoint') || k.endsWith('_uri')) && typeof v === 'string');
    expect(urls.map(([k]) => k).sort()).toEqual(expect.arrayContaining(['jwks_uri', 'token_endpoint']));
    for (const [name, url] of urls) {
      const res = await fetch(url as string, name === 'token_endpoint'
        ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }
        : undefined);
      expect(res.status, `${name} ${url}`).not.toBe(404);
      expect(res.status, `${name} ${url}`).toBeLessThan(500);
      await res.arrayBuffer();
    }
  });

  it('RFC 7517 §5: the JWKS publishes only public members, each key with kid, alg and use', async () => {
    const res = await fetch(`${issuer}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: JWK[] };
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const k of keys) {
      for (const m of PRIVATE_MEMBERS) expect(k, `${k.kid} must not publish ${m}`).not.toHaveProperty(m);
      expect(typeof k.kid).toBe('string');
      expect(typeof k.alg).toBe('string');
      expect(k.use).toBe('sig');
    }
    const es = keys.find((k) => k.alg === 'ES256');
    const rs = keys.find((k) => k.alg === 'RS256');
    expect(es).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(rs).toMatchObject({ kty: 'RSA', e: 'AQAB' });
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
  });

  it('a second tenant\'s metadata names its own issuer and its JWKS has its own kids', async () => {
    const issuerB = `${s.url}/t/${tenantB.slug}`;
    for (const url of locations(s.url, tenantB.slug)) {
      const r = await getJson(url);
      expect(r.status, url).toBe(200);
      expect(r.body.issuer).toBe(issuerB);
      expect(r.body.token_endpoint).toBe(`${issuerB}/oauth/token`);
      expect(r.body.jwks_uri).toBe(`${issuerB}/.well-known/jwks.json`);
    }
    const kidsA = ((await getJson(`${issuer}/.well-known/jwks.json`)).body.keys as JWK[]).map((k) => k.kid);
    const kidsB = ((await getJson(`${issuerB}/.well-known/jwks.json`)).body.keys as JWK[]).map((k) => k.kid);
    expect(kidsB.length).toBeGreaterThanOrEqual(2);
    expect(kidsB.filter((k) => kidsA.includes(k))).toEqual([]);
  });

  it('answers 404 JSON for an unknown issuer', async () => {
    for (const url of [...locations(s.url, 'no-such-tenant'), `${s.url}/t/no-such-tenant/.well-known/jwks.json`]) {
      const r = await getJson(url);
      expect(r.status, url).toBe(404);
      expect(r.body).toEqual({ error: 'invalid_request', error_description: 'unknown issuer' });
    }
  });
});
