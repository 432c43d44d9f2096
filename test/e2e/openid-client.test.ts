import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createClient, createTenant, createUser, hostedFlow, TestBrowser, type TestClient, type TestTenant } from '../helpers/oauth-flow.js';
import { registerSecret } from '../helpers/secrets.js';

/**
 * panva's openid-client (certified OpenID Connect relying party) against Signet, with no
 * special-casing: discovery, authorization code + PKCE, the hosted login and consent pages driven
 * with plain HTTP form posts, code exchange with ID token validation, userinfo, refresh,
 * introspection, revocation and RP-initiated logout.
 */
describe('end to end with openid-client as the relying party', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let config: oidc.Configuration;
  const email = 'grace@example.com';
  const password = 'hopper-compiler-1952';
  let subject: string;

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    subject = await createUser(s, t, { email, password, name: 'Grace Hopper', givenName: 'Grace', familyName: 'Hopper', emailVerified: true });
    c = await createClient(s, t, {
      redirectUris: ['http://127.0.0.1:8123/callback'], postLogoutRedirectUris: ['http://127.0.0.1:8123/signed-out'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
    });
    config = await oidc.discovery(new URL(t.issuer), c.clientId, undefined, oidc.ClientSecretBasic(c.clientSecret!), { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(async () => { await s.stop(); });

  it('completes the whole OpenID Connect journey', async () => {
    expect(config.serverMetadata().issuer).toBe(t.issuer);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: c.redirectUri, scope: 'openid profile email offline_access', state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const browser = new TestBrowser();
    const callback = await hostedFlow(s, browser, authUrl.toString(), { email, password });
    expect(callback.toString().startsWith(c.redirectUri)).toBe(true);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    for (const x of [tokens.access_token, tokens.refresh_token!, tokens.id_token!]) registerSecret(inject('logDir'), x);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(subject);
    expect(claims.iss).toBe(t.issuer);
    expect(claims.aud).toBe(c.clientId);
    expect(claims.nonce).toBe(nonce);
    expect(claims.amr).toEqual(['pwd']);
    expect(typeof claims.sid).toBe('string');
    expect(typeof claims.auth_time).toBe('number');

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, subject);
    expect(userinfo).toMatchObject({ sub: subject, email, email_verified: true, name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    for (const x of [refreshed.access_token, refreshed.refresh_token!, refreshed.id_token!]) registerSecret(inject('logDir'), x);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe(subject);

    const active = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(active).toMatchObject({ active: true, sub: subject, client_id: c.clientId, iss: t.issuer });
    // The rotated refresh token is dead; the new one is active.
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
    expect((await oidc.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(true);

    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    expect((await oidc.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(false);
    expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    await expect(oidc.fetchUserInfo(config, refreshed.access_token, subject)).rejects.toThrow();

    const logoutUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:8123/signed-out', state: 'bye' });
    const out = await browser.follow(logoutUrl.toString(), s.publicUrl);
    expect(out.url).toBe('http://127.0.0.1:8123/signed-out?state=bye');
    // The SSO session is gone: a silent authorization now needs a login.
    const silent = oidc.buildAuthorizationUrl(config, {
      redirect_uri: c.redirectUri, scope: 'openid', prompt: 'none', state: 's2',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    });
    const again = await browser.follow(silent.toString(), s.publicUrl);
    const u = new URL(again.url);
    expect(u.searchParams.get('error')).toBe('login_required');
    expect(u.searchParams.get('iss')).toBe(t.issuer);
  });
});
