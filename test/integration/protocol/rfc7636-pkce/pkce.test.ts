import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { codeOf, expectErrorRedirect, expectTokenError, PASSWORD, redeem, runAuthorize } from '../../../helpers/oauth-assertions.js';

describe('PKCE RFC 7636', () => {
  let s: TestServer;
  let t: TestTenant;
  let confidential: TestClient;
  let publicClient: TestClient;
  let noPkce: TestClient;
  const user = { email: 'pk@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    confidential = await createClient(s, t);
    publicClient = await createClient(s, t, { confidential: false, tokenEndpointAuthMethod: 'none' });
    noPkce = await createClient(s, t, { enforcePkce: false });
  });
  afterAll(async () => { await s.stop(); });

  const authorize = (c: TestClient, params: Record<string, string>) => fetch(authorizeUrl(t, c, { scope: 'openid', state: 'pk', ...params }), { redirect: 'manual' });
  const authzError = (c: TestClient, res: Response, error: string, description: string) =>
    expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'pk', error, description });

  describe('§4.3 / OAuth 2.1 §4.1.1: code_challenge at the authorization endpoint', () => {
    it('required for public clients', async () => {
      authzError(publicClient, await authorize(publicClient, {}), 'invalid_request', 'PKCE code_challenge is required (S256)');
    });

    it('required by default for confidential clients (enforcePkce defaults to true)', async () => {
      authzError(confidential, await authorize(confidential, {}), 'invalid_request', 'PKCE code_challenge is required (S256)');
    });

    it('RFC 9700 §2.1.1: code_challenge_method=plain is refused', async () => {
      const { verifier } = pkce();
      authzError(confidential, await authorize(confidential, { code_challenge: verifier, code_challenge_method: 'plain' }), 'invalid_request', 'plain code_challenge_method is not allowed; use S256');
    });

    it('a challenge without code_challenge_method defaults to plain (§4.3) and is refused', async () => {
      authzError(confidential, await authorize(confidential, { code_challenge: pkce().challenge }), 'invalid_request', 'plain code_challenge_method is not allowed; use S256');
    });

    it('an unknown code_challenge_method is refused', async () => {
      authzError(confidential, await authorize(confidential, { code_challenge: pkce().challenge, code_challenge_method: 'S512' }), 'invalid_request', 'unsupported code_challenge_method (only S256)');
    });

    it('§4.2: a malformed challenge (too short, or not base64url) is refused', async () => {
      for (const bad of ['abc', `${'a'.repeat(42)}+`, 'a'.repeat(129)]) {
        authzError(confidential, await authorize(confidential, { code_challenge: bad, code_challenge_method: 'S256' }), 'invalid_request', 'code_challenge must be 43-128 base64url characters');
      }
    });

    it('code_challenge_method without a code_challenge is refused', async () => {
      authzError(confidential, await authorize(confidential, { code_challenge_method: 'S256' }), 'invalid_request', 'code_challenge_method requires a code_challenge');
    });
  });

  describe('§4.5 / §4.6: code_verifier at the token endpoint', () => {
    async function code(c: TestClient, usePkce = true) {
      const run = await runAuthorize(s, t, c, new TestBrowser(), { user, pkce: usePkce, params: { state: 'pk' } });
      return { code: codeOf(run, t, 'pk'), verifier: run.verifier };
    }

    it('a wrong verifier → invalid_grant "PKCE verification failed"', async () => {
      const { code: cd } = await code(confidential);
      const r = await tokenCall(t, confidential, { grant_type: 'authorization_code', code: cd, redirect_uri: confidential.redirectUri, code_verifier: pkce().verifier });
      expectTokenError(r, 400, 'invalid_grant', 'PKCE verification failed');
    });

    it('a missing verifier → invalid_grant', async () => {
      const { code: cd } = await code(confidential);
      const r = await tokenCall(t, confidential, { grant_type: 'authorization_code', code: cd, redirect_uri: confidential.redirectUri });
      expectTokenError(r, 400, 'invalid_grant', 'code_verifier is required (the authorization request used PKCE)');
    });

    it('a malformed verifier (too short) → invalid_request', async () => {
      const { code: cd } = await code(confidential);
      const r = await tokenCall(t, confidential, { grant_type: 'authorization_code', code: cd, redirect_uri: confidential.redirectUri, code_verifier: 'short' });
      expectTokenError(r, 400, 'invalid_request', 'code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~');
    });

    it('RFC 9700 §2.1.1 (downgrade): a verifier sent when the authorization had no challenge → invalid_grant', async () => {
      const { code: cd } = await code(noPkce, false);
      const r = await tokenCall(t, noPkce, { grant_type: 'authorization_code', code: cd, redirect_uri: noPkce.redirectUri, code_verifier: pkce().verifier });
      expectTokenError(r, 400, 'invalid_grant', 'code_verifier was sent but the authorization request had no code_challenge');
    });

    it('a confidential client with enforcePkce:false may omit PKCE altogether', async () => {
      const { code: cd } = await code(noPkce, false);
      const tokens = await redeem(t, noPkce, cd, undefined, noPkce.redirectUri);
      expect(tokens.token_type).toBe('Bearer');
    });

    it('a public client (token_endpoint_auth_method none) redeems with client_id and the verifier only', async () => {
      const { code: cd, verifier } = await code(publicClient);
      expect(publicClient.clientSecret).toBeNull();
      const r = await tokenCall(t, publicClient, { grant_type: 'authorization_code', code: cd, redirect_uri: publicClient.redirectUri, code_verifier: verifier });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'openid' });
      expect(typeof r.body.id_token).toBe('string');
    });
  });
});
