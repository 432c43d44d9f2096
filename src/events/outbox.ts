import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../modules/audit-log/audit-event.entity.js';
import { uuid } from '../crypto/random.js';
import type { Actor } from '../shared/request-context.js';
import type { EventType } from './event-names.js';
import type { EventPayloads } from './event-payloads.js';
import type { SqlFragment } from '../db/sql.js';

export const OUTBOX_CHANNEL = 'signet_outbox';

export interface EventInput {
  tenantId: string;
  type: EventType;
  actor: Actor;
  requestId?: string;
  target?: { type: string; id: string };
  /** Never put a secret here: payloads go to logs, subscribers and webhooks. */
  payload?: Record<string, unknown>;
}

/**
 * Persists an event row in the caller's unit of work: it is committed by the same flush as the
 * change it describes (transactional outbox), or not at all.
 */
export function recordEvent(em: EntityManager, input: EventInput): AuditEvent {
  return em.create(AuditEvent, {
    id: uuid(),
    tenant: input.tenantId,
    type: input.type,
    actorKind: input.actor.kind,
    actorId: input.actor.id,
    actorClientId: input.actor.clientId ?? null,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    requestId: input.requestId ?? null,
    payload: input.payload ?? {},
    occurredAt: new Date(),
    relayedAt: null,
  });
}

/** `recordEvent` with the payload type-checked against the catalog (src/events/event-payloads.ts). */
export function recordTypedEvent<T extends EventType & keyof EventPayloads>(
  em: EntityManager, input: Omit<EventInput, 'type' | 'payload'> & { type: T; payload: EventPayloads[T] },
): AuditEvent {
  return recordEvent(em, input as EventInput);
}

/** Wakes the relay after a commit (LISTEN/NOTIFY); the relay's poll covers a missed notify. */
export async function notifyOutbox(em: EntityManager): Promise<void> {
  await em.getConnection().execute(`notify ${OUTBOX_CHANNEL}`);
}

/**
 * The outbox row of an event as a data-modifying CTE member (`insert into audit_event …`), for hot
 * paths that write a change, its event and the relay's wake-up in one statement (a statement is
 * atomic: the event commits with the change or not at all). Pair with OUTBOX_NOTIFY_SELECT.
 */
export function eventInsertSql(input: EventInput): SqlFragment {
  return {
    sql: `insert into audit_event (id, tenant_id, type, actor_kind, actor_id, actor_client_id, target_type, target_id, request_id, payload, occurred_at, relayed_at, relay_seq)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, now(), null, null)`,
    params: [uuid(), input.tenantId, input.type, input.actor.kind, input.actor.id, input.actor.clientId ?? null, input.target?.type ?? null,
      input.target?.id ?? null, input.requestId ?? null, JSON.stringify(input.payload ?? {})],
  };
}

/**
 * `eventInsertSql` for a conditional change: one row per row of the CTE named `guard` (which
 * returns at most one: e.g. the conditional UPDATE the event describes), in the same statement.
 * `payloadSql` (a jsonb expression over `guard`'s columns) is merged into the payload.
 */
export function eventInsertWhenSql(input: EventInput, guard: string, payloadSql?: string): SqlFragment {
  const values = eventInsertSql(input).params;
  return {
    sql: `insert into audit_event (id, tenant_id, type, actor_kind, actor_id, actor_client_id, target_type, target_id, request_id, payload, occurred_at, relayed_at, relay_seq)
      select ?::uuid, ?::uuid, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::jsonb${payloadSql ? ` || ${payloadSql}` : ''}, now(), null, null from ${guard}`,
    params: values,
  };
}

/** The final select of a combined statement that wrote events: wakes the relay once it commits. */
export const OUTBOX_NOTIFY_SELECT = `select pg_notify('${OUTBOX_CHANNEL}', '')`;
