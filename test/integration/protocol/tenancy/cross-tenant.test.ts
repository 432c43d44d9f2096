import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { codeOf, expectTokenError, introspect, loginAndRedeem, PASSWORD, redeem, runAuthorize, userinfo } from '../../../helpers/oauth-assertions.js';

/**
 * Tenant isolation at the protocol edge: an artifact of tenant A presented to tenant B is
 * indistinguishable from a random string (same status, error and description), and using it at B
 * leaves it intact at A.
 */
describe('tenancy: codes, tokens and challenges of one issuer are unknown to another', () => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let ca: TestClient;
  let cb: TestClient;
  const user = { email: 'tenant@example.com', password: PASSWORD };
  let subjectB: string;
  const random = () => randomBytes(32).toString('base64url');

  beforeAll(async () => {
    s = await startTestServer();
    a = await createTenant(s);
    b = await createTenant(s);
    await createUser(s, a, { email: user.email, password: PASSWORD });
    subjectB = await createUser(s, b, { email: user.email, password: PASSWORD });
    ca = await createClient(s, a);
    cb = await createClient(s, b);
  });
  afterAll(async () => { await s.stop(); });

  it("A's authorization code at B's token endpoint (B client) → the same invalid_grant as a random code; A can still redeem it", async () => {
    const run = await runAuthorize(s, a, ca, new TestBrowser(), { user, params: { scope: 'openid offline_access' } });
    const code = codeOf(run, a);
    const foreign = await tokenCall(b, cb, { grant_type: 'authorization_code', code, redirect_uri: cb.redirectUri, code_verifier: run.verifier });
    const unknown = await tokenCall(b, cb, { grant_type: 'authorization_code', code: random(), redirect_uri: cb.redirectUri, code_verifier: run.verifier });
    expectTokenError(foreign, 400, 'invalid_grant', 'authorization code is invalid or expired');
    expect(foreign.body).toEqual(unknown.body);
    expect(foreign.status).toBe(unknown.status);
    await redeem(a, ca, code, run.verifier);
  });

  it("A's access token at B's introspection → {\"active\":false} like a random one; at B's userinfo the same 401 as a random one", async () => {
    const tok = await loginAndRedeem(s, a, ca, new TestBrowser(), user, { scope: 'openid offline_access' });
    expect((await introspect(b, cb, tok.access_token)).body).toEqual({ active: false });
    expect((await introspect(b, cb, random())).body).toEqual({ active: false });
    const foreign = await userinfo(b, tok.access_token);
    const unknown = await userinfo(b, random());
    expect(foreign.status).toBe(401);
    expect(foreign.body).toEqual(unknown.body);
    expect((await introspect(a, ca, tok.access_token)).body.active).toBe(true);
  });

  it("an opaque access token of A is unknown to B", async () => {
    const opaque = await createClient(s, a, { accessTokenFormat: 'opaque' });
    const tok = await loginAndRedeem(s, a, opaque, new TestBrowser(), user);
    expect((await introspect(b, cb, tok.access_token)).body).toEqual({ active: false });
    expect((await introspect(a, opaque, tok.access_token)).body.active).toBe(true);
  });

  it("A's refresh token at B's token endpoint → the same invalid_grant as a random one; introspection at B inactive; still usable at A", async () => {
    const tok = await loginAndRedeem(s, a, ca, new TestBrowser(), user, { scope: 'openid offline_access' });
    const foreign = await tokenCall(b, cb, { grant_type: 'refresh_token', refresh_token: tok.refresh_token! });
    const unknown = await tokenCall(b, cb, { grant_type: 'refresh_token', refresh_token: random() });
    expectTokenError(foreign, 400, 'invalid_grant', 'refresh token is invalid or expired');
    expect(foreign.body).toEqual(unknown.body);
    expect((await introspect(b, cb, tok.refresh_token!, 'refresh_token')).body).toEqual({ active: false });
    const atA = await tokenCall(a, ca, { grant_type: 'refresh_token', refresh_token: tok.refresh_token! });
    expect(atA.status).toBe(200);
  });

  it("revocation at B of A's token is a no-op: it stays active at A", async () => {
    const tok = await loginAndRedeem(s, a, ca, new TestBrowser(), user, { scope: 'openid offline_access' });
    const res = await fetch(`${b.issuer}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(cb.clientId)}:${encodeURIComponent(cb.clientSecret!)}`).toString('base64')}` },
      body: new URLSearchParams({ token: tok.refresh_token! }),
    });
    expect(res.status).toBe(200);
    expect((await introspect(a, ca, tok.refresh_token!)).body.active).toBe(true);
    expect((await introspect(a, ca, tok.access_token)).body.active).toBe(true);
  });

  it("A's login challenge at B's /admin/login → 404 like a random challenge (and 200 at A)", async () => {
    const res = await fetch(authorizeUrl(a, ca, { scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    const challenge = new URL(res.headers.get('location')!).searchParams.get('login_challenge')!;
    expect(challenge).toBeTruthy();
    const get = (tenant: TestTenant, ch: string) => fetch(`${tenant.issuer}/admin/login?login_challenge=${encodeURIComponent(ch)}`, { headers: { authorization: `Bearer ${tenant.token}` } });
    const own = await get(a, challenge);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { client: { client_id: string } }).client.client_id).toBe(ca.clientId);
    const foreign = await get(b, challenge);
    const unknown = await get(b, random());
    expect(foreign.status).toBe(404);
    const fb = await foreign.json();
    expect(fb).toEqual({ error: 'not_found', error_description: 'challenge not found or expired' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual(fb);
    // Accepting it at B (with a valid subject of B) fails like a random challenge and does not move it at A.
    const accept = (ch: string) => fetch(`${b.issuer}/admin/login/accept?login_challenge=${encodeURIComponent(ch)}`, {
      method: 'PUT', headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: subjectB }),
    });
    const acceptForeign = await accept(challenge);
    const acceptUnknown = await accept(random());
    expect(acceptForeign.status).toBe(404);
    expect(acceptUnknown.status).toBe(404);
    expect(await acceptForeign.json()).toEqual(await acceptUnknown.json());
    expect((await get(a, challenge)).status).toBe(200);
  });

  it("B's management token cannot read A's challenges through A's issuer path (404 unknown issuer)", async () => {
    const res = await fetch(authorizeUrl(a, ca, { scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    const challenge = new URL(res.headers.get('location')!).searchParams.get('login_challenge')!;
    const r = await fetch(`${a.issuer}/admin/login?login_challenge=${encodeURIComponent(challenge)}`, { headers: { authorization: `Bearer ${b.token}` } });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: 'not_found', error_description: 'unknown issuer' });
  });
});
