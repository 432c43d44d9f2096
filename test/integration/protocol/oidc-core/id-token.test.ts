import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, TestBrowser, type TestTenant } from '../../../helpers/oauth-flow.js';
import { atHash, jwksOf, loginAndRedeem, PASSWORD, verifyWithJwks } from '../../../helpers/oauth-assertions.js';

describe('OIDC Core §2 / §3.1.3.6 / §3.1.3.7 ID token', () => {
  let s: TestServer;
  let t: TestTenant;
  let subject: string;
  const user = { email: 'idt@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    subject = await createUser(s, t, { email: user.email, password: PASSWORD, name: 'Id Token' });
  });
  afterAll(async () => { await s.stop(); });

  it('carries iss, sub, aud, exp, iat, auth_time, nonce, acr, amr, azp, sid and at_hash, signed RS256 by default and verifiable with the JWKS', async () => {
    const c = await createClient(s, t);
    const before = Math.floor(Date.now() / 1000);
    const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user, { nonce: 'n-0S6_WzA2Mj' });
    const after = Math.floor(Date.now() / 1000);
    const { payload, protectedHeader } = await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId });
    expect(protectedHeader.alg).toBe('RS256');
    expect(typeof protectedHeader.kid).toBe('string');
    expect(payload.iss).toBe(t.issuer);
    expect(payload.sub).toBe(subject);
    expect(payload.aud).toBe(c.clientId);
    expect(payload.azp).toBe(c.clientId);
    expect(payload.nonce).toBe('n-0S6_WzA2Mj');
    // One factor (password) through the hosted login: acr sfa (src/protocol/interaction/acr.ts).
    expect(payload.acr).toBe('urn:signet:acr:sfa');
    expect(payload.amr).toEqual(['pwd']);
    expect(typeof payload.sid).toBe('string');
    expect((payload.sid as string).length).toBeGreaterThan(0);
    expect(payload.iat).toBeGreaterThanOrEqual(before - 1);
    expect(payload.iat).toBeLessThanOrEqual(after + 1);
    expect(payload.exp).toBeGreaterThan(payload.iat!);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(payload.auth_time).toBeLessThanOrEqual(payload.iat!);
    expect(payload.at_hash).toBe(atHash(tok.access_token, 'RS256'));
  });

  it('§3.1.3.6: without a nonce in the request there is no nonce claim', async () => {
    const c = await createClient(s, t);
    const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user);
    const { payload } = await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId });
    expect(payload).not.toHaveProperty('nonce');
  });

  it('sid is the same for two clients in one browser session, and different for another session', async () => {
    const b = new TestBrowser();
    const c1 = await createClient(s, t);
    const c2 = await createClient(s, t);
    const t1 = await loginAndRedeem(s, t, c1, b, user);
    const t2 = await loginAndRedeem(s, t, c2, b, user);
    const t3 = await loginAndRedeem(s, t, c1, new TestBrowser(), user);
    const sid = async (jwt: string, aud: string) => (await verifyWithJwks(t.issuer, jwt, { audience: aud })).payload.sid;
    expect(await sid(t1.id_token!, c1.clientId)).toBe(await sid(t2.id_token!, c2.clientId));
    expect(await sid(t3.id_token!, c1.clientId)).not.toBe(await sid(t1.id_token!, c1.clientId));
  });

  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    it(`id_token_signed_response_alg ${alg}: the ID token is signed with ${alg}, its kid is an ${alg} key of the JWKS, at_hash uses the alg's hash`, async () => {
      const c = await createClient(s, t, { idTokenSignedResponseAlg: alg });
      const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user, { nonce: `n-${alg}` });
      const header = decodeProtectedHeader(tok.id_token!);
      expect(header.alg).toBe(alg);
      const jwks = await jwksOf(t.issuer);
      expect(jwks.keys.find((k) => k.kid === header.kid)?.alg).toBe(alg);
      const { payload } = await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId, jwks });
      expect(payload.nonce).toBe(`n-${alg}`);
      expect(payload.at_hash).toBe(atHash(tok.access_token, alg));
    });
  }

  it('an ID token is issued only when openid was granted', async () => {
    const c = await createClient(s, t, { scopes: ['openid', 'profile'] });
    const b = new TestBrowser();
    const tok = await loginAndRedeem(s, t, c, b, user, { scope: 'profile' });
    expect(tok.id_token).toBeUndefined();
    expect(tok.scope).toBe('profile');
  });
});
