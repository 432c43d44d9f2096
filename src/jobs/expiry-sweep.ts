import type { EntityManager } from '@mikro-orm/postgresql';
import { boundedDelete } from '../db/bounded-delete.js';

export interface SweepResult {
  auditEvents: number;
  signingKeys: number;
  /** Webhook attempts older than the webhook retention. */
  webhookAttempts: number;
  /** Finished (succeeded/failed) webhook deliveries older than the webhook retention (their attempts go with them). */
  webhookDeliveries: number;
}

/**
 * Purges rows past their expiry or retention, bounded: relayed outbox/audit rows older than the
 * retention, retired signing keys past their publication window. Rows not yet relayed are never
 * purged (the outbox must drain first).
 */
export async function sweepExpired(em: EntityManager, opts: { now: Date; auditRetentionDays: number; batchSize: number; webhookRetentionDays?: number }): Promise<SweepResult> {
  const auditCutoff = new Date(opts.now.getTime() - opts.auditRetentionDays * 86_400_000);
  const auditEvents = await boundedDelete(em, 'audit_event', 'relayed_at is not null and occurred_at < ?', [auditCutoff], opts.batchSize);
  const signingKeys = await boundedDelete(em, 'signing_key', `status = 'retired' and expires_at < ?`, [opts.now], opts.batchSize);
  // Webhook logs are purged only when a retention is given (the worker always gives one).
  let webhookAttempts = 0;
  let webhookDeliveries = 0;
  if (opts.webhookRetentionDays !== undefined) {
    const webhookCutoff = new Date(opts.now.getTime() - opts.webhookRetentionDays * 86_400_000);
    webhookAttempts = await boundedDelete(em, 'webhook_attempt', 'attempted_at < ?', [webhookCutoff], opts.batchSize);
    // Pending/retrying deliveries are kept whatever their age: a retry may still be scheduled.
    webhookDeliveries = await boundedDelete(em, 'webhook_delivery', `status in ('succeeded', 'failed') and created_at < ?`, [webhookCutoff], opts.batchSize);
  }
  return { auditEvents, signingKeys, webhookAttempts, webhookDeliveries };
}
