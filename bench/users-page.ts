/**
 * Issue 4's list scenario: a page of 50 users with their organizations (and membership roles),
 * roles and sessions. Reports the median latency (1 connection), req/s at 16 connections, and the
 * number of SQL statements one such query runs (counted in-process with the same database; the
 * figure must not grow with the page size, which test/integration/graphql/*units-of-work* prove).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/env.js';
import { serve } from '../src/main.js';
import { graphqlTarget, runLoad, basicAuth, type LoadResult } from './load.js';
import { benchSecrets, signetEnv, type SignetServer, type SignetServices } from './signet-server.js';

export const USERS_PAGE_QUERY = `{ users(first: 50) { totalCount nodes { id email status
  organizations { joinedAt organization { id name } roles { name } }
  roles { id name }
  sessions(first: 5) { nodes { id } } } } }`;

export interface UsersPageReport {
  users: number;
  p50AtOneConnection: number;
  oneConnection: LoadResult;
  sixteenConnections: LoadResult;
  statements: { page50: number; page10: number };
  targetMs: number;
  pass: boolean;
}

async function gql(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const json = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (json.errors || !json.data) throw new Error(`GraphQL failed: ${JSON.stringify(json.errors)}`);
  return json.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function clientToken(url: string, slug: string, id: string, secret: string): Promise<string> {
  const res = await fetch(`${url}/t/${slug}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(id, secret) }, body: 'grant_type=client_credentials' });
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function runUsersPageScenario(services: SignetServices, signet: SignetServer, opts: { durationS: number; log: (m: string) => void }): Promise<UsersPageReport> {
  const root = await clientToken(signet.url, 'system', signet.clientId, signet.clientSecret);
  const slug = `bench-users-${randomBytes(4).toString('hex')}`;
  const t = await gql(signet.url, root, `mutation($i: TenantCreateInput!) { tenantCreate(input: $i) { managementClient { clientId plaintextSecret } } }`, { i: { slug, name: 'Bench users' } });
  const mc = t.tenantCreate.managementClient as { clientId: string; plaintextSecret: string };
  const token = await clientToken(signet.url, slug, mc.clientId, mc.plaintextSecret);
  const orgs: string[] = [];
  for (let i = 0; i < 3; i++) orgs.push((await gql(signet.url, token, `mutation($i: OrganizationCreateInput!) { organizationCreate(input: $i) { organization { id } } }`, { i: { name: `Org ${i}` } })).organizationCreate.organization.id);
  const role = (await gql(signet.url, token, `mutation { roleCreate(input: {name: "member"}) { role { id } } }`)).roleCreate.role.id as string;
  const N = 50;
  for (let i = 0; i < N; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, N - i) }, async (_, k) => {
      const u = (await gql(signet.url, token, `mutation($i: UserCreateInput!) { userCreate(input: $i) { user { id } } }`, { i: { email: `user${i + k}@bench.example`, name: `User ${i + k}` } })).userCreate.user.id as string;
      await gql(signet.url, token, `mutation($i: OrganizationMemberAddInput!) { organizationMemberAdd(input: $i) { member { joinedAt } } }`, { i: { organizationId: orgs[(i + k) % orgs.length], userId: u, roleIds: [role] } });
      await gql(signet.url, token, `mutation($i: RoleAssignInput!) { roleAssign(input: $i) { userErrors { message } } }`, { i: { roleId: role, userId: u } });
    }));
  }
  const check = await gql(signet.url, token, USERS_PAGE_QUERY);
  const nodes = check.users.nodes as { organizations: unknown[]; roles: unknown[] }[];
  if (nodes.length !== N || nodes.some((n) => n.organizations.length !== 1 || n.roles.length !== 1)) throw new Error('users page fixture is incomplete');
  opts.log(`users page: ${N} users with organizations, roles and sessions; measuring`);
  const target = graphqlTarget(`${signet.url}/graphql`, USERS_PAGE_QUERY, token);
  const oneConnection = await runLoad(target, 1, opts.durationS);
  const sixteenConnections = await runLoad(target, 16, opts.durationS);

  // Statement count: the same query in-process against the same database, counting every SQL statement.
  let statements: string[] = [];
  const { masterKey } = benchSecrets();
  const env = { ...signetEnv(services, signet.clientId, signet.clientSecret, masterKey), PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: signet.url, LOG_LEVEL: 'silent' };
  const counting = await serve(loadConfig(env as NodeJS.ProcessEnv), { onQuery: (sql) => statements.push(sql) });
  const count = async (first: number) => {
    statements = [];
    await gql(counting.url, token, USERS_PAGE_QUERY.replace('users(first: 50)', `users(first: ${first})`));
    return statements.length;
  };
  await count(50); // warm caches (issuer, keys) so only the query's own statements are counted
  const page50 = await count(50);
  const page10 = await count(10);
  await counting.stop();
  const TARGET = 150;
  return {
    users: N, p50AtOneConnection: oneConnection.p50Ms, oneConnection, sixteenConnections, statements: { page50, page10 },
    targetMs: TARGET, pass: oneConnection.p50Ms < TARGET && page50 === page10,
  };
}

export function formatUsersPage(r: UsersPageReport): string {
  return [
    'Users page (issue 4): { users(first: 50) { organizations { organization roles } roles sessions } }',
    `  1 connection: p50 ${r.oneConnection.p50Ms.toFixed(1)} ms, p99 ${r.oneConnection.p99Ms.toFixed(1)} ms, ${r.oneConnection.rps.toFixed(1)} req/s   target p50 < ${r.targetMs} ms  ${r.p50AtOneConnection < r.targetMs ? 'PASS' : 'FAIL'}`,
    `  16 connections: ${r.sixteenConnections.rps.toFixed(1)} req/s, p50 ${r.sixteenConnections.p50Ms.toFixed(1)} ms, p99 ${r.sixteenConnections.p99Ms.toFixed(1)} ms`,
    `  SQL statements per query: ${r.statements.page50} for 50 users, ${r.statements.page10} for 10 users  ${r.statements.page50 === r.statements.page10 ? 'PASS (constant)' : 'FAIL (grows with the page)'}`,
  ].join('\n');
}
