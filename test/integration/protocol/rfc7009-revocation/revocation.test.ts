import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { expectTokenError, introspect, loginAndRedeem, PASSWORD, revoke, userinfo } from '../../../helpers/oauth-assertions.js';

describe('Token revocation RFC 7009', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const user = { email: 'revoke@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  const login = (client = c) => loginAndRedeem(s, t, client, new TestBrowser(), user, { scope: 'openid offline_access' });

  it('§2.2: an unknown token → 200 (no token probing)', async () => {
    const r = await revoke(t, c, 'this-token-was-never-issued');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
  });

  it('§2.1: the client must authenticate', async () => {
    const tok = await login();
    const res = await fetch(`${t.issuer}/oauth/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tok.access_token }) });
    expectTokenError({ status: res.status, body: await res.json(), headers: res.headers }, 401, 'invalid_client', 'no client authentication mechanism provided');
    expect((await introspect(t, c, tok.access_token)).body.active).toBe(true);
  });

  it('§2.1: revoking an access token makes it inactive; userinfo answers 401 invalid_token for it', async () => {
    const tok = await login();
    expect((await userinfo(t, tok.access_token)).status).toBe(200);
    expect((await revoke(t, c, tok.access_token, 'access_token')).status).toBe(200);
    expect((await introspect(t, c, tok.access_token)).body).toEqual({ active: false });
    const ui = await userinfo(t, tok.access_token);
    expect(ui.status).toBe(401);
    expect(ui.body).toEqual({ error: 'invalid_token', error_description: 'access token is invalid, expired or revoked' });
    expect(ui.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect((await introspect(t, c, tok.refresh_token!)).body.active).toBe(true);
  });

  it('disabling a client suspends its tokens, deleting it ends them: userinfo answers 401 and the refresh token is refused', async () => {
    const doomed = await createClient(s, t);
    const tok = await login(doomed);
    expect((await userinfo(t, tok.access_token)).status).toBe(200);
    expect((await introspect(t, c, tok.access_token)).body.active).toBe(true);
    const list = await s.gql(`{ clients(first: 100) { nodes { id clientId } } }`, undefined, { token: t.token });
    const id = (list.data as { clients: { nodes: { id: string; clientId: string }[] } }).clients.nodes.find((n) => n.clientId === doomed.clientId)!.id;
    await s.gql(`mutation($id: ID!) { clientDisable(id: $id) { userErrors { code } } }`, { id }, { token: t.token });
    expect((await userinfo(t, tok.access_token)).status).toBe(401);
    expect((await introspect(t, c, tok.access_token)).body).toEqual({ active: false });
    await s.gql(`mutation($id: ID!) { clientEnable(id: $id) { userErrors { code } } }`, { id }, { token: t.token });
    expect((await userinfo(t, tok.access_token)).status).toBe(200);
    const del = await s.gql(`mutation($id: ID!) { clientDelete(id: $id) { userErrors { code } } }`, { id }, { token: t.token });
    expect((del.data as { clientDelete: { userErrors: unknown[] } }).clientDelete.userErrors).toEqual([]);
    const ui = await userinfo(t, tok.access_token);
    expect(ui.status).toBe(401);
    expect(ui.body).toEqual({ error: 'invalid_token', error_description: 'access token is invalid, expired or revoked' });
    expect((await tokenCall(t, doomed, { grant_type: 'refresh_token', refresh_token: tok.refresh_token! })).status).toBe(401);
    expect((await userinfo(t, (await login()).access_token)).status).toBe(200);
  });

  it('§2.1: revoking a refresh token revokes its grant: the refresh token and its access tokens become inactive, userinfo answers 401 invalid_token', async () => {
    const tok = await login();
    const refreshed = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tok.refresh_token! });
    expect(refreshed.status).toBe(200);
    const rt2 = refreshed.body.refresh_token as string;
    const at2 = refreshed.body.access_token as string;
    expect((await revoke(t, c, rt2, 'refresh_token')).status).toBe(200);
    for (const token of [rt2, at2, tok.access_token]) expect((await introspect(t, c, token)).body).toEqual({ active: false });
    const ui = await userinfo(t, at2);
    expect(ui.status).toBe(401);
    expect(ui.body).toEqual({ error: 'invalid_token', error_description: 'access token is invalid, expired or revoked' });
    expectTokenError(await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: rt2 }), 400, 'invalid_grant', 'refresh token was revoked');
  });

  it('§2.1: a client cannot revoke another client\'s token (200, and the token stays active)', async () => {
    const other = await createClient(s, t);
    const tok = await login();
    expect((await revoke(t, other, tok.access_token)).status).toBe(200);
    expect((await revoke(t, other, tok.refresh_token!)).status).toBe(200);
    expect((await introspect(t, c, tok.access_token)).body.active).toBe(true);
    expect((await introspect(t, c, tok.refresh_token!)).body.active).toBe(true);
  });

  it('an opaque access token is revoked too', async () => {
    const opaque = await createClient(s, t, { accessTokenFormat: 'opaque' });
    const tok = await login(opaque);
    expect((await revoke(t, opaque, tok.access_token)).status).toBe(200);
    expect((await introspect(t, opaque, tok.access_token)).body).toEqual({ active: false });
    expect((await userinfo(t, tok.access_token)).status).toBe(401);
  });
});
