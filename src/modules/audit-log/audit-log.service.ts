import type { FilterQuery } from '@mikro-orm/core';
import { keysetPage, type Page, type PageRequest } from '../../db/keyset.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RELAY_LOCK_KEY } from '../../events/relay-lock.js';
import { eventTypesOf, isEventCategory } from '../../events/event-names.js';
import { AuditEvent } from './audit-event.entity.js';

export interface AuditEventFilter {
  types?: string[] | null;
  /** Catalog categories; an event matches when its type is in one of them. */
  categories?: string[] | null;
  /** Who acted: a client id, a user subject or a system job name. */
  actorId?: string | null;
  /** The object the event is about (its raw id). */
  targetId?: string | null;
  requestId?: string | null;
  occurredAfter?: Date | null;
  occurredBefore?: Date | null;
}

/** The wire form of an event on Redis pub/sub (and, later, webhooks): no secrets, ever. */
export interface PublishedEvent {
  id: string;
  tenantId: string;
  type: string;
  actorKind: string;
  actorId: string;
  actorClientId: string | null;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
  /** Position in relay order (live events and replays); absent for events not relayed yet. */
  seq?: number;
}

export function toPublishedEvent(e: AuditEvent): PublishedEvent {
  return {
    id: e.id, tenantId: e.tenant, type: e.type, actorKind: e.actorKind, actorId: e.actorId,
    actorClientId: e.actorClientId ?? null, targetType: e.targetType ?? null, targetId: e.targetId ?? null,
    requestId: e.requestId ?? null, payload: e.payload, occurredAt: e.occurredAt.toISOString(),
    ...(e.relaySeq != null ? { seq: Number(e.relaySeq) } : {}),
  };
}

/** The query of a filter, within one tenant (shared by the list and the export). */
export function auditWhere(tenantId: string, filter: AuditEventFilter): FilterQuery<AuditEvent> {
  const where: FilterQuery<AuditEvent> = { tenant: tenantId };
  const types = filter.types?.length ? new Set(filter.types) : null;
  const byCategory = filter.categories?.length ? new Set<string>(filter.categories.flatMap((c) => (isEventCategory(c) ? eventTypesOf(c) : []))) : null;
  if (types || byCategory) {
    const allowed = types && byCategory ? [...types].filter((t) => byCategory.has(t)) : [...(types ?? byCategory!)];
    where.type = { $in: allowed.length ? allowed : ['-'] };
  }
  if (filter.actorId) where.actorId = filter.actorId;
  if (filter.targetId) where.targetId = filter.targetId;
  if (filter.requestId) where.requestId = filter.requestId;
  if (filter.occurredAfter || filter.occurredBefore) {
    where.occurredAt = {
      ...(filter.occurredAfter ? { $gte: filter.occurredAfter } : {}),
      ...(filter.occurredBefore ? { $lt: filter.occurredBefore } : {}),
    };
  }
  return where;
}

export class AuditLogService {
  /** The current tenant's events, newest first, keyset-paginated. */
  list(ctx: RequestContext, filter: AuditEventFilter, page: PageRequest): Promise<Page<AuditEvent>> {
    const where = auditWhere(ctx.tenant.id, filter);
    return keysetPage<AuditEvent>(ctx.em, AuditEvent, where, {
      field: 'occurredAt', direction: 'DESC', toValue: (e) => e.occurredAt.toISOString(), parse: (v) => new Date(v),
    }, page);
  }

  /** The relay position of one of the tenant's events, or null (unknown, purged, or not relayed yet). */
  async relayPositionOf(ctx: RequestContext, id: string): Promise<number | null> {
    const e = await ctx.em.findOne(AuditEvent, { id, tenant: ctx.tenant.id });
    return e?.relaySeq != null ? Number(e.relaySeq) : null;
  }

  /**
   * The tenant's events relayed after position `afterSeq`, in relay order (at most `limit`).
   * Read under the relay lock's shared mode: every event already published live is committed.
   */
  async relayedAfter(ctx: RequestContext, afterSeq: number, limit = 500): Promise<AuditEvent[]> {
    return ctx.em.fork({ clear: true }).transactional(async (tx) => {
      await (tx as EntityManager).getConnection().execute(`select pg_advisory_xact_lock_shared(${RELAY_LOCK_KEY})`, [], 'all', (tx as EntityManager).getTransactionContext());
      return tx.find(AuditEvent, { tenant: ctx.tenant.id, relaySeq: { $gt: afterSeq } }, { orderBy: { relaySeq: 'ASC' }, limit, filters: { tenant: false } });
    });
  }

  /** The highest relay position so far (read under the relay lock's shared mode). */
  async relayPosition(ctx: RequestContext): Promise<number> {
    return ctx.em.fork({ clear: true }).transactional(async (tx) => {
      const conn = (tx as EntityManager).getConnection();
      const trx = (tx as EntityManager).getTransactionContext();
      await conn.execute(`select pg_advisory_xact_lock_shared(${RELAY_LOCK_KEY})`, [], 'all', trx);
      const [row] = await conn.execute<Array<{ m: string | number }>>(`select coalesce(max(relay_seq), 0) as m from audit_event`, [], 'all', trx);
      return Number(row?.m ?? 0);
    });
  }

  async findByIds(ctx: RequestContext, ids: readonly string[]): Promise<AuditEvent[]> {
    return ctx.em.find(AuditEvent, { id: { $in: [...ids] }, tenant: ctx.tenant.id });
  }
}
