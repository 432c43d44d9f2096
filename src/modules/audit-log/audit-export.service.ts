import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { NO_TENANT_FILTER } from '../../db/tenant-em.js';
import { isEventType } from '../../events/event-names.js';
import { notifyOutbox, recordTypedEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditExport, type ExportFormat } from './audit-export.entity.js';
import { CSV_HEADER, toCsvLine, toNdjsonLine } from './audit-export.format.js';
import { AuditLogError, AuditLogErrorCode } from './audit-log.errors.js';
import { auditWhere, type AuditEventFilter } from './audit-log.service.js';

/** An export holds at most this many events (oldest first); `truncated` tells when more matched. */
export const MAX_EXPORT_ROWS = 50_000;
/** How long a finished export can be downloaded. */
export const EXPORT_TTL_MS = 86_400_000;
const BATCH = 1000;

function storedFilter(f: AuditEventFilter): Record<string, unknown> {
  return {
    types: f.types ?? null, categories: f.categories ?? null, actorId: f.actorId ?? null, targetId: f.targetId ?? null,
    requestId: f.requestId ?? null, occurredAfter: f.occurredAfter?.toISOString() ?? null, occurredBefore: f.occurredBefore?.toISOString() ?? null,
  };
}

function loadFilter(raw: Record<string, unknown>): AuditEventFilter {
  const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null);
  return {
    types: (raw.types as string[] | null) ?? null, categories: (raw.categories as string[] | null) ?? null,
    actorId: (raw.actorId as string | null) ?? null, targetId: (raw.targetId as string | null) ?? null,
    requestId: (raw.requestId as string | null) ?? null, occurredAfter: date(raw.occurredAfter), occurredBefore: date(raw.occurredBefore),
  };
}

/**
 * Audit log exports (NDJSON or CSV): a request is recorded with its event in one transaction;
 * the relay turns the event into an `audit-export` job; the worker writes the file into the row
 * (oldest event first, in bounded batches) and records AuditLog.Exported. Idempotent: a finished
 * export is not produced again.
 */
export class AuditExportService {
  /** Emits AuditLog.Export.Requested. */
  async request(ctx: RequestContext, format: ExportFormat, filter: AuditEventFilter): Promise<AuditExport> {
    (filter.types ?? []).forEach((t, i) => assertThat(isEventType(t), () => new AuditLogError(AuditLogErrorCode.EVENT_TYPE_UNKNOWN,
      `unknown event type "${t.slice(0, 100)}" (see the eventTypes query)`, ['input', 'filter', 'types', String(i)])));
    assertThat(!filter.occurredAfter || !filter.occurredBefore || filter.occurredAfter < filter.occurredBefore,
      () => new AuditLogError(AuditLogErrorCode.RANGE_INVALID, 'occurredAfter must be before occurredBefore', ['input', 'filter', 'occurredAfter']));
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const id = uuid();
    const row = em.create(AuditExport, {
      id, tenant: ctx.tenant.id, format, filter: storedFilter(filter), status: 'pending',
      requestedByKind: ctx.actor.kind, requestedById: ctx.actor.id, requestedByClientId: ctx.actor.clientId ?? null,
      expiresAt: new Date(Date.now() + EXPORT_TTL_MS),
    });
    recordTypedEvent(em, {
      tenantId: ctx.tenant.id, type: 'AuditLog.Export.Requested', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'AuditLogExport', id }, payload: { exportId: id, format },
    });
    await em.flush();
    await notifyOutbox(em);
    return row;
  }

  findByIds(ctx: RequestContext, ids: readonly string[]): Promise<AuditExport[]> {
    return ctx.em.find(AuditExport, { id: { $in: [...ids] }, tenant: ctx.tenant.id });
  }

  /** Worker side: produces a pending export. Emits AuditLog.Exported. */
  async run(em: EntityManager, exportId: string): Promise<{ rows: number; truncated: boolean } | undefined> {
    const exp = await em.findOne(AuditExport, { id: exportId }, NO_TENANT_FILTER);
    if (!exp || exp.status !== 'pending') return undefined;
    const where = auditWhere(exp.tenant, loadFilter(exp.filter));
    const parts: string[] = exp.format === 'csv' ? [CSV_HEADER] : [];
    let rows = 0;
    let truncated = false;
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const cond = after ? { $and: [where, { $or: [{ occurredAt: { $gt: after.at } }, { occurredAt: after.at, id: { $gt: after.id } }] }] } : where;
      const batch = await em.find(AuditEvent, cond as never, { orderBy: { occurredAt: 'ASC', id: 'ASC' }, limit: BATCH, filters: { tenant: false } });
      for (const e of batch) {
        if (rows === MAX_EXPORT_ROWS) { truncated = true; break; }
        parts.push(exp.format === 'csv' ? toCsvLine(e) : toNdjsonLine(e));
        rows += 1;
      }
      em.clear();
      if (truncated || batch.length < BATCH) break;
      const last = batch[batch.length - 1]!;
      after = { at: last.occurredAt, id: last.id };
    }
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(AuditExport, { id: exp.id }, { status: 'succeeded', content: parts.join(''), rowCount: rows, truncated, finishedAt: new Date() }, NO_TENANT_FILTER);
      recordTypedEvent(tx as EntityManager, {
        tenantId: exp.tenant, type: 'AuditLog.Exported',
        actor: { kind: exp.requestedByKind as 'client' | 'user' | 'system', id: exp.requestedById, clientId: exp.requestedByClientId ?? undefined, tenantId: exp.tenant },
        target: { type: 'AuditLogExport', id: exp.id }, payload: { format: exp.format, rows, exportId: exp.id, truncated },
      });
      await tx.flush();
    });
    await notifyOutbox(em);
    return { rows, truncated };
  }
}
