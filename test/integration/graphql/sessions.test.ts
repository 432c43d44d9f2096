import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, hostedFlow, pkce, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../helpers/oauth-flow.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('user sessions and consents: listing, revocation, suspension', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const gql = async (query: string, variables?: Json): Promise<Json> => {
    const r = await s.gql(query, variables, { token: t.token });
    expect(r.errors).toBeUndefined();
    return r.data as Json;
  };
  const login = async (email: string, password: string) => {
    const { verifier, challenge } = pkce();
    const cb = await hostedFlow(s, new TestBrowser(), authorizeUrl(t, c, { scope: 'openid profile offline_access', state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }), { email, password });
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    return tok.body as { access_token: string; refresh_token: string };
  };
  const introspect = async (token: string): Promise<Json> => {
    const res = await fetch(`${t.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token }),
    });
    return (await res.json()) as Json;
  };
  const userQuery = `query($id: ID!) { node(id: $id) { ... on User { status sessions(first: 10) { nodes { id userAgent ip createdAt lastActiveAt } pageInfo { hasNextPage } } consents { clientId clientName scopes grantedAt } } } }`;

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    c = await createClient(s, t, { name: 'Consent App' });
  });
  afterAll(async () => { await s.stop(); });

  it('lists sessions and consents; userConsentRevoke revokes the consent and every token family of that user and client', async () => {
    const subject = await createUser(s, t, { email: 'sess@example.com', password: 'session password 1' });
    const id = (await gql(`{ users(query: "sess@") { nodes { id subject } } }`)).users.nodes[0].id;
    const tokens = await login('sess@example.com', 'session password 1');
    const u = (await gql(userQuery, { id })).node;
    expect(u.sessions.nodes).toHaveLength(1);
    expect(u.sessions.nodes[0].userAgent).toEqual(expect.any(String));
    expect(u.consents).toEqual([expect.objectContaining({ clientId: c.clientId, clientName: 'Consent App', scopes: expect.arrayContaining(['openid', 'profile', 'offline_access']) })]);
    expect((await introspect(tokens.access_token)).active).toBe(true);

    const r = (await gql(`mutation($u: ID!, $c: String!) { userConsentRevoke(userId: $u, clientId: $c) { revokedTokenFamilies userErrors { code message field } } }`, { u: id, c: c.clientId })).userConsentRevoke;
    expect(r).toEqual({ revokedTokenFamilies: 1, userErrors: [] });
    expect((await introspect(tokens.access_token)).active).toBe(false);
    const refresh = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refresh.status).toBe(400);
    expect((await gql(userQuery, { id })).node.consents).toEqual([]);
    const again = (await gql(`mutation($u: ID!, $c: String!) { userConsentRevoke(userId: $u, clientId: $c) { userErrors { code message field } } }`, { u: id, c: 'no-such-client' })).userConsentRevoke;
    expect(again.userErrors).toEqual([{ code: 'CONSENT_NOT_FOUND', message: 'this user has no consent or tokens for this client', field: ['clientId'] }]);
    const ev = (await gql(`{ auditEvents(first: 10, filter: {types: ["Consent.Revoked"]}) { nodes { payload } } }`)).auditEvents.nodes;
    expect(ev[0].payload).toMatchObject({ userId: subject, clientId: c.clientId });

    const sessionId = u.sessions.nodes[0].id;
    const rev = (await gql(`mutation($id: ID!) { userSessionRevoke(id: $id) { session { id } userErrors { code message field } } }`, { id: sessionId })).userSessionRevoke;
    expect(rev).toEqual({ session: { id: sessionId }, userErrors: [] });
    const rev2 = (await gql(`mutation($id: ID!) { userSessionRevoke(id: $id) { session { id } userErrors { code message field } } }`, { id: sessionId })).userSessionRevoke;
    expect(rev2).toEqual({ session: null, userErrors: [{ code: 'SESSION_NOT_FOUND', message: 'session not found or already ended', field: ['id'] }] });
    expect((await gql(userQuery, { id })).node.sessions.nodes).toEqual([]);
    const ended = (await gql(`{ auditEvents(first: 10, filter: {types: ["Session.Ended"]}) { nodes { payload } } }`)).auditEvents.nodes;
    expect(ended.some((e: Json) => e.payload.reason === 'revoked' && e.payload.userId === subject)).toBe(true);
  });

  it('suspension blocks login and refresh at once and revokes the tokens held; reactivation allows new logins but does not revive old tokens', async () => {
    await createUser(s, t, { email: 'susp@example.com', password: 'suspend password 1' });
    const id = (await gql(`{ users(query: "susp@") { nodes { id } } }`)).users.nodes[0].id;
    const tokens = await login('susp@example.com', 'suspend password 1');
    await login('susp@example.com', 'suspend password 1');
    expect((await gql(userQuery, { id })).node.sessions.nodes).toHaveLength(2);
    const all = (await gql(`mutation($id: ID!) { userSessionsRevokeAll(userId: $id) { revokedCount userErrors { code } } }`, { id })).userSessionsRevokeAll;
    expect(all).toEqual({ revokedCount: 2, userErrors: [] });
    await login('susp@example.com', 'suspend password 1');

    const sus = (await gql(`mutation($id: ID!) { userSuspend(id: $id) { user { status sessions { nodes { id } } } userErrors { code } } }`, { id })).userSuspend;
    expect(sus).toEqual({ user: { status: 'SUSPENDED', sessions: { nodes: [] } }, userErrors: [] });
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    const refresh = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    const { challenge } = pkce();
    const cb = await hostedFlow(s, new TestBrowser(), authorizeUrl(t, c, { scope: 'openid', state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }), { email: 'susp@example.com', password: 'suspend password 1' });
    expect(cb.searchParams.get('code')).toBeNull();

    const re = (await gql(`mutation($id: ID!) { userReactivate(id: $id) { user { status } userErrors { code } } }`, { id })).userReactivate;
    expect(re).toEqual({ user: { status: 'ACTIVE' }, userErrors: [] });
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    const stale = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_grant');
    const fresh = await login('susp@example.com', 'suspend password 1');
    expect((await introspect(fresh.access_token)).active).toBe(true);
    expect((await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: fresh.refresh_token })).status).toBe(200);
    const events = (await gql(`{ auditEvents(first: 20, filter: {types: ["User.Suspended", "User.Reactivated"]}) { nodes { type } } }`)).auditEvents.nodes.map((e: Json) => e.type);
    expect(events).toEqual(expect.arrayContaining(['User.Suspended', 'User.Reactivated']));
  });
});
