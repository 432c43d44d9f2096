import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

/**
 * One row per domain event: the audit history and, while `relayedAt` is null, the transactional
 * outbox. Written in the same flush as the change it describes; the worker's relay publishes it
 * to Redis and stamps `relayedAt`.
 */
export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    type: p.string().length(100),
    actorKind: p.string().length(20),
    actorId: p.string().length(200),
    actorClientId: p.string().length(128).nullable(),
    targetType: p.string().length(50).nullable(),
    targetId: p.string().length(200).nullable(),
    requestId: p.string().length(64).nullable(),
    payload: p.json<Record<string, unknown>>(),
    occurredAt: p.datetime(),
    relayedAt: p.datetime().nullable(),
    /**
     * Position in the relay's publication order (assigned under a lock when the row is published,
     * so live subscribers see events in this order). Resumable subscriptions replay from it.
     */
    relaySeq: p.bigint('number').nullable(),
  },
  indexes: [
    { properties: ['tenant', 'occurredAt'] },
    { name: 'audit_event_unrelayed_idx', properties: ['occurredAt'], where: 'relayed_at is null' },
    { name: 'audit_event_relay_seq_idx', properties: ['tenant', 'relaySeq'] },
    { name: 'audit_event_relay_seq_global_idx', properties: ['relaySeq'] },
  ],
  filters: tenantFilter,
});
export type AuditEvent = InferEntity<typeof AuditEvent>;
