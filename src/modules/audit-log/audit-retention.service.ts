import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { notifyOutbox, recordTypedEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AuditRetention } from './audit-export.entity.js';
import { AuditLogError, AuditLogErrorCode } from './audit-log.errors.js';

/** Per-tenant audit history retention; null falls back to the platform's SIGNET_AUDIT_RETENTION_DAYS. */
export class AuditRetentionService {
  constructor(private readonly platformDays: number) {}

  async get(ctx: RequestContext): Promise<{ days: number; isDefault: boolean }> {
    const row = await ctx.em.findOne(AuditRetention, { tenant: ctx.tenant.id });
    return row ? { days: row.days, isDefault: false } : { days: this.platformDays, isDefault: true };
  }

  /** Sets (or, with null, removes) the tenant's retention. Emits AuditLog.Retention.Updated. */
  async set(ctx: RequestContext, days: number | null): Promise<{ days: number; isDefault: boolean }> {
    assertThat(days === null || (Number.isInteger(days) && days >= 1 && days <= 36_500),
      () => new AuditLogError(AuditLogErrorCode.RANGE_INVALID, 'days must be between 1 and 36500', ['days']));
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const row = await em.findOne(AuditRetention, { tenant: ctx.tenant.id });
    const before = row?.days ?? null;
    if (before === days) return this.get(ctx);
    if (days === null) em.remove(row!);
    else if (row) row.days = days;
    else em.create(AuditRetention, { id: uuid(), tenant: ctx.tenant.id, days });
    recordTypedEvent(em, {
      tenantId: ctx.tenant.id, type: 'AuditLog.Retention.Updated', actor: ctx.actor, requestId: ctx.requestId, payload: { before, after: days },
    });
    await em.flush();
    await notifyOutbox(em);
    return days === null ? { days: this.platformDays, isDefault: true } : { days, isDefault: false };
  }
}
