import type { EntityManager } from '@mikro-orm/postgresql';
import { boundedDelete } from '../db/bounded-delete.js';

export interface SweepResult {
  auditEvents: number;
  signingKeys: number;
}

/**
 * Purges rows past their expiry or retention, bounded: relayed outbox/audit rows older than the
 * retention, retired signing keys past their publication window. Rows not yet relayed are never
 * purged (the outbox must drain first).
 */
export async function sweepExpired(em: EntityManager, opts: { now: Date; auditRetentionDays: number; batchSize: number }): Promise<SweepResult> {
  const auditCutoff = new Date(opts.now.getTime() - opts.auditRetentionDays * 86_400_000);
  const auditEvents = await boundedDelete(em, 'audit_event', 'relayed_at is not null and occurred_at < ?', [auditCutoff], opts.batchSize);
  const signingKeys = await boundedDelete(em, 'signing_key', `status = 'retired' and expires_at < ?`, [opts.now], opts.batchSize);
  return { auditEvents, signingKeys };
}
