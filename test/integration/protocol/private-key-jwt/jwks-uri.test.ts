import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { registerSecret } from '../../../helpers/secrets.js';

/**
 * private_key_jwt with keys published at jwks_uri (RFC 7591 §2, OIDC Core §9): fetched through
 * the outbound guard (loopback allowed in tests by SIGNET_OUTBOUND_ALLOW_LOOPBACK), cached, and
 * fetched once more when a new kid appears (key rollover).
 */
describe('private_key_jwt with jwks_uri', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let jwksServer: http.Server;
  let published: JWK[] = [];
  let fetches = 0;

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    jwksServer = http.createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    c = await createClient(s, t, {
      tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`,
      grantTypes: ['client_credentials'], redirectUris: [], scopes: ['read'], audiences: ['https://api.example.com'],
    });
  });
  afterAll(async () => {
    jwksServer?.close();
    await s?.stop();
  });

  async function keyPair(kid: string): Promise<{ key: CryptoKey; jwk: JWK }> {
    const pair = await generateKeyPair('ES256');
    return { key: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' } };
  }

  async function tokenWith(key: CryptoKey, kid: string) {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ iss: c.clientId, sub: c.clientId, aud: `${t.issuer}/oauth/token`, iat: now, exp: now + 60, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid }).sign(key);
    registerSecret(inject('logDir'), jwt);
    const res = await fetch(`${t.issuer}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body.access_token === 'string') registerSecret(inject('logDir'), body.access_token);
    return { status: res.status, body };
  }

  it('authenticates with a key from jwks_uri, caches the set, and refetches for a new kid', async () => {
    const k1 = await keyPair('k1');
    published = [k1.jwk];
    expect((await tokenWith(k1.key, 'k1')).status).toBe(200);
    expect((await tokenWith(k1.key, 'k1')).status).toBe(200);
    expect(fetches).toBe(1);
    const k2 = await keyPair('k2');
    published = [k1.jwk, k2.jwk];
    expect((await tokenWith(k2.key, 'k2')).status).toBe(200);
    expect(fetches).toBe(2);
    const stranger = await keyPair('k3');
    expect((await tokenWith(stranger.key, 'k3')).body).toEqual({ error: 'invalid_client', error_description: 'client_assertion is invalid: token signature or format is invalid' });
  });

  it('refuses jwks and jwksUri together, and a non-https jwksUri', async () => {
    const both = await s.gql(`mutation($i: ClientCreateInput!) { clientCreate(input: $i) { userErrors { code message } } }`, {
      i: { name: 'x', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [(await keyPair('a')).jwk] }, jwksUri: 'https://keys.example.com/jwks', grantTypes: ['client_credentials'], audiences: ['https://api.example.com'] },
    }, { token: t.token });
    expect((both.data as { clientCreate: { userErrors: unknown[] } }).clientCreate.userErrors).toEqual([{ code: 'JWKS_INVALID', message: 'jwks and jwksUri are mutually exclusive (RFC 7591 §2)' }]);
    const http_ = await s.gql(`mutation($i: ClientCreateInput!) { clientCreate(input: $i) { userErrors { code message } } }`, {
      i: { name: 'x', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://keys.example.com/jwks', grantTypes: ['client_credentials'], audiences: ['https://api.example.com'] },
    }, { token: t.token });
    expect((http_.data as { clientCreate: { userErrors: { code: string }[] } }).clientCreate.userErrors[0]!.code).toBe('JWKS_INVALID');
  });
});
