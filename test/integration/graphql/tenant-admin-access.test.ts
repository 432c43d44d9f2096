import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, hostedFlow, pkce, tokenCall, TestBrowser, type TestTenant } from '../../helpers/oauth-flow.js';

/**
 * Issue 4 §7: tenant administrators (users holding an admin role) get management tokens through
 * authorization code + PKCE against their own tenant; the token's management scopes are the
 * requested ones the user holds through roles, and nothing for a user without them.
 */
describe('management access for tenant administrators (authorization code + PKCE, roles)', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
  });
  afterAll(async () => { await s.stop(); });

  async function loginForGraph(email: string, password: string): Promise<{ token: string; scope: string }> {
    const console = await createClient(s, t, {
      name: 'Console', audiences: [`${s.publicUrl}/graphql`], scopes: ['openid', 'users:read', 'clients:read', 'tenant:read'], skipConsent: true,
    });
    const { verifier, challenge } = pkce();
    const cb = await hostedFlow(s, new TestBrowser(), authorizeUrl(t, console, {
      scope: 'openid users:read clients:read', resource: `${s.publicUrl}/graphql`, code_challenge: challenge, code_challenge_method: 'S256',
    }), { email, password }, null);
    const tok = await tokenCall(t, console, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: console.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    return { token: tok.body.access_token as string, scope: tok.body.scope as string };
  }

  it('every new tenant has the management API resource and a tenant-admin role', async () => {
    const r = await s.gql('{ apiResources(first: 10) { nodes { identifier } } roles(first: 10) { nodes { name } } }', undefined, { token: t.token });
    const d = r.data as { apiResources: { nodes: { identifier: string }[] }; roles: { nodes: { name: string }[] } };
    expect(d.apiResources.nodes.map((n) => n.identifier)).toContain(`${s.publicUrl}/graphql`);
    expect(d.roles.nodes.map((n) => n.name)).toContain('tenant-admin');
  });

  it('a user with the tenant-admin role gets a graph token with the requested management scopes and acts as a user', async () => {
    const subject = await createUser(s, t, { email: 'admin@tenant.example', password: 'admin-password-1' });
    const roles = await s.gql('{ roles(first: 10) { nodes { id name } } users(first: 10) { nodes { id subject } } }', undefined, { token: t.token });
    const d = roles.data as { roles: { nodes: { id: string; name: string }[] }; users: { nodes: { id: string; subject: string }[] } };
    const admin = d.roles.nodes.find((n) => n.name === 'tenant-admin')!.id;
    const userId = d.users.nodes.find((n) => n.subject === subject)!.id;
    const assign = await s.gql('mutation($i: RoleAssignInput!) { roleAssign(input: $i) { userErrors { message } } }', { i: { roleId: admin, userId } }, { token: t.token });
    expect((assign.data as { roleAssign: { userErrors: unknown[] } }).roleAssign.userErrors).toEqual([]);
    const { token, scope } = await loginForGraph('admin@tenant.example', 'admin-password-1');
    expect(scope.split(' ').sort()).toEqual(['clients:read', 'openid', 'users:read']);
    const viewer = await s.gql('{ viewer { kind subject scopes tenant { slug } } users(first: 5) { nodes { subject } } }', undefined, { token });
    expect(viewer.errors).toBeUndefined();
    expect((viewer.data as { viewer: unknown }).viewer).toEqual({ kind: 'USER', subject, scopes: ['clients:read', 'openid', 'users:read'], tenant: { slug: t.slug } });
    const denied = await s.gql('{ currentTenant { slug } }', undefined, { token });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a user without an admin role gets no management scope at all', async () => {
    await createUser(s, t, { email: 'plain@tenant.example', password: 'plain-password-1' });
    const { token, scope } = await loginForGraph('plain@tenant.example', 'plain-password-1');
    expect(scope).toBe('openid');
    const r = await s.gql('{ users(first: 5) { nodes { subject } } }', undefined, { token });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
