import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';

const Q = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) { nodes { type targetId requestId actor { id } category severity } } }`;

describe('audit log filters: type, category, actor, target, request id, time range', () => {
  let s: TestServer;
  let slug: string;
  let tenantId: string;
  const nodes = async (filter: Record<string, unknown>) => {
    const r = await s.gql(Q, { filter }, { tenant: slug });
    expect(r.errors).toBeUndefined();
    return (r.data as { auditEvents: { nodes: Array<{ type: string; targetId: string; requestId: string; actor: { id: string }; category: string; severity: string }> } }).auditEvents.nodes;
  };

  beforeAll(async () => {
    s = await startTestServer();
    slug = uniqueSlug('filt');
    const c = await s.gql(`mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "F", createManagementClient: false}) { tenant { id } } }`, { slug });
    tenantId = (c.data as { tenantCreate: { tenant: { id: string } } }).tenantCreate.tenant.id;
    for (const [i, rid] of ['req-filt-1', 'req-filt-2'].entries()) {
      await s.gql(`mutation($id: ID!, $name: String!) { tenantUpdate(id: $id, input: {name: $name}) { userErrors { code } } }`, { id: tenantId, name: `F${i}` }, { headers: { 'x-request-id': `${rid}-${slug}` } });
    }
    await s.gql(`mutation { webhookEndpointCreate(input: {url: "https://hooks.example.test/", eventTypes: ["Tenant.Updated"]}) { userErrors { code } } }`, undefined, { tenant: slug }).catch(() => undefined);
  });
  afterAll(async () => { await s?.stop(); });

  it('combines the conditions', async () => {
    expect((await nodes({ types: ['Tenant.Updated'] })).map((n) => n.requestId)).toEqual([`req-filt-2-${slug}`, `req-filt-1-${slug}`]);
    expect((await nodes({ requestId: `req-filt-1-${slug}` })).map((n) => n.type)).toEqual(['Tenant.Updated']);
    expect((await nodes({ targetId: tenantId })).every((n) => n.targetId === tenantId)).toBe(true);
    expect(await nodes({ targetId: tenantId })).toHaveLength(2);
    expect((await nodes({ actorId: 'test-root', types: ['Tenant.Updated'] }))).toHaveLength(2);
    expect(await nodes({ actorId: 'someone-else' })).toEqual([]);
    const admin = await nodes({ categories: ['ADMINISTRATION'] });
    expect(admin.length).toBeGreaterThanOrEqual(2);
    expect(admin.every((n) => n.category === 'ADMINISTRATION')).toBe(true);
    expect(await nodes({ categories: ['WALLET'] })).toEqual([]);
    expect(await nodes({ categories: ['SECURITY'], types: ['Tenant.Updated'] })).toEqual([]);
    expect(await nodes({ types: ['Tenant.Updated'], occurredBefore: new Date(Date.now() - 3_600_000).toISOString() })).toEqual([]);
  });
});
