import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { ormConfig } from '../../../src/db/mikro-orm.config.js';
import { systemEm } from '../../../src/db/tenant-em.js';
import { sweepExpired } from '../../../src/jobs/expiry-sweep.js';
import { readPurged, recordPurged } from '../../../src/jobs/sweep-metrics.js';
import { Tenant } from '../../../src/modules/tenant/tenant.entity.js';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../../../src/modules/webhook/webhook.entity.js';
import { uuid } from '../../../src/crypto/random.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('expiry sweep of webhook logs, and /metrics counting what sweeps purged', () => {
  let orm: MikroORM;
  let redis: Redis;
  let s: TestServer;
  let tenantId: string;
  let endpointId: string;
  // Ages relative to the real clock, so the sweep touches no other test's (recent) rows.
  const now = new Date();
  const day = 86_400_000;

  beforeAll(async () => {
    orm = await MikroORM.init(ormConfig({ clientUrl: inject('databaseUrl'), poolMax: 2 }));
    redis = new Redis(inject('redisUrl'));
    const em = systemEm(orm);
    tenantId = uuid();
    endpointId = uuid();
    em.create(Tenant, { id: tenantId, slug: `wsweep-${tenantId.slice(0, 8)}`, name: 'Sweep', isSystem: false });
    em.create(WebhookEndpoint, { id: endpointId, tenant: tenantId, url: 'https://hooks.example.test/', secretSealed: 'x' });
    const delivery = (ageDays: number, status: 'succeeded' | 'failed' | 'retrying') => {
      const id = uuid();
      const at = new Date(now.getTime() - ageDays * day);
      em.create(WebhookDelivery, { id, tenant: tenantId, endpoint: endpointId, eventId: uuid(), eventType: 'Tenant.Updated', status, createdAt: at });
      em.create(WebhookAttempt, { id: uuid(), tenant: tenantId, delivery: id, endpointId, number: 1, trigger: 'auto', succeeded: status === 'succeeded', latencyMs: 3, attemptedAt: at });
    };
    delivery(40, 'succeeded'); // past a 30-day retention: purged with its attempt
    delivery(40, 'failed'); // idem
    delivery(40, 'retrying'); // old but unfinished: the delivery stays (its old attempt goes)
    delivery(5, 'succeeded'); // recent: kept
    await em.flush();
    s = await startTestServer();
  });
  afterAll(async () => {
    await systemEm(orm).nativeDelete(Tenant, { id: tenantId });
    redis.disconnect();
    await Promise.all([orm.close(true), s?.stop()]);
  });

  it('purges old attempts and finished deliveries only, idempotently', async () => {
    const first = await sweepExpired(systemEm(orm), { now, auditRetentionDays: 400, webhookRetentionDays: 30, batchSize: 1, tenantId });
    expect(first.webhookAttempts).toBeGreaterThanOrEqual(3);
    expect(first.webhookDeliveries).toBeGreaterThanOrEqual(2);
    const em = systemEm(orm);
    const left = await em.find(WebhookDelivery, { endpoint: endpointId }, { filters: { tenant: false } });
    expect(left.map((d) => d.status).sort()).toEqual(['retrying', 'succeeded']);
    expect(await em.count(WebhookAttempt, { endpointId }, { filters: { tenant: false } })).toBe(1);
    const second = await sweepExpired(systemEm(orm), { now, auditRetentionDays: 400, webhookRetentionDays: 30, batchSize: 1, tenantId });
    expect(second.webhookDeliveries).toBe(0);
  });

  it('adds what a sweep purged to the Redis hash that /metrics reports', async () => {
    const before = (await readPurged(redis)).purged.webhookDeliveries ?? 0;
    await recordPurged(redis, { webhookDeliveries: 7, auditEvents: 0 }, now);
    const res = await fetch(`${s.url}/metrics`);
    const text = await res.text();
    const m = /^signet_expiry_purged_rows_total\{table="webhookDeliveries"\} (\d+)$/m.exec(text);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(before + 7);
    expect(text).toMatch(/^signet_expiry_sweep_last_run_timestamp_seconds \d+/m);
  });
});
