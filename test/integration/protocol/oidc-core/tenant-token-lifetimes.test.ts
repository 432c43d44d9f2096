import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, hostedFlow, pkce, tokenCall, TestBrowser } from '../../../helpers/oauth-flow.js';

describe('tenant token lifetimes (tenantSettingsUpdate) apply to user grants; a client setting wins', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  it('uses the tenant access and ID token lifetimes, and refuses out-of-range values', async () => {
    const t = await createTenant(s);
    const bad = await s.gql('mutation { tenantSettingsUpdate(input: {accessTokenTtl: 5}) { userErrors { code message } } }', undefined, { token: t.token });
    expect((bad.data as { tenantSettingsUpdate: { userErrors: unknown[] } }).tenantSettingsUpdate.userErrors).toEqual([{ code: 'SETTING_INVALID', message: 'accessTokenTtl must be 60-86400 seconds' }]);
    const ok = await s.gql('mutation { tenantSettingsUpdate(input: {accessTokenTtl: 600, idTokenTtl: 300}) { tenant { settings { accessTokenTtl idTokenTtl } } userErrors { code } } }', undefined, { token: t.token });
    expect((ok.data as { tenantSettingsUpdate: unknown }).tenantSettingsUpdate).toEqual({ tenant: { settings: { accessTokenTtl: 600, idTokenTtl: 300 } }, userErrors: [] });
    await createUser(s, t, { email: 'ttl@example.com', password: 'ttl-password-1' });
    const flow = async (client: Awaited<ReturnType<typeof createClient>>) => {
      const { verifier, challenge } = pkce();
      const cb = await hostedFlow(s, new TestBrowser(), authorizeUrl(t, client, { scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }), { email: 'ttl@example.com', password: 'ttl-password-1' });
      return tokenCall(t, client, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: client.redirectUri, code_verifier: verifier });
    };
    const tok = await flow(await createClient(s, t, { skipConsent: true }));
    expect(tok.body.expires_in).toBe(600);
    const id = decodeJwt(tok.body.id_token as string);
    expect(id.exp! - id.iat!).toBe(300);
    const own = await flow(await createClient(s, t, { skipConsent: true, accessTokenTtl: 120 }));
    expect(own.body.expires_in).toBe(120);
  });
});
