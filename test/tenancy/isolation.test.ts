import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, getNullableType, isNonNullType, type GraphQLSchema } from 'graphql';
import { graphSchema } from '../../src/app/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createClient, createTenant, createUser, type TestTenant } from '../helpers/oauth-flow.js';

/**
 * Tenancy isolation (hydra persister_nid_test.go style, over the graph): tenant B owns one object
 * of every kind; with tenant A's token, every list leaves them out, node/nodes resolve them to null
 * exactly like random ids, and every mutation that takes just an object id changes nothing of B's.
 */
describe('tenancy isolation: no cross-tenant read or write through the graph', () => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let schema: GraphQLSchema;
  let hook: http.Server;
  const bIds: Record<string, string> = {};

  const one = async (t: TestTenant, query: string, variables?: Record<string, unknown>) => {
    const r = await s.gql(query, variables, { token: t.token });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data as Record<string, Record<string, unknown>>;
  };

  beforeAll(async () => {
    s = await startTestServer();
    schema = await graphSchema();
    hook = http.createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    a = await createTenant(s);
    b = await createTenant(s);
    const user = await createUser(s, b, { email: 'victim@example.com', password: 'victim-password-1' });
    const users = await one(b, '{ users(first: 10) { nodes { id subject } } }');
    bIds.User = (users.users.nodes as { id: string; subject: string }[]).find((u) => u.subject === user)!.id;
    const client = await createClient(s, b);
    const clients = await one(b, '{ clients(first: 10) { nodes { id clientId } } }');
    bIds.Client = (clients.clients.nodes as { id: string; clientId: string }[]).find((c) => c.clientId === client.clientId)!.id;
    bIds.Organization = ((await one(b, 'mutation { organizationCreate(input: {name: "B org"}) { organization { id } } }')).organizationCreate.organization as { id: string }).id;
    bIds.Role = ((await one(b, 'mutation { roleCreate(input: {name: "b-role"}) { role { id } } }')).roleCreate.role as { id: string }).id;
    bIds.Group = ((await one(b, 'mutation { groupCreate(input: {name: "b-group"}) { group { id } } }')).groupCreate.group as { id: string }).id;
    bIds.ApiResource = ((await one(b, 'mutation { apiResourceCreate(input: {identifier: "https://api.b.example", name: "B API"}) { apiResource { id } } }')).apiResourceCreate.apiResource as { id: string }).id;
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    bIds.WebhookEndpoint = ((await one(b, 'mutation($url: String!) { webhookEndpointCreate(input: {url: $url}) { endpoint { id } } }', { url })).webhookEndpointCreate.endpoint as { id: string }).id;
    const tenants = await s.gql('{ currentTenant { id } }', undefined, { token: b.token });
    bIds.Tenant = (tenants.data as { currentTenant: { id: string } }).currentTenant.id;
  });
  afterAll(async () => {
    hook?.close();
    await s?.stop();
  });

  const snapshot = async () => {
    const r = await s.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on User { status email } ... on Client { name } ... on Tenant { name } } }',
      { ids: Object.values(bIds) }, { token: b.token });
    return r.data as { nodes: unknown[] };
  };

  it('every object of B exists for B (the fixture is complete)', async () => {
    const snap = await snapshot();
    expect(snap.nodes.every((n) => n !== null)).toBe(true);
    expect(Object.keys(bIds).sort()).toEqual(['ApiResource', 'Client', 'Group', 'Organization', 'Role', 'Tenant', 'User', 'WebhookEndpoint']);
  });

  it('node and nodes resolve B\'s ids to null for A, exactly like random ids', async () => {
    const ids = Object.values(bIds);
    const r = await s.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, { token: a.token });
    expect(r.errors).toBeUndefined();
    expect((r.data as { nodes: unknown[] }).nodes).toEqual(ids.map(() => null));
    for (const id of ids) {
      const one = await s.gql('query($id: ID!) { node(id: $id) { id } }', { id }, { token: a.token });
      const random = await s.gql('query($id: ID!) { node(id: $id) { id } }', { id: id.slice(0, -2) + 'AA' }, { token: a.token });
      expect(one.data).toEqual({ node: null });
      expect({ status: one.status, errors: one.errors }).toEqual({ status: random.status, errors: random.errors });
    }
  });

  it('every list query of A leaves B\'s objects out', async () => {
    const lists = ['users', 'clients', 'organizations', 'roles', 'groups', 'apiResources', 'webhookEndpoints', 'auditEvents'];
    const bSet = new Set(Object.values(bIds));
    for (const list of lists) {
      const r = await s.gql(`{ ${list}(first: 100) { nodes { id } } }`, undefined, { token: a.token });
      expect(r.errors, `${list}: ${JSON.stringify(r.errors)}`).toBeUndefined();
      const ids = ((r.data as Record<string, { nodes: { id: string }[] }>)[list]!.nodes).map((n) => n.id);
      expect(ids.filter((id) => bSet.has(id)), list).toEqual([]);
    }
  });

  it('every mutation that takes only an object id leaves B\'s objects untouched when A calls it', async () => {
    const before = await snapshot();
    const mutations = Object.values(schema.getMutationType()!.getFields()).filter((f) => {
      const required = f.args.filter((arg) => isNonNullType(arg.type));
      return required.length === 1 && required[0]!.name === 'id' && getNamedType(getNullableType(required[0]!.type)).name === 'ID';
    });
    expect(mutations.length).toBeGreaterThan(10);
    for (const m of mutations) {
      for (const id of Object.values(bIds)) {
        const r = await s.gql(`mutation($id: ID!) { ${m.name}(id: $id) { __typename } }`, { id }, { token: a.token });
        expect(r.status, `${m.name}`).toBeLessThan(500);
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});
