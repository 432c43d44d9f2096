import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, hostedFlow, pkce, tokenCall, TestBrowser } from '../../../helpers/oauth-flow.js';

describe('authorization code + PKCE through the hosted login and consent pages (plain HTTP forms)', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  it('logs in, consents, redeems the code and reads userinfo', async () => {
    const t = await createTenant(s);
    await createUser(s, t, { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada Lovelace', emailVerified: true });
    const c = await createClient(s, t);
    const { verifier, challenge } = pkce();
    const b = new TestBrowser();
    const cb = await hostedFlow(s, b, authorizeUrl(t, c, { scope: 'openid profile email offline_access', state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256' }),
      { email: 'ada@example.com', password: 'correct horse battery' });
    expect(cb.origin + cb.pathname).toBe(c.redirectUri);
    expect(cb.searchParams.get('state')).toBe('st-1');
    expect(cb.searchParams.get('iss')).toBe(t.issuer);
    const code = cb.searchParams.get('code')!;
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    expect(tok.headers.get('cache-control')).toBe('no-store');
    expect(tok.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email offline_access' });
    expect(typeof tok.body.id_token).toBe('string');
    expect(typeof tok.body.refresh_token).toBe('string');
    const ui = await fetch(`${t.issuer}/userinfo`, { headers: { authorization: `Bearer ${tok.body.access_token}` } });
    expect(ui.status).toBe(200);
    expect(await ui.json()).toMatchObject({ email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' });
  });
});
