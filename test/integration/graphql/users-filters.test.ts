import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';

describe('users search: role and organization filters', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
  });
  afterAll(async () => { await s.stop(); });

  const q = async (query: string, variables?: Record<string, unknown>) => {
    const r = await s.gql(query, variables, { token: t.token });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('filters by direct role and by organization membership, with a matching totalCount', async () => {
    const a = await createUser(s, t, { email: 'a@filters.example' });
    const b = await createUser(s, t, { email: 'b@filters.example' });
    await createUser(s, t, { email: 'c@filters.example' });
    const users = (await q('{ users(first: 10) { nodes { id subject } } }')).users.nodes as { id: string; subject: string }[];
    const id = (sub: string) => users.find((u) => u.subject === sub)!.id;
    const role = (await q('mutation { roleCreate(input: {name: "support"}) { role { id } } }')).roleCreate.role.id as string;
    const org = (await q('mutation { organizationCreate(input: {name: "Filters Inc"}) { organization { id } } }')).organizationCreate.organization.id as string;
    await q('mutation($i: RoleAssignInput!) { roleAssign(input: $i) { userErrors { message } } }', { i: { roleId: role, userId: id(a) } });
    await q('mutation($i: OrganizationMemberAddInput!) { organizationMemberAdd(input: $i) { member { joinedAt } } }', { i: { organizationId: org, userId: id(a) } });
    await q('mutation($i: OrganizationMemberAddInput!) { organizationMemberAdd(input: $i) { member { joinedAt } } }', { i: { organizationId: org, userId: id(b) } });
    const search = async (filter: Record<string, unknown>) => {
      const r = (await q('query($f: UserFilter) { users(first: 10, filter: $f) { totalCount nodes { email } } }', { f: filter })).users;
      return { total: r.totalCount as number, emails: (r.nodes as { email: string }[]).map((n) => n.email).sort() };
    };
    expect(await search({ role })).toEqual({ total: 1, emails: ['a@filters.example'] });
    expect(await search({ organization: org })).toEqual({ total: 2, emails: ['a@filters.example', 'b@filters.example'] });
    expect(await search({ organization: org, role })).toEqual({ total: 1, emails: ['a@filters.example'] });
    expect(await search({ role: 'S1bm9wZQ' })).toEqual({ total: 0, emails: [] });
  });
});
