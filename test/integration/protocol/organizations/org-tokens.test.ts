import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, hostedFlow, pkce, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';

const API = 'https://api.example.com/billing';

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Tokens carry API permissions and the active organization', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let orgId: string;
  let otherOrgId: string;
  const gql = async (q: string, v: Record<string, unknown>) => {
    const r = await s.gql(q, v, { token: t.token });
    expect(r.errors).toBeUndefined();
    return r.data as Record<string, Record<string, unknown> & { userErrors: unknown[] }>;
  };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    const userSub = await createUser(s, t, { email: 'ada@example.com', password: 'correct horse battery', emailVerified: true });
    const userId = Buffer.from(`User:${userSub}`).toString('base64url');
    const api = await gql(`mutation($i: ApiResourceCreateInput!) { apiResourceCreate(input: $i) { apiResource { id permissions { id scope } } userErrors { code } } }`,
      { i: { identifier: API, name: 'Billing', permissions: [{ scope: 'invoices:read' }, { scope: 'invoices:write' }] } });
    const perms = (api.apiResourceCreate!.apiResource as { permissions: Array<{ id: string; scope: string }> }).permissions;
    const perm = (s2: string) => perms.find((p) => p.scope === s2)!.id;
    const reader = await gql(`mutation($i: RoleCreateInput!) { roleCreate(input: $i) { role { id } userErrors { code } } }`, { i: { name: 'reader', permissionIds: [perm('invoices:read')] } });
    const writer = await gql(`mutation($i: RoleCreateInput!) { roleCreate(input: $i) { role { id } userErrors { code } } }`, { i: { name: 'org-writer', permissionIds: [perm('invoices:write')] } });
    const inner = await gql(`mutation($i: GroupCreateInput!) { groupCreate(input: $i) { group { id } userErrors { code } } }`, { i: { name: 'inner' } });
    const outer = await gql(`mutation($i: GroupCreateInput!) { groupCreate(input: $i) { group { id } userErrors { code } } }`, { i: { name: 'outer' } });
    const innerId = (inner.groupCreate!.group as { id: string }).id;
    const outerId = (outer.groupCreate!.group as { id: string }).id;
    // reader reaches the user through outer ⊃ inner ∋ user.
    expect((await gql(`mutation($i: GroupMemberInput!) { groupMemberAdd(input: $i) { userErrors { code } } }`, { i: { groupId: innerId, userId: `S1${userId}` } })).groupMemberAdd!.userErrors).toEqual([]);
    expect((await gql(`mutation($i: GroupMemberInput!) { groupMemberAdd(input: $i) { userErrors { code } } }`, { i: { groupId: outerId, memberGroupId: innerId } })).groupMemberAdd!.userErrors).toEqual([]);
    expect((await gql(`mutation($i: RoleAssignInput!) { roleAssign(input: $i) { userErrors { code } } }`, { i: { roleId: (reader.roleCreate!.role as { id: string }).id, groupId: outerId } })).roleAssign!.userErrors).toEqual([]);
    const org = await gql(`mutation($i: OrganizationCreateInput!) { organizationCreate(input: $i) { organization { id organizationId } userErrors { code } } }`, { i: { name: 'Acme', ownerId: `S1${userId}` } });
    orgId = (org.organizationCreate!.organization as { organizationId: string }).organizationId;
    const orgGid = (org.organizationCreate!.organization as { id: string }).id;
    expect((await gql(`mutation($i: OrganizationMemberRolesSetInput!) { organizationMemberRolesSet(input: $i) { userErrors { code } } }`,
      { i: { organizationId: orgGid, userId: `S1${userId}`, roleIds: [(writer.roleCreate!.role as { id: string }).id] } })).organizationMemberRolesSet!.userErrors).toEqual([]);
    const other = await gql(`mutation($i: OrganizationCreateInput!) { organizationCreate(input: $i) { organization { organizationId } userErrors { code } } }`, { i: { name: 'Other' } });
    otherOrgId = (other.organizationCreate!.organization as { organizationId: string }).organizationId;
    c = await createClient(s, t, { audiences: [API], scopes: ['openid', 'offline_access', 'invoices:read', 'invoices:write'], skipConsent: true });
  });
  afterAll(async () => { await s.stop(); });

  async function login(params: Record<string, string>): Promise<URL> {
    const { challenge, verifier } = pkce();
    const cb = await hostedFlow(s, new TestBrowser(), authorizeUrl(t, c, { scope: 'openid offline_access invoices:read invoices:write', resource: API, state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...params }),
      { email: 'ada@example.com', password: 'correct horse battery' });
    cb.searchParams.set('verifier', verifier);
    return cb;
  }

  it('without an organization: requested scopes ∩ permissions held directly or through nested groups', async () => {
    const cb = await login({});
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: cb.searchParams.get('verifier')! });
    expect(tok.status).toBe(200);
    expect(tok.body.scope).toBe('openid offline_access invoices:read');
    const at = claims(tok.body.access_token as string);
    expect(at).toMatchObject({ aud: API, scope: 'openid offline_access invoices:read' });
    expect(at.org_id).toBeUndefined();
  });

  it('with organization: org_id and org_roles in access and ID tokens, and the membership role\'s permissions', async () => {
    const cb = await login({ organization: orgId });
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: cb.searchParams.get('verifier')! });
    expect(tok.status).toBe(200);
    expect(tok.body.scope).toBe('openid offline_access invoices:read invoices:write');
    expect(claims(tok.body.access_token as string)).toMatchObject({ org_id: orgId, org_roles: ['org-writer'], scope: 'openid offline_access invoices:read invoices:write' });
    expect(claims(tok.body.id_token as string)).toMatchObject({ org_id: orgId, org_roles: ['org-writer'] });

    const bad = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token as string, organization: otherOrgId });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_grant', error_description: 'the user is not a member of the requested organization' });
  });

  it('a refresh token request may switch the organization, and a malformed one is invalid_request', async () => {
    const cb = await login({});
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: cb.searchParams.get('verifier')! });
    const malformed = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token as string, organization: 'acme' });
    expect(malformed.body).toEqual({ error: 'invalid_request', error_description: 'organization must be an organization id' });
    const cb2 = await login({});
    const tok2 = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb2.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: cb2.searchParams.get('verifier')! });
    const switched = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tok2.body.refresh_token as string, organization: orgId });
    expect(switched.status).toBe(200);
    expect(switched.body.scope).toBe('openid offline_access invoices:read invoices:write');
    expect(claims(switched.body.access_token as string)).toMatchObject({ org_id: orgId, org_roles: ['org-writer'] });
  });

  it('authorize: not a member is access_denied; a malformed organization is invalid_request', async () => {
    const denied = await login({ organization: otherOrgId });
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('error_description')).toBe('the user is not a member of the requested organization');
    expect(denied.searchParams.get('state')).toBe('st');
    const { challenge } = pkce();
    const res = await fetch(authorizeUrl(t, c, { scope: 'openid', state: 'st', code_challenge: challenge, code_challenge_method: 'S256', organization: 'acme' }), { redirect: 'manual' });
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('error_description')).toBe('organization must be an organization id');
  });
});
