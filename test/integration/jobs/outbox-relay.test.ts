import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { ormConfig } from '../../../src/db/mikro-orm.config.js';
import { systemEm } from '../../../src/db/tenant-em.js';
import { recordEvent } from '../../../src/events/outbox.js';
import { drainOutbox } from '../../../src/events/outbox-relay.js';
import { eventChannel } from '../../../src/graph/pubsub.js';
import { AuditEvent } from '../../../src/modules/audit-log/audit-event.entity.js';
import { Tenant } from '../../../src/modules/tenant/tenant.entity.js';
import { uuid } from '../../../src/crypto/random.js';
import { freePort } from '../../../src/config/embedded/process-utils.js';

describe('outbox relay: events wait in PostgreSQL while Redis is unreachable, none lost', () => {
  let orm: MikroORM;
  let tenantId: string;
  let sub: Redis;
  const received: string[] = [];

  beforeAll(async () => {
    orm = await MikroORM.init(ormConfig({ clientUrl: inject('databaseUrl'), poolMax: 2 }));
    tenantId = uuid();
    const em = systemEm(orm);
    em.create(Tenant, { id: tenantId, slug: `relay-${tenantId.slice(0, 8)}`, name: 'Relay', isSystem: false });
    await em.flush();
    sub = new Redis(inject('redisUrl'));
    await sub.subscribe(eventChannel(tenantId));
    sub.on('message', (_c, m) => received.push((JSON.parse(m) as { id: string }).id));
  });
  afterAll(async () => {
    sub.disconnect();
    await systemEm(orm).nativeDelete(Tenant, { id: tenantId });
    await orm.close(true);
  });

  it('keeps events unrelayed when publishing fails, then delivers each exactly once in order', async () => {
    const em = systemEm(orm);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(recordEvent(em, { tenantId, type: 'Tenant.Updated', actor: { kind: 'system', id: 'test', tenantId }, payload: { i } }).id);
      await em.flush();
    }
    const deadPort = await freePort();
    const dead = new Redis({ port: deadPort, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null, lazyConnect: true });
    dead.on('error', () => undefined);
    await expect(drainOutbox(systemEm(orm), dead)).rejects.toThrow();
    dead.disconnect();
    const pending = await systemEm(orm).find(AuditEvent, { id: { $in: ids } }, { filters: { tenant: false } });
    expect(pending.every((e) => e.relayedAt === null)).toBe(true);

    const live = new Redis(inject('redisUrl'));
    // Other test files' workers may relay concurrently; SKIP LOCKED keeps each row to one relay.
    await drainOutbox(systemEm(orm), live);
    live.disconnect();
    const deadline = Date.now() + 5000;
    while (ids.some((id) => !received.includes(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received.filter((id) => ids.includes(id))).toEqual(ids);
    const after = await systemEm(orm).find(AuditEvent, { id: { $in: ids } }, { filters: { tenant: false } });
    expect(after.every((e) => e.relayedAt !== null)).toBe(true);
  });
});
