import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';

type Data = Record<string, Record<string, unknown> & { userErrors: Array<{ code: string; message: string; field: string[] | null }> }>;
const gid = (type: string, uuid: string) => `S1${Buffer.from(`${type}:${uuid}`).toString('base64url')}`;

describe('roles, permissions, groups: inheritance, explanations, bulk assignment', () => {
  let s: TestServer;
  let t: TestTenant;
  let statements: string[] = [];
  const gql = async (q: string, v: Record<string, unknown> = {}) => {
    const r = await s.gql(q, v, { token: t.token });
    expect(r.errors).toBeUndefined();
    return r.data as Data;
  };
  beforeAll(async () => {
    s = await startTestServer({ onQuery: (sql) => statements.push(sql) });
    t = await createTenant(s);
  });
  afterAll(async () => { await s.stop(); });

  const group = async (name: string) => ((await gql(`mutation($i: GroupCreateInput!) { groupCreate(input: $i) { group { id } userErrors { code } } }`, { i: { name } })).groupCreate!.group as { id: string }).id;
  const nest = (groupId: string, memberGroupId: string) => gql(`mutation($i: GroupMemberInput!) { groupMemberAdd(input: $i) { userErrors { code message field } } }`, { i: { groupId, memberGroupId } });

  it('refuses group cycles, direct and through other groups', async () => {
    const a = await group('a'); const b = await group('b'); const c = await group('c');
    expect((await nest(a, b)).groupMemberAdd!.userErrors).toEqual([]);
    expect((await nest(b, c)).groupMemberAdd!.userErrors).toEqual([]);
    const cycle = [{ code: 'GROUP_CYCLE', message: 'adding this group would make a group contain itself', field: ['input', 'memberGroupId'] }];
    expect((await nest(c, a)).groupMemberAdd!.userErrors).toEqual(cycle);
    expect((await nest(a, a)).groupMemberAdd!.userErrors).toEqual(cycle);
  });

  it('explains effective permissions: direct role, group path, organization membership', async () => {
    const user = gid('User', await createUser(s, t, { email: 'eve@example.com' }));
    const api = (await gql(`mutation { apiResourceCreate(input: {identifier: "https://api.example.com/docs", name: "Docs", permissions: [{scope: "docs:read"}, {scope: "docs:write"}, {scope: "docs:admin"}]}) { apiResource { permissions { id scope } } userErrors { code } } }`))
      .apiResourceCreate!.apiResource as { permissions: Array<{ id: string; scope: string }> };
    const p = (sc: string) => api.permissions.find((x) => x.scope === sc)!.id;
    const role = async (name: string, scope: string) => ((await gql(`mutation($i: RoleCreateInput!) { roleCreate(input: $i) { role { id } userErrors { code } } }`, { i: { name, permissionIds: [p(scope)] } })).roleCreate!.role as { id: string }).id;
    const direct = await role('docs-reader', 'docs:read');
    const viaGroup = await role('docs-writer', 'docs:write');
    const viaOrg = await role('docs-admin', 'docs:admin');
    await gql(`mutation($i: RoleAssignInput!) { roleAssign(input: $i) { userErrors { code } } }`, { i: { roleId: direct, userId: user } });
    const inner = await group('writers-inner'); const outer = await group('writers-outer');
    await gql(`mutation($i: GroupMemberInput!) { groupMemberAdd(input: $i) { userErrors { code } } }`, { i: { groupId: inner, userId: user } });
    await nest(outer, inner);
    await gql(`mutation($i: RoleAssignInput!) { roleAssign(input: $i) { userErrors { code } } }`, { i: { roleId: viaGroup, groupId: outer } });
    const org = ((await gql(`mutation($i: OrganizationCreateInput!) { organizationCreate(input: $i) { organization { id } userErrors { code } } }`, { i: { name: 'Docs Org' } })).organizationCreate!.organization as { id: string }).id;
    await gql(`mutation($i: OrganizationMemberAddInput!) { organizationMemberAdd(input: $i) { userErrors { code } } }`, { i: { organizationId: org, userId: user, roleIds: [viaOrg] } });
    const dup = await gql(`mutation($i: RoleAssignInput!) { roleAssign(input: $i) { userErrors { code message field } } }`, { i: { roleId: direct, userId: user } });
    expect(dup.roleAssign!.userErrors).toEqual([{ code: 'ALREADY_ASSIGNED', message: 'the user already has this role', field: ['input', 'userId'] }]);

    const r = await gql(`query($id: ID!) { node(id: $id) { ... on User { roles { name } effectivePermissions(audience: "https://api.example.com/docs") { scope apiIdentifier sources { kind role { name } groupPath { name } organization { name } } } } } }`, { id: user });
    expect(r.node).toEqual({
      roles: [{ name: 'docs-reader' }],
      effectivePermissions: [
        { scope: 'docs:admin', apiIdentifier: 'https://api.example.com/docs', sources: [{ kind: 'ORGANIZATION', role: { name: 'docs-admin' }, groupPath: [], organization: { name: 'Docs Org' } }] },
        { scope: 'docs:read', apiIdentifier: 'https://api.example.com/docs', sources: [{ kind: 'DIRECT', role: { name: 'docs-reader' }, groupPath: [], organization: null }] },
        { scope: 'docs:write', apiIdentifier: 'https://api.example.com/docs', sources: [{ kind: 'GROUP', role: { name: 'docs-writer' }, groupPath: [{ name: 'writers-inner' }, { name: 'writers-outer' }], organization: null }] },
      ],
    });
    const ev = await gql(`query { auditEvents(first: 1, filter: {types: ["Role.Assigned"]}) { nodes { type actor { kind } payload } } }`);
    expect((ev.auditEvents!.nodes as unknown[])[0]).toMatchObject({ type: 'Role.Assigned', actor: { kind: 'CLIENT' }, payload: { roleId: expect.any(String), groupId: expect.any(String) } });
  });

  it('bulk assignment: per-item userErrors, the rest assigned; more than 1,000 refused', async () => {
    const role = ((await gql(`mutation { roleCreate(input: {name: "bulk"}) { role { id } userErrors { code } } }`)).roleCreate!.role as { id: string }).id;
    const u1 = gid('User', await createUser(s, t, { email: 'b1@example.com' }));
    const u2 = gid('User', await createUser(s, t, { email: 'b2@example.com' }));
    const q = `mutation($i: RoleAssignBulkInput!) { roleAssignBulk(input: $i) { assignedCount userErrors { code message field } } }`;
    const r = await gql(q, { i: { roleId: role, userIds: [u1, 'nope', u2, u1, gid('User', '00000000-0000-4000-8000-000000000000')] } });
    expect(r.roleAssignBulk).toEqual({
      assignedCount: 2,
      userErrors: [
        { code: 'USER_NOT_FOUND', message: 'user not found', field: ['input', 'userIds', '1'] },
        { code: 'ALREADY_ASSIGNED', message: 'the user already has this role', field: ['input', 'userIds', '3'] },
        { code: 'USER_NOT_FOUND', message: 'user not found', field: ['input', 'userIds', '4'] },
      ],
    });
    const tooMany = await gql(q, { i: { roleId: role, userIds: Array.from({ length: 1001 }, () => u1) } });
    expect(tooMany.roleAssignBulk).toEqual({ assignedCount: 0, userErrors: [{ code: 'TOO_MANY', message: 'name 1-1000 users', field: ['input', 'userIds'] }] });
  });

  it('User.organizations and User.roles load in a fixed number of statements for any number of users', async () => {
    const role = ((await gql(`mutation { roleCreate(input: {name: "uow"}) { role { id } userErrors { code } } }`)).roleCreate!.role as { id: string }).id;
    const org = ((await gql(`mutation { organizationCreate(input: {name: "UoW"}) { organization { id } userErrors { code } } }`)).organizationCreate!.organization as { id: string }).id;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(gid('User', await createUser(s, t, { email: `uow${i}@example.com` })));
    await gql(`mutation($i: RoleAssignBulkInput!) { roleAssignBulk(input: $i) { assignedCount } }`, { i: { roleId: role, userIds: ids } });
    for (const userId of ids) await gql(`mutation($i: OrganizationMemberAddInput!) { organizationMemberAdd(input: $i) { userErrors { code } } }`, { i: { organizationId: org, userId, roleIds: [role] } });
    const q = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on User { email roles { name } organizations { organization { name } roles { name } } } } }`;
    const count = async (n: number) => {
      statements = [];
      const r = await gql(q, { ids: ids.slice(0, n) });
      const nodes = r.nodes as unknown as Array<{ roles: unknown[]; organizations: Array<{ roles: unknown[] }> }>;
      expect(nodes).toHaveLength(n);
      for (const u of nodes) { expect(u.roles).toEqual([{ name: 'uow' }]); expect(u.organizations).toEqual([{ organization: { name: 'UoW' }, roles: [{ name: 'uow' }] }]); }
      return statements.filter((x) => /^\s*select/i.test(x)).length;
    };
    const small = await count(3);
    const large = await count(30);
    expect(large).toBe(small);
  });
});
