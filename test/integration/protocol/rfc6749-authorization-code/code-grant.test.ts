import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../src/crypto/secrets.js';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { codeOf, expectTokenError, introspect, PASSWORD, redeem, runAuthorize } from '../../../helpers/oauth-assertions.js';

describe('RFC 6749 §4.1.3 authorization code grant', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const user = { email: 'grace@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    c = await createClient(s, t, { redirectUris: ['http://127.0.0.1:9/cb', 'http://127.0.0.1:9/other'] });
  });
  afterAll(async () => { await s.stop(); });

  /** A fresh code for `client` (the browser keeps its session, so later runs skip the pages). */
  async function freshCode(client: TestClient, b = new TestBrowser(), scope = 'openid offline_access') {
    const run = await runAuthorize(s, t, client, b, { user, params: { scope, state: 's1' } });
    return { code: codeOf(run, t, 's1'), verifier: run.verifier };
  }

  describe('§4.1.2 / §10.5: codes are single use', () => {
    it('a second redemption is invalid_grant "authorization code has already been used" and revokes the tokens of the first (access and refresh inactive)', async () => {
      const { code, verifier } = await freshCode(c);
      const first = await redeem(t, c, code, verifier);
      expect(typeof first.refresh_token).toBe('string');
      expect((await introspect(t, c, first.access_token)).body.active).toBe(true);
      expect((await introspect(t, c, first.refresh_token!)).body.active).toBe(true);

      const second = await tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
      expectTokenError(second, 400, 'invalid_grant', 'authorization code has already been used');

      expect((await introspect(t, c, first.access_token)).body).toEqual({ active: false });
      expect((await introspect(t, c, first.refresh_token!)).body).toEqual({ active: false });
      const refresh = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: first.refresh_token! });
      expect(refresh.status).toBe(400);
      expect(refresh.body.error).toBe('invalid_grant');
    });

    it('20 parallel redemptions of one code: exactly one 200, nineteen invalid_grant, no 5xx', async () => {
      const { code, verifier } = await freshCode(c);
      const results = await Promise.all(Array.from({ length: 20 }, () =>
        tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((x) => x >= 500)).toEqual([]);
      expect(statuses.filter((x) => x === 200)).toHaveLength(1);
      const failures = results.filter((r) => r.status !== 200);
      expect(failures).toHaveLength(19);
      for (const f of failures) expectTokenError(f, 400, 'invalid_grant', 'authorization code has already been used');
    });

    it('a random string is invalid_grant "authorization code is invalid or expired"', async () => {
      const r = await tokenCall(t, c, { grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: c.redirectUri, code_verifier: 'v'.repeat(43) });
      expectTokenError(r, 400, 'invalid_grant', 'authorization code is invalid or expired');
    });
  });

  describe('§4.1.3: the code is bound to its client and redirect_uri', () => {
    it('another client redeeming the code → invalid_grant "authorization code was issued to another client"', async () => {
      const other = await createClient(s, t);
      const { code, verifier } = await freshCode(c);
      const r = await tokenCall(t, other, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
      expectTokenError(r, 400, 'invalid_grant', 'authorization code was issued to another client');
    });

    it('another client\'s attempt neither burns the code nor revokes the grant: the rightful client still redeems it', async () => {
      const other = await createClient(s, t);
      const { code, verifier } = await freshCode(c);
      expectTokenError(await tokenCall(t, other, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier }),
        400, 'invalid_grant', 'authorization code was issued to another client');
      const r = await tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
      expect(r.status).toBe(200);
      expect(typeof r.body.access_token).toBe('string');
    });

    it('another registered redirect_uri at the token endpoint → invalid_grant "redirect_uri does not match the authorization request"', async () => {
      const { code, verifier } = await freshCode(c);
      const r = await tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/other', code_verifier: verifier });
      expectTokenError(r, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    });

    it('redirect_uri omitted at the token endpoint → invalid_request', async () => {
      const { code, verifier } = await freshCode(c);
      const r = await tokenCall(t, c, { grant_type: 'authorization_code', code, code_verifier: verifier });
      expectTokenError(r, 400, 'invalid_request', "missing required parameter 'redirect_uri'");
    });

    it('a confidential client with a wrong secret → invalid_client (401)', async () => {
      const { code, verifier } = await freshCode(c);
      const r = await tokenCall(t, { ...c, clientSecret: 'wrong-secret' }, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
      expectTokenError(r, 401, 'invalid_client', 'client authentication failed');
    });
  });

  describe('§3.2: token request parameters MUST NOT be included more than once', () => {
    it('a repeated code → invalid_request', async () => {
      const { code, verifier } = await freshCode(c);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
      body.append('code', code);
      const res = await fetch(`${t.issuer}/oauth/token`, {
        method: 'POST', body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret!)}`).toString('base64')}` },
      });
      expectTokenError({ status: res.status, body: await res.json(), headers: res.headers }, 400, 'invalid_request', "'code' parameter must not be provided more than once");
      // The refused request did not consume the code.
      await redeem(t, c, code, verifier);
    });
  });

  describe('§4.1.2: codes are short-lived', () => {
    it('an expired code → invalid_grant "authorization code is expired" (expiry moved into the past in the database)', async () => {
      const { code, verifier } = await freshCode(c);
      const em = s.server.container.orm.em.fork();
      const moved = await em.getConnection().execute(`update authorization_code set expires_at = now() - interval '1 second' where id = ?`, [sha256Hex(code)], 'run');
      expect((moved as { affectedRows?: number }).affectedRows ?? 1).toBe(1);
      const r = await tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
      expectTokenError(r, 400, 'invalid_grant', 'authorization code is expired');
    });
  });
});
