import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../../src/db/mikro-orm.config.js';
import { systemEm } from '../../../src/db/tenant-em.js';
import { sweepExpired } from '../../../src/jobs/expiry-sweep.js';
import { AuditEvent } from '../../../src/modules/audit-log/audit-event.entity.js';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';

describe('audit history retention per tenant', () => {
  let s: TestServer;
  let orm: MikroORM;
  const tenants: Array<{ id: string; slug: string; uuid: string }> = [];

  beforeAll(async () => {
    s = await startTestServer();
    orm = await MikroORM.init(ormConfig({ clientUrl: inject('databaseUrl'), poolMax: 2 }));
    for (const n of ['short', 'default']) {
      const slug = uniqueSlug(`ret${n}`);
      const c = await s.gql(`mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "R", createManagementClient: false}) { tenant { id } } }`, { slug });
      const id = (c.data as { tenantCreate: { tenant: { id: string } } }).tenantCreate.tenant.id;
      tenants.push({ id, slug, uuid: Buffer.from(id.slice(2), 'base64url').toString().split(':')[1]! });
    }
  });
  afterAll(async () => { await Promise.all([s?.stop(), orm?.close(true)]); });

  it('is the platform default until a tenant sets its own; the sweep honours it', async () => {
    const get = async (slug: string) => ((await s.gql(`{ auditLogRetention { days isDefault } }`, undefined, { tenant: slug })).data as { auditLogRetention: unknown }).auditLogRetention;
    expect(await get(tenants[0]!.slug)).toEqual({ days: 400, isDefault: true });
    const set = await s.gql(`mutation { auditLogRetentionSet(days: 10) { retention { days isDefault } userErrors { code message field } } }`, undefined, { tenant: tenants[0]!.slug });
    expect((set.data as { auditLogRetentionSet: unknown }).auditLogRetentionSet).toEqual({ retention: { days: 10, isDefault: false }, userErrors: [] });
    const bad = await s.gql(`mutation { auditLogRetentionSet(days: 0) { userErrors { code message field } } }`, undefined, { tenant: tenants[0]!.slug });
    expect((bad.data as { auditLogRetentionSet: unknown }).auditLogRetentionSet).toEqual({ userErrors: [{ code: 'RANGE_INVALID', message: 'days must be between 1 and 36500', field: ['days'] }] });
    expect(await get(tenants[0]!.slug)).toEqual({ days: 10, isDefault: false });
    expect(await get(tenants[1]!.slug)).toEqual({ days: 400, isDefault: true });

    // A 20-day-old relayed event in each tenant: only the 10-day tenant's is purged.
    const em = systemEm(orm);
    const now = new Date();
    for (const t of tenants) {
      em.create(AuditEvent, {
        id: crypto.randomUUID(), tenant: t.uuid, type: 'Tenant.Updated', actorKind: 'system', actorId: 'test', payload: { old: true },
        occurredAt: new Date(now.getTime() - 20 * 86_400_000), relayedAt: new Date(now.getTime() - 20 * 86_400_000),
      });
    }
    await em.flush();
    await sweepExpired(systemEm(orm), { now, auditRetentionDays: 400, batchSize: 100, tenantId: tenants[0]!.uuid });
    await sweepExpired(systemEm(orm), { now, auditRetentionDays: 400, batchSize: 100, tenantId: tenants[1]!.uuid });
    const left = await systemEm(orm).find(AuditEvent, { tenant: { $in: tenants.map((t) => t.uuid) }, payload: { old: true } }, { filters: { tenant: false } });
    expect(left.map((e) => e.tenant)).toEqual([tenants[1]!.uuid]);
    const reset = await s.gql(`mutation { auditLogRetentionSet(days: null) { retention { days isDefault } } }`, undefined, { tenant: tenants[0]!.slug });
    expect((reset.data as { auditLogRetentionSet: unknown }).auditLogRetentionSet).toEqual({ retention: { days: 400, isDefault: true } });
  });
});
