import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { introspect, jwksOf, loginAndRedeem, PASSWORD, userinfo, verifyWithJwks } from '../../../helpers/oauth-assertions.js';

interface Key { kid: string; alg: string; status: 'ACTIVE' | 'NEXT' | 'RETIRED' }

/** RFC 7517 §5 JWK Set across a signing key rotation (signingKeyRotate, keys:write). */
describe('signing key rotation: the JWKS publishes active, next and retired keys', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const user = { email: 'keys@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  async function keys(): Promise<Key[]> {
    const r = await s.gql(`{ currentTenant { signingKeys { kid alg status } } }`, undefined, { token: t.token });
    expect(r.errors).toBeUndefined();
    return (r.data as { currentTenant: { signingKeys: Key[] } }).currentTenant.signingKeys;
  }

  it('after signingKeyRotate the JWKS holds the new active and next keys and the retired ones; earlier tokens still verify; new tokens carry the new kids', async () => {
    const before = await loginAndRedeem(s, t, c, new TestBrowser(), user);
    const oldIdKid = decodeProtectedHeader(before.id_token!).kid!;
    const oldAtKid = decodeProtectedHeader(before.access_token).kid!;
    const jwksBefore = await jwksOf(t.issuer);
    expect(jwksBefore.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldIdKid, oldAtKid]));

    const r = await s.gql(`mutation { signingKeyRotate(algs: ["RS256", "ES256"]) { activeKeys { kid alg status } } }`, undefined, { token: t.token });
    expect(r.errors).toBeUndefined();
    const active = (r.data as { signingKeyRotate: { activeKeys: Key[] } }).signingKeyRotate.activeKeys;
    expect(active.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(active.every((k) => k.status === 'ACTIVE')).toBe(true);
    const newRs = active.find((k) => k.alg === 'RS256')!.kid;
    const newEs = active.find((k) => k.alg === 'ES256')!.kid;
    expect(newRs).not.toBe(oldIdKid);
    expect(newEs).not.toBe(oldAtKid);

    const all = await keys();
    const status = (kid: string) => all.find((k) => k.kid === kid)?.status;
    expect(status(oldIdKid)).toBe('RETIRED');
    expect(status(oldAtKid)).toBe('RETIRED');
    expect(status(newRs)).toBe('ACTIVE');
    const next = all.filter((k) => k.status === 'NEXT' && ['RS256', 'ES256'].includes(k.alg));
    expect(next.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);

    const jwks = await jwksOf(t.issuer);
    const published = jwks.keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining([newRs, newEs, ...next.map((k) => k.kid), oldIdKid, oldAtKid]));
    for (const k of jwks.keys) {
      expect(k).not.toHaveProperty('d');
      expect(k.use).toBe('sig');
      expect(typeof k.alg).toBe('string');
    }

    // Tokens issued before the rotation still verify and are still honoured.
    const { payload } = await verifyWithJwks(t.issuer, before.id_token!, { audience: c.clientId, jwks });
    expect(payload.aud).toBe(c.clientId);
    await verifyWithJwks(t.issuer, before.access_token, { typ: 'at+jwt', jwks });
    expect((await introspect(t, c, before.access_token)).body.active).toBe(true);
    expect((await userinfo(t, before.access_token)).status).toBe(200);

    // Tokens issued after carry the new kids.
    const after = await loginAndRedeem(s, t, c, new TestBrowser(), user);
    expect(decodeProtectedHeader(after.id_token!).kid).toBe(newRs);
    expect(decodeProtectedHeader(after.access_token).kid).toBe(newEs);
    await verifyWithJwks(t.issuer, after.id_token!, { audience: c.clientId, jwks: await jwksOf(t.issuer) });
  });

  it('a second rotation promotes the published next key (so caches that fetched the JWKS already know it)', async () => {
    const nextRs = (await keys()).find((k) => k.alg === 'RS256' && k.status === 'NEXT')!.kid;
    const r = await s.gql(`mutation { signingKeyRotate(algs: ["RS256"]) { activeKeys { kid alg } } }`, undefined, { token: t.token });
    expect(r.errors).toBeUndefined();
    expect((r.data as { signingKeyRotate: { activeKeys: Key[] } }).signingKeyRotate.activeKeys).toEqual([{ kid: nextRs, alg: 'RS256' }]);
    const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user);
    expect(decodeProtectedHeader(tok.id_token!).kid).toBe(nextRs);
  });

  it('signingKeyRotate requires keys:write', async () => {
    const limited = await s.token({ tenant: t.slug, clientId: t.managementClientId, clientSecret: t.managementClientSecret, scope: 'tenant:read' });
    const r = await s.gql(`mutation { signingKeyRotate { activeKeys { kid } } }`, undefined, { token: limited });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
