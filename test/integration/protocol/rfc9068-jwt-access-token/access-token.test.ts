import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { startTestServer, uniqueSlug, type TestServer } from '../../../helpers/server.js';
import { basic, createTenant, rootTokenRequest, tokenRequest, type TenantWithClient } from '../protocol-helpers.js';

async function jwksOf(issuer: string): Promise<JSONWebKeySet> {
  const res = await fetch(`${issuer}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

describe('RFC 9068 JWT profile for OAuth 2.0 access tokens', () => {
  let s: TestServer;
  let issuer: string;
  let tenantB: TenantWithClient;

  beforeAll(async () => {
    s = await startTestServer();
    issuer = `${s.url}/t/system`;
    tenantB = await createTenant(s, uniqueSlug('at'));
  });
  afterAll(async () => { await s.stop(); });

  async function rootToken(scope?: string): Promise<{ token: string; expiresIn: number }> {
    const r = await rootTokenRequest(s, scope ? { grant_type: 'client_credentials', scope } : { grant_type: 'client_credentials' });
    expect(r.status).toBe(200);
    return { token: r.body.access_token as string, expiresIn: r.body.expires_in as number };
  }

  it('§2.1: header typ is at+jwt, alg ES256 and the kid is in the tenant JWKS', async () => {
    const { token } = await rootToken();
    const header = decodeProtectedHeader(token);
    expect(header.typ).toBe('at+jwt');
    expect(header.alg).toBe('ES256');
    expect(typeof header.kid).toBe('string');
    const jwks = await jwksOf(issuer);
    const key = jwks.keys.find((k) => k.kid === header.kid);
    expect(key).toBeDefined();
    expect(key!.alg).toBe('ES256');
    expect(key!.use).toBe('sig');
  });

  it('§2.2: verifies against the issuer JWKS with the required claims', async () => {
    const { token, expiresIn } = await rootToken('tenant:read audit:read');
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), {
      issuer, audience: `${s.url}/graphql`, typ: 'at+jwt', algorithms: ['ES256'],
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.iss).toBe(`${s.url}/t/system`);
    // §2.2: for client_credentials (no resource owner) sub is the client id.
    expect(payload.sub).toBe(inject('rootClientId'));
    expect(payload.client_id).toBe(inject('rootClientId'));
    expect(payload.aud).toBe(`${s.url}/graphql`);
    expect(payload.scope).toBe('tenant:read audit:read');
    expect(Number.isInteger(payload.iat)).toBe(true);
    expect(Number.isInteger(payload.exp)).toBe(true);
    expect(payload.exp! - payload.iat!).toBe(expiresIn);
    expect(Math.abs(payload.iat! - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(5);
    expect(typeof payload.jti).toBe('string');
    expect((payload.jti as string).length).toBeGreaterThanOrEqual(16);
  });

  it('§2.2.3: the scope claim lists every granted scope when none was requested', async () => {
    const r = await rootTokenRequest(s);
    const payload = decodeJwt(r.body.access_token as string);
    expect(payload.scope).toBe(r.body.scope);
  });

  it('§2.2: jti is unique per token', async () => {
    const a = decodeJwt((await rootToken()).token);
    const b = decodeJwt((await rootToken()).token);
    expect(a.jti).not.toBe(b.jti);
  });

  it('a tenant\'s token verifies only with that tenant\'s keys and names its issuer', async () => {
    const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { tenant: tenantB.slug, headers: { authorization: basic(tenantB.clientId, tenantB.clientSecret) } });
    expect(r.status).toBe(200);
    const token = r.body.access_token as string;
    const issuerB = `${s.url}/t/${tenantB.slug}`;
    expect(tenantB.issuer).toBe(issuerB);

    const { payload } = await jwtVerify(token, createLocalJWKSet(await jwksOf(issuerB)), { issuer: issuerB, audience: `${s.url}/graphql`, typ: 'at+jwt' });
    expect(payload.iss).toBe(issuerB);
    expect(payload.sub).toBe(tenantB.clientId);
    expect(payload.client_id).toBe(tenantB.clientId);

    // The system tenant's key set does not contain tenant B's kid, so verification fails.
    await expect(jwtVerify(token, createLocalJWKSet(await jwksOf(issuer)))).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    // And a system token does not verify with tenant B's keys.
    const { token: systemToken } = await rootToken();
    await expect(jwtVerify(systemToken, createLocalJWKSet(await jwksOf(issuerB)))).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
  });

  it('a tenant\'s key, forced under another tenant\'s kid, does not verify the token', async () => {
    // Same kid lookup defeated: re-label tenant B's ES256 key with the system kid; the signature must fail.
    const { token } = await rootToken();
    const kid = decodeProtectedHeader(token).kid!;
    const bKey = (await jwksOf(`${s.url}/t/${tenantB.slug}`)).keys.find((k) => k.alg === 'ES256')!;
    const forged = createLocalJWKSet({ keys: [{ ...bKey, kid }] });
    await expect(jwtVerify(token, forged)).rejects.toBeInstanceOf(joseErrors.JWSSignatureVerificationFailed);
  });
});
