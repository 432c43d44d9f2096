import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../../src/db/mikro-orm.config.js';
import { systemEm } from '../../../src/db/tenant-em.js';
import { sweepExpired } from '../../../src/jobs/expiry-sweep.js';
import { recordEvent } from '../../../src/events/outbox.js';
import { AuditEvent } from '../../../src/modules/audit-log/audit-event.entity.js';
import { SigningKey } from '../../../src/modules/signing-key/signing-key.entity.js';
import { Tenant } from '../../../src/modules/tenant/tenant.entity.js';
import { uuid } from '../../../src/crypto/random.js';

describe('expiry sweep: bounded, idempotent purge of rows past expiry or retention', () => {
  let orm: MikroORM;
  let tenantId: string;
  const now = new Date('2030-01-01T00:00:00Z');
  const day = 86_400_000;

  beforeAll(async () => {
    orm = await MikroORM.init(ormConfig({ clientUrl: inject('databaseUrl'), poolMax: 2 }));
    const em = systemEm(orm);
    tenantId = uuid();
    em.create(Tenant, { id: tenantId, slug: `sweep-${tenantId.slice(0, 8)}`, name: 'Sweep', isSystem: false });
    const actor = { kind: 'system' as const, id: 'test', tenantId };
    const ev = (ageDays: number, relayed: boolean) => {
      const e = recordEvent(em, { tenantId, type: 'Tenant.Updated', actor, payload: { ageDays, relayed } });
      e.occurredAt = new Date(now.getTime() - ageDays * day);
      e.relayedAt = relayed ? e.occurredAt : null;
    };
    for (let i = 0; i < 5; i++) ev(40, true); // past a 30-day retention: purged
    ev(40, false); // past retention but never relayed: kept (the outbox must drain first)
    ev(10, true); // within retention: kept
    const key = (status: 'retired' | 'active', expiresInDays: number | null) => em.create(SigningKey, {
      id: uuid(), tenant: tenantId, kid: uuid(), alg: 'ES256', status, publicJwk: {}, privateKeySealed: 'x',
      activatedAt: now, retiredAt: status === 'retired' ? now : null,
      expiresAt: expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * day),
    });
    key('retired', -1); // expired: purged
    key('retired', 5); // still published: kept
    key('active', null); // active: kept
    await em.flush();
  });
  afterAll(async () => {
    await systemEm(orm).nativeDelete(Tenant, { id: tenantId });
    await orm.close(true);
  });

  const remaining = async () => {
    const em = systemEm(orm);
    const events = await em.find(AuditEvent, { tenant: tenantId }, { filters: { tenant: false } });
    const keys = await em.find(SigningKey, { tenant: tenantId }, { filters: { tenant: false } });
    return { events: events.map((e) => e.payload).sort((a, b) => Number(a.ageDays) - Number(b.ageDays)), keys: keys.map((k) => k.status).sort() };
  };

  it('purges in batches only what is past its expiry, and a second run changes nothing', async () => {
    const first = await sweepExpired(systemEm(orm), { now, auditRetentionDays: 30, batchSize: 2, tenantId });
    expect(first.auditEvents).toBeGreaterThanOrEqual(5);
    expect(first.signingKeys).toBeGreaterThanOrEqual(1);
    expect(await remaining()).toEqual({
      events: [{ ageDays: 10, relayed: true }, { ageDays: 40, relayed: false }],
      keys: ['active', 'retired'],
    });
    const second = await sweepExpired(systemEm(orm), { now, auditRetentionDays: 30, batchSize: 2, tenantId });
    expect(second).toMatchObject({ auditEvents: 0, signingKeys: 0 });
    expect((await remaining()).events).toHaveLength(2);
  });
});
