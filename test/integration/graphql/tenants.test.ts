import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../generated/index.js';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { registerSecret } from '../../helpers/secrets.js';

const TenantCreate = graphql(`
  mutation TenantCreate($input: TenantCreateInput!) {
    tenantCreate(input: $input) {
      tenant { id slug name issuer isSystem signingKeys { kid alg status publicJwk } }
      managementClient { clientId plaintextSecret }
      userErrors { message field code }
    }
  }
`);

const TenantUpdate = graphql(`
  mutation TenantUpdate($id: ID!, $input: TenantUpdateInput!) {
    tenantUpdate(id: $id, input: $input) { tenant { id name } userErrors { message field code } }
  }
`);

const TenantDelete = graphql(`
  mutation TenantDelete($id: ID!) {
    tenantDelete(id: $id) { deletedTenantId userErrors { message field code } }
  }
`);

const TenantBySlug = graphql(`
  query TenantBySlug($slug: String!) { tenant(slug: $slug) { id slug name } }
`);

const NodeLookup = graphql(`
  query NodeLookup($id: ID!, $ids: [ID!]!) {
    node(id: $id) { id __typename ... on Tenant { slug } }
    nodes(ids: $ids) { id }
  }
`);

const TenantsPage = graphql(`
  query TenantsPage($first: Int, $after: String, $last: Int, $before: String, $orderBy: TenantOrder) {
    tenants(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
      totalCount
      edges { cursor node { slug } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

const CurrentTenantName = graphql(`query CurrentTenantName { currentTenant { slug name } }`);

describe('tenants in the graph (tenantCreate, tenantUpdate, tenantDelete, tenant, tenants, node)', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  async function createTenant(slug = uniqueSlug(), name = 'Acme') {
    const r = await s.gql(TenantCreate, { input: { slug, name } });
    expect(r.errors).toBeUndefined();
    const p = r.data!.tenantCreate;
    expect(p.userErrors).toEqual([]);
    registerSecret(inject('logDir'), p.managementClient!.plaintextSecret);
    return { tenant: p.tenant!, client: p.managementClient! };
  }

  it('creates a tenant with ES256 and RS256 keys and a management client shown once', async () => {
    const slug = uniqueSlug('acme');
    const { tenant, client } = await createTenant(slug);
    expect(tenant.slug).toBe(slug);
    expect(tenant.issuer).toBe(`${s.publicUrl}/t/${slug}`);
    expect(tenant.isSystem).toBe(false);
    expect(tenant.signingKeys.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    expect(tenant.signingKeys.every((k) => k.status === 'ACTIVE')).toBe(true);
    for (const k of tenant.signingKeys) expect(Object.keys(k.publicJwk)).not.toContain('d');
    // The tenant's own client gets a token from the tenant's issuer, scoped to that tenant.
    const token = await s.token({ tenant: slug, clientId: client.clientId, clientSecret: client.plaintextSecret });
    const me = await s.gql(CurrentTenantName, {}, { token });
    expect(me.data?.currentTenant).toEqual({ slug, name: 'Acme' });
  });

  it('reports bad input as userErrors with codes, never a top-level error', async () => {
    const bad = await s.gql(TenantCreate, { input: { slug: 'Not A Slug', name: 'x' } });
    expect(bad.errors).toBeUndefined();
    expect(bad.data?.tenantCreate.tenant).toBeNull();
    expect(bad.data?.tenantCreate.userErrors).toEqual([
      { code: 'SLUG_INVALID', field: ['input', 'slug'], message: 'slug must be 2-63 lowercase letters, digits or inner hyphens' },
    ]);
    const emptyName = await s.gql(TenantCreate, { input: { slug: uniqueSlug(), name: '   ' } });
    expect(emptyName.data?.tenantCreate.userErrors[0]?.code).toBe('NAME_INVALID');
    const nul = await s.gql(TenantCreate, { input: { slug: uniqueSlug(), name: 'a\u0000b' } });
    expect(nul.data?.tenantCreate.userErrors[0]?.code).toBe('NAME_INVALID');

    const { tenant } = await createTenant();
    const dup = await s.gql(TenantCreate, { input: { slug: tenant.slug, name: 'Again' } });
    expect(dup.data?.tenantCreate.userErrors).toEqual([
      { code: 'SLUG_TAKEN', field: ['input', 'slug'], message: `slug "${tenant.slug}" is already taken` },
    ]);
    const sys = await s.gql(TenantCreate, { input: { slug: 'system', name: 'Again' } });
    expect(sys.data?.tenantCreate.userErrors[0]?.code).toBe('SLUG_TAKEN');
  });

  it('gives exactly one winner when the same slug is created concurrently', async () => {
    const slug = uniqueSlug('race');
    const results = await Promise.all([1, 2, 3].map(() => s.gql(TenantCreate, { input: { slug, name: 'Race' } })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const winners = results.filter((r) => r.data?.tenantCreate.tenant);
    expect(winners).toHaveLength(1);
    registerSecret(inject('logDir'), winners[0]!.data!.tenantCreate.managementClient!.plaintextSecret);
    for (const r of results.filter((x) => !x.data?.tenantCreate.tenant)) {
      expect(r.data?.tenantCreate.userErrors[0]?.code).toBe('SLUG_TAKEN');
    }
  });

  it('updates a tenant and reports unknown ids as NOT_FOUND', async () => {
    const { tenant } = await createTenant();
    const r = await s.gql(TenantUpdate, { id: tenant.id, input: { name: 'Renamed' } });
    expect(r.data?.tenantUpdate).toEqual({ tenant: { id: tenant.id, name: 'Renamed' }, userErrors: [] });
    const missing = await s.gql(TenantUpdate, { id: 'S1bm9wZQ', input: { name: 'x' } });
    expect(missing.data?.tenantUpdate.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'], message: 'tenant not found' }]);
  });

  it('deletes a tenant with everything it owns, but never the system tenant', async () => {
    const { tenant, client } = await createTenant();
    const del = await s.gql(TenantDelete, { id: tenant.id });
    expect(del.data?.tenantDelete).toEqual({ deletedTenantId: tenant.id, userErrors: [] });
    const gone = await s.gql(TenantBySlug, { slug: tenant.slug });
    expect(gone.data?.tenant).toBeNull();
    // Its client and keys went with it (the issuer cache is dropped on delete).
    const res = await fetch(`${s.url}/t/${tenant.slug}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.plaintextSecret }),
    });
    expect(res.status).toBe(404);
    const again = await s.gql(TenantDelete, { id: tenant.id });
    expect(again.data?.tenantDelete.userErrors[0]?.code).toBe('NOT_FOUND');

    const sys = await s.gql('{ currentTenant { id } }');
    const sysId = (sys.data as { currentTenant: { id: string } }).currentTenant.id;
    const refuse = await s.gql(TenantDelete, { id: sysId });
    expect(refuse.data?.tenantDelete.userErrors).toEqual([
      { code: 'SYSTEM_TENANT_PROTECTED', field: ['id'], message: 'the system tenant cannot be deleted' },
    ]);
  });

  it('isolates tenants: another tenant\'s id resolves to null, like a random id', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const tokenA = await s.token({ tenant: a.tenant.slug, clientId: a.client.clientId, clientSecret: a.client.plaintextSecret });
    const own = await s.gql(NodeLookup, { id: a.tenant.id, ids: [a.tenant.id, b.tenant.id, 'garbage'] }, { token: tokenA });
    expect(own.data?.node).toEqual({ id: a.tenant.id, __typename: 'Tenant', slug: a.tenant.slug });
    expect(own.data?.nodes).toEqual([{ id: a.tenant.id }, null, null]);
    const other = await s.gql(NodeLookup, { id: b.tenant.id, ids: [] }, { token: tokenA });
    const random = await s.gql(NodeLookup, { id: b.tenant.id.replace(/.$/, 'A'), ids: [] }, { token: tokenA });
    expect(other.data?.node).toBeNull();
    expect(other).toMatchObject({ data: random.data, status: random.status });
    // Tenant A cannot change tenant B, and gets the same answer as for a missing tenant.
    const cross = await s.gql(TenantUpdate, { id: b.tenant.id, input: { name: 'pwned' } }, { token: tokenA });
    expect(cross.data?.tenantUpdate.userErrors[0]?.code).toBe('NOT_FOUND');
    const still = await s.gql(TenantBySlug, { slug: b.tenant.slug });
    expect(still.data?.tenant?.name).toBe('Acme');
    // Platform-only operations are forbidden to a tenant's management client.
    const list = await s.gql(TenantsPage, { first: 5 }, { token: tokenA });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets a platform operator act inside another tenant with Signet-Tenant, and nobody else', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const asOperator = await s.gql(CurrentTenantName, {}, { tenant: a.tenant.slug });
    expect(asOperator.data?.currentTenant.slug).toBe(a.tenant.slug);
    const tokenB = await s.token({ tenant: b.tenant.slug, clientId: b.client.clientId, clientSecret: b.client.plaintextSecret });
    const denied = await s.gql(CurrentTenantName, {}, { token: tokenB, tenant: a.tenant.slug });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(denied.errors?.[0]?.message).toBe('only platform operators (system tenant, scope "platform:admin") may act in another tenant');
    const unknown = await s.gql(CurrentTenantName, {}, { tenant: 'no-such-tenant' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages through tenants with keyset cursors, forwards and backwards', async () => {
    for (let i = 0; i < 3; i++) await createTenant(uniqueSlug('page'));
    const all = await s.gql(TenantsPage, { first: 100, orderBy: { field: 'SLUG', direction: 'ASC' } });
    const slugs = all.data!.tenants.edges.map((e) => e.node.slug);
    expect(slugs).toEqual([...slugs].sort());
    expect(all.data!.tenants.totalCount).toBe(slugs.length);
    const p1 = await s.gql(TenantsPage, { first: 2, orderBy: { field: 'SLUG', direction: 'ASC' } });
    expect(p1.data!.tenants.edges.map((e) => e.node.slug)).toEqual(slugs.slice(0, 2));
    expect(p1.data!.tenants.pageInfo.hasNextPage).toBe(true);
    const p2 = await s.gql(TenantsPage, { first: 2, after: p1.data!.tenants.pageInfo.endCursor, orderBy: { field: 'SLUG', direction: 'ASC' } });
    expect(p2.data!.tenants.edges.map((e) => e.node.slug)).toEqual(slugs.slice(2, 4));
    expect(p2.data!.tenants.pageInfo.hasPreviousPage).toBe(true);
    const back = await s.gql(TenantsPage, { last: 2, before: p2.data!.tenants.pageInfo.endCursor, orderBy: { field: 'SLUG', direction: 'ASC' } });
    expect(back.data!.tenants.edges.map((e) => e.node.slug)).toEqual(slugs.slice(1, 3));
    const bad = await s.gql(TenantsPage, { first: 2, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await s.gql(TenantsPage, { first: 1000 });
    expect(tooMany.errors?.[0]?.message).toBe('"first" must be between 0 and 100');
  });
});
