import type { EntityManager } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { eventChannel } from '../graph/pubsub.js';
import type { PublishedEvent } from '../modules/audit-log/index.js';
import { endpointWants, webhookBody, type WebhookJob } from '../modules/webhook/index.js';
import { RELAY_LOCK_KEY } from './relay-lock.js';

interface OutboxRow {
  id: string;
  tenant_id: string;
  type: string;
  actor_kind: string;
  actor_id: string;
  actor_client_id: string | null;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  payload: Record<string, unknown> | string;
  occurred_at: Date | string;
}

interface EndpointRow {
  id: string;
  tenant_id: string;
  event_types: string[];
  categories: string[];
}

export interface RelayDeps {
  /** When given (worker), one `deliver` job per matching enabled webhook endpoint is enqueued. */
  webhookQueue?: Queue<WebhookJob>;
  /** When given (worker), each AuditLog.Export.Requested event enqueues its `audit-export` job. */
  exportQueue?: Queue<{ exportId: string }>;
  /** Upper bound for publishing + enqueueing one batch; past it the batch rolls back and is retried. */
  redisTimeoutMs?: number;
}


function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

/**
 * Moves committed, unrelayed events from the PostgreSQL outbox to Redis, oldest first: publishes
 * each to pub/sub (subscriptions) and enqueues one webhook job per matching endpoint (jobId
 * `${eventId}-${endpointId}`, so a re-relay never duplicates a job), plus a `redeliver` job for each
 * Webhook.Delivery.Redelivered event. Relays are serialized by an advisory lock and number what
 * they publish (`relay_seq`), so live subscribers see events in relay_seq order and a resuming
 * subscriber can replay from the last sequence it saw. Rows are stamped only after publishing and
 * enqueueing succeeded: with Redis down, events wait in PostgreSQL and drain when it returns
 * (at-least-once: a crash between publish and commit publishes again; webhook jobs dedupe).
 */
export async function relayOutboxBatch(em: EntityManager, redis: Redis, limit = 200, deps: RelayDeps = {}): Promise<number> {
  // Fail fast while the connection is down: queued commands would be sent on reconnect anyway.
  if (['reconnecting', 'close', 'end'].includes(redis.status)) throw new Error(`redis is not connected (${redis.status})`);
  return em.transactional(async (tx) => {
    const conn = (tx as EntityManager).getConnection();
    const trx = (tx as EntityManager).getTransactionContext();
    await conn.execute(`select pg_advisory_xact_lock(${RELAY_LOCK_KEY})`, [], 'all', trx);
    const rows = await conn.execute<OutboxRow[]>(
      `select id, tenant_id, type, actor_kind, actor_id, actor_client_id, target_type, target_id, request_id, payload, occurred_at
         from audit_event where relayed_at is null order by occurred_at, id limit ${Math.floor(limit)} for update skip locked`,
      [], 'all', trx,
    );
    if (!rows.length) return 0;
    const [{ m }] = await conn.execute<Array<{ m: string | number }>>(`select coalesce(max(relay_seq), 0) as m from audit_event`, [], 'all', trx) as [{ m: string | number }];
    const base = Number(m);
    const events: PublishedEvent[] = rows.map((r, i) => ({
      id: r.id, tenantId: r.tenant_id, type: r.type, actorKind: r.actor_kind, actorId: r.actor_id,
      actorClientId: r.actor_client_id, targetType: r.target_type, targetId: r.target_id, requestId: r.request_id,
      payload: typeof r.payload === 'string' ? JSON.parse(r.payload) as Record<string, unknown> : r.payload,
      occurredAt: new Date(r.occurred_at).toISOString(), seq: base + i + 1,
    }));

    const jobs: Array<{ name: string; data: WebhookJob; opts: { jobId: string; attempts?: number } }> = [];
    if (deps.webhookQueue) {
      const tenants = [...new Set(rows.map((r) => r.tenant_id))];
      const endpoints = await conn.execute<EndpointRow[]>(
        `select id, tenant_id, event_types, categories from webhook_endpoint where enabled and tenant_id in (${tenants.map(() => '?').join(', ')})`,
        tenants, 'all', trx,
      );
      for (const e of events) {
        if (e.type === 'Webhook.Delivery.Redelivered' && typeof e.payload.deliveryId === 'string') {
          jobs.push({ name: 'redeliver', data: { kind: 'redeliver', tenantId: e.tenantId, deliveryId: e.payload.deliveryId }, opts: { jobId: `redeliver-${e.id}`, attempts: 1 } });
        }
        let body: string | undefined;
        for (const ep of endpoints) {
          if (ep.tenant_id !== e.tenantId || !endpointWants({ eventTypes: ep.event_types, categories: ep.categories }, e.type)) continue;
          body ??= webhookBody(e);
          jobs.push({ name: 'deliver', data: { kind: 'event', tenantId: e.tenantId, eventId: e.id, endpointId: ep.id, type: e.type, body }, opts: { jobId: `${e.id}-${ep.id}` } });
        }
      }
    }

    const exportJobs = deps.exportQueue ? events.flatMap((e) => (e.type === 'AuditLog.Export.Requested' && typeof e.payload.exportId === 'string'
      ? [{ name: 'export', data: { exportId: e.payload.exportId }, opts: { jobId: `export-${e.payload.exportId}`, attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 1000, removeOnFail: 1000 } }]
      : [])) : [];

    const publish = async () => {
      const pipeline = redis.multi();
      for (const e of events) pipeline.publish(eventChannel(e.tenantId), JSON.stringify(e));
      const results = await pipeline.exec();
      if (!results || results.some(([err]) => err)) throw new Error('publishing to redis failed');
      if (jobs.length) await deps.webhookQueue!.addBulk(jobs);
      if (exportJobs.length) await deps.exportQueue!.addBulk(exportJobs);
    };
    await withTimeout(publish(), deps.redisTimeoutMs ?? 10_000, 'relaying to redis');
    await conn.execute(
      `update audit_event as a set relayed_at = now(), relay_seq = v.seq
         from (values ${events.map(() => '(?::uuid, ?::bigint)').join(', ')}) as v(id, seq) where a.id = v.id`,
      events.flatMap((e) => [e.id, e.seq]), 'run', trx,
    );
    return rows.length;
  });
}

export const RELAY_BATCH_SIZE = 200;
/** Batches per drain: a drain stays bounded; the worker's fast path goes on when one hits this cap. */
export const RELAY_MAX_BATCHES = 50;

/** Relays until the outbox is empty (or `maxBatches` ran); returns how many events it relayed. */
export async function drainOutbox(em: EntityManager, redis: Redis, maxBatches = RELAY_MAX_BATCHES, deps: RelayDeps = {}): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await relayOutboxBatch(em.fork() as EntityManager, redis, RELAY_BATCH_SIZE, deps);
    total += n;
    if (n < RELAY_BATCH_SIZE) break;
  }
  return total;
}
