import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { eventChannel } from '../graph/pubsub.js';

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

/**
 * Moves committed, unrelayed events from the PostgreSQL outbox to Redis pub/sub, oldest first.
 * Rows are locked (SKIP LOCKED) so concurrent relays never publish the same batch; a row is
 * stamped only after its publish succeeded, so with Redis down events wait in PostgreSQL and
 * drain when it returns (at-least-once: a crash between publish and commit republishes).
 */
export async function relayOutboxBatch(em: EntityManager, redis: Redis, limit = 200): Promise<number> {
  return em.transactional(async (tx) => {
    const conn = (tx as EntityManager).getConnection();
    const trx = (tx as EntityManager).getTransactionContext();
    const rows = await conn.execute<OutboxRow[]>(
      `select id, tenant_id, type, actor_kind, actor_id, actor_client_id, target_type, target_id, request_id, payload, occurred_at
         from audit_event where relayed_at is null order by occurred_at, id limit ${Math.floor(limit)} for update skip locked`,
      [], 'all', trx,
    );
    if (!rows.length) return 0;
    const pipeline = redis.multi();
    for (const r of rows) {
      pipeline.publish(eventChannel(r.tenant_id), JSON.stringify({
        id: r.id, tenantId: r.tenant_id, type: r.type, actorKind: r.actor_kind, actorId: r.actor_id,
        actorClientId: r.actor_client_id, targetType: r.target_type, targetId: r.target_id, requestId: r.request_id,
        payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
        occurredAt: new Date(r.occurred_at).toISOString(),
      }));
    }
    const results = await pipeline.exec();
    if (!results || results.some(([err]) => err)) throw new Error('publishing to redis failed');
    await conn.execute(`update audit_event set relayed_at = now() where id in (${rows.map(() => '?').join(', ')})`, rows.map((r) => r.id), 'run', trx);
    return rows.length;
  });
}

/** Relays until the outbox is empty (or `maxBatches` ran). */
export async function drainOutbox(em: EntityManager, redis: Redis, maxBatches = 50): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await relayOutboxBatch(em.fork() as EntityManager, redis);
    total += n;
    if (n < 200) break;
  }
  return total;
}
