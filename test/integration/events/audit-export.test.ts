import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { spawnWorker } from '../../helpers/processes.js';

describe('audit log export (NDJSON, CSV) produced by the worker', () => {
  let s: TestServer;
  let worker: ReturnType<typeof spawnWorker>;
  let slug: string;
  let tenantId: string;
  type Exp = { id: string; status: string; format: string; rowCount: number; truncated: boolean; content: string | null };
  const request = async (input: Record<string, unknown>) => (await s.gql(
    `mutation($input: AuditLogExportCreateInput!) { auditLogExportCreate(input: $input) { export { id status format rowCount content } userErrors { code message field } } }`,
    { input }, { tenant: slug },
  )).data as { auditLogExportCreate: { export: Exp | null; userErrors: unknown[] } };
  const ready = async (id: string): Promise<Exp> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await s.gql(`query($id: ID!) { auditLogExport(id: $id) { id status format rowCount truncated content } }`, { id }, { tenant: slug });
      const e = (r.data as { auditLogExport: Exp }).auditLogExport;
      if (e.status === 'SUCCEEDED') return e;
      if (Date.now() > deadline) throw new Error(`export still ${e.status}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };

  beforeAll(async () => {
    s = await startTestServer();
    worker = spawnWorker();
    slug = uniqueSlug('export');
    const c = await s.gql(`mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "E0", createManagementClient: false}) { tenant { id } } }`, { slug });
    tenantId = (c.data as { tenantCreate: { tenant: { id: string } } }).tenantCreate.tenant.id;
    for (const name of ['E1', 'E2, "quoted"', '=cmd']) {
      await s.gql(`mutation($id: ID!, $name: String!) { tenantUpdate(id: $id, input: {name: $name}) { userErrors { code } } }`, { id: tenantId, name });
    }
  });
  afterAll(async () => { await Promise.all([worker?.stop(), s?.stop()]); });

  it('exports the filtered history as NDJSON, oldest first, and records AuditLog.Exported', async () => {
    const r = await request({ format: 'NDJSON', filter: { types: ['Tenant.Updated'] } });
    expect(r.auditLogExportCreate.userErrors).toEqual([]);
    expect(r.auditLogExportCreate.export).toMatchObject({ status: 'PENDING', format: 'NDJSON', rowCount: 0, content: null });
    const done = await ready(r.auditLogExportCreate.export!.id);
    expect(done).toMatchObject({ rowCount: 3, truncated: false });
    const lines = done.content!.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; category: string; payload: { changes: { name: { after: string } } } });
    expect(lines.map((l) => l.payload.changes.name.after)).toEqual(['E1', 'E2, "quoted"', '=cmd']);
    expect(lines[0]).toMatchObject({ type: 'Tenant.Updated', category: 'administration', severity: 'info', actor_id: 'test-root' });
    const ev = await s.gql(`{ auditEvents(first: 5, filter: {types: ["AuditLog.Exported", "AuditLog.Export.Requested"]}) { nodes { type payload actor { id } } } }`, undefined, { tenant: slug });
    const nodes = (ev.data as { auditEvents: { nodes: Array<{ type: string; payload: Record<string, unknown>; actor: { id: string } }> } }).auditEvents.nodes;
    expect(nodes.map((n) => n.type).sort()).toEqual(['AuditLog.Export.Requested', 'AuditLog.Exported']);
    expect(nodes.find((n) => n.type === 'AuditLog.Exported')).toMatchObject({ payload: { format: 'ndjson', rows: 3, truncated: false }, actor: { id: 'test-root' } });
  });

  it('exports CSV with quoting and formula-injection protection', async () => {
    const r = await request({ format: 'CSV', filter: { types: ['Tenant.Updated'] } });
    const done = await ready(r.auditLogExportCreate.export!.id);
    const rows = done.content!.split('\r\n');
    expect(rows[0]).toBe('id,occurred_at,type,category,severity,actor_kind,actor_id,actor_client_id,target_type,target_id,request_id,payload');
    expect(rows).toHaveLength(5); // header, 3 rows, trailing empty
    expect(rows[2]).toContain('"{""changes"":{""name"":{""after"":""E2, \\""quoted\\"""",""before"":""E1""}}}"');
  });

  it('refuses unknown event types and empty ranges as userErrors', async () => {
    expect((await request({ format: 'CSV', filter: { types: ['Nope.Happened'] } })).auditLogExportCreate).toEqual({
      export: null, userErrors: [{ code: 'EVENT_TYPE_UNKNOWN', message: 'unknown event type "Nope.Happened" (see the eventTypes query)', field: ['input', 'filter', 'types', '0'] }],
    });
    const at = new Date().toISOString();
    expect((await request({ format: 'CSV', filter: { occurredAfter: at, occurredBefore: at } })).auditLogExportCreate).toEqual({
      export: null, userErrors: [{ code: 'RANGE_INVALID', message: 'occurredAfter must be before occurredBefore', field: ['input', 'filter', 'occurredAfter'] }],
    });
    const forbidden = await s.gql(`mutation { auditLogExportCreate(input: {format: CSV}) { userErrors { code } } }`, undefined, { token: await s.rootToken('tenant:read') });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
