import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { expectTokenError } from '../../../helpers/oauth-assertions.js';
import { registerSecret } from '../../../helpers/secrets.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const API = 'https://api.example.com';

describe('private_key_jwt client authentication: RFC 7523 §2.2 / §3, OIDC Core §9', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let tokenEndpoint: string;

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    tokenEndpoint = `${t.issuer}/oauth/token`;
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'client-key-1', alg: 'ES256', use: 'sig' };
    c = await createClient(s, t, {
      tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] }, grantTypes: ['client_credentials'], redirectUris: [],
      scopes: ['read'], audiences: [API],
    });
  });
  afterAll(async () => { await s.stop(); });

  async function assertion(o: { claims?: Record<string, unknown>; signer?: CryptoKey; kid?: string; omit?: string[] } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: c.clientId, sub: c.clientId, aud: tokenEndpoint, iat: now, exp: now + 60, jti: randomUUID(), ...o.claims };
    for (const k of o.omit ?? []) delete claims[k];
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: o.kid ?? 'client-key-1' }).sign(o.signer ?? key);
    registerSecret(inject('logDir'), jwt);
    return jwt;
  }

  async function token(clientAssertion: string, extra: Record<string, string> = {}) {
    const res = await fetch(tokenEndpoint, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion, ...extra }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body.access_token === 'string') registerSecret(inject('logDir'), body.access_token);
    return { status: res.status, body, headers: res.headers };
  }

  it('a signed assertion (iss = sub = client_id, aud = token endpoint, exp, jti) authenticates the client', async () => {
    const r = await token(await assertion());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
  });

  it('aud may also be the issuer identifier', async () => {
    const r = await token(await assertion({ claims: { aud: t.issuer } }));
    expect(r.status).toBe(200);
  });

  it('client_id in the body matching the assertion is accepted', async () => {
    const r = await token(await assertion(), { client_id: c.clientId });
    expect(r.status).toBe(200);
  });

  it('RFC 7523 §3 (7): a replayed jti → invalid_client "client_assertion jti has already been used"', async () => {
    const jwt = await assertion();
    expect((await token(jwt)).status).toBe(200);
    expectTokenError(await token(jwt), 401, 'invalid_client', 'client_assertion jti has already been used');
  });

  it('RFC 7523 §3 (3): a wrong aud → invalid_client', async () => {
    const r = await token(await assertion({ claims: { aud: 'https://other.example.com/token' } }));
    expectTokenError(r, 401, 'invalid_client', 'client_assertion is invalid: token claim "aud" is invalid');
  });

  it('RFC 7523 §3 (4): an expired assertion → invalid_client', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await token(await assertion({ claims: { iat: now - 600, exp: now - 300 } }));
    expectTokenError(r, 401, 'invalid_client', 'client_assertion is invalid: token is expired');
  });

  it('RFC 7523 §3 (9): signed by a key that is not registered → invalid_client', async () => {
    const r = await token(await assertion({ signer: otherKey }));
    expectTokenError(r, 401, 'invalid_client', 'client_assertion is invalid: token signature or format is invalid');
  });

  it('RFC 7523 §3 (1): iss other than the client_id → invalid_client', async () => {
    const r = await token(await assertion({ claims: { iss: 'someone-else' } }));
    expectTokenError(r, 401, 'invalid_client', 'client_assertion is invalid: token claim "iss" is invalid');
  });

  it('an assertion without jti → invalid_client', async () => {
    const r = await token(await assertion({ omit: ['jti'] }));
    expectTokenError(r, 401, 'invalid_client', 'client_assertion is invalid: token claim "jti" is invalid');
  });

  it('a wrong client_assertion_type → invalid_request', async () => {
    const r = await token(await assertion(), { client_assertion_type: 'urn:example:other' });
    expectTokenError(r, 400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
  });

  it('a client registered for private_key_jwt cannot use a client secret instead', async () => {
    const res = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.clientId}:some-secret-value`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });
});
