import type { EntityManager } from '@mikro-orm/postgresql';
import { boundedDelete } from '../db/bounded-delete.js';

export interface SweepResult {
  auditEvents: number;
  signingKeys: number;
  /** Webhook attempts older than the webhook retention. */
  webhookAttempts: number;
  /** Finished (succeeded/failed) webhook deliveries older than the webhook retention (their attempts go with them). */
  webhookDeliveries: number;
  /** Audit log exports past their download window. */
  auditExports: number;
  authorizationCodes: number;
  refreshTokens: number;
  accessTokens: number;
  sessions: number;
  interactions: number;
  clientAssertions: number;
  idempotencyKeys: number;
  userTokens: number;
  organizationInvitationsExpired: number;
  organizationInvitations: number;
}

/**
 * Purges rows past their expiry or retention, bounded: relayed outbox/audit rows older than the
 * retention, retired signing keys past their publication window, and the short-lived protocol
 * state (codes, refresh and access token records, sessions, interactions, used assertions). Rows not yet relayed are never
 * purged (the outbox must drain first).
 */
export async function sweepExpired(em: EntityManager, opts: {
  now: Date; auditRetentionDays: number; batchSize: number; webhookRetentionDays?: number;
  /** Restrict the sweep to one tenant (tests sweep their own rows with a future `now`). */
  tenantId?: string;
}): Promise<SweepResult> {
  const del = (table: string, where: string, params: unknown[]) => opts.tenantId
    ? boundedDelete(em, table, `(${where}) and tenant_id = ?`, [...params, opts.tenantId], opts.batchSize)
    : boundedDelete(em, table, where, params, opts.batchSize);
  const auditCutoff = new Date(opts.now.getTime() - opts.auditRetentionDays * 86_400_000);
  // A tenant's own retention (audit_retention) wins over the platform's.
  const auditEvents = await del('audit_event', `relayed_at is not null and occurred_at < coalesce(
      (select ?::timestamptz - make_interval(days => r.days) from audit_retention r where r.tenant_id = audit_event.tenant_id), ?)`, [opts.now, auditCutoff]);
  const signingKeys = await del('signing_key', `status = 'retired' and expires_at < ?`, [opts.now]);
  // Webhook logs are purged only when a retention is given (the worker always gives one).
  let webhookAttempts = 0;
  let webhookDeliveries = 0;
  if (opts.webhookRetentionDays !== undefined) {
    const webhookCutoff = new Date(opts.now.getTime() - opts.webhookRetentionDays * 86_400_000);
    webhookAttempts = await del('webhook_attempt', 'attempted_at < ?', [webhookCutoff]);
    // Pending/retrying deliveries are kept whatever their age: a retry may still be scheduled.
    webhookDeliveries = await del('webhook_delivery', `status in ('succeeded', 'failed') and created_at < ?`, [webhookCutoff]);
  }
  // Protocol state: every row carries its own expiry.
  const expired = (table: string, extra = '') => del(table, `expires_at < ?${extra}`, [opts.now]);
  const authorizationCodes = await expired('authorization_code');
  // A rotated refresh token is kept until its own expiry so that its reuse is still detected.
  const refreshTokens = await expired('refresh_token');
  const accessTokens = await expired('access_token');
  const sessions = await del('browser_session', 'expires_at < ? or ended_at < ?', [opts.now, new Date(opts.now.getTime() - 86_400_000)]);
  const interactions = await expired('interaction');
  const clientAssertions = await expired('used_client_assertion');
  const idempotencyKeys = await expired('idempotency_key');
  const auditExports = await expired('audit_export');
  // Single-use user tokens (invitations, password resets) past their expiry.
  const userTokens = await expired('user_token');
  // Pending organization invitations past their expiry become `expired` (bounded, idempotent),
  // and are deleted 30 days later.
  const expiredInvitations = await em.getConnection().execute<{ affectedRows?: number }>(
    `update organization_invitation set status = 'expired' where id in (select id from organization_invitation
       where status = 'pending' and expires_at < ?${opts.tenantId ? ' and tenant_id = ?' : ''} limit ${Math.floor(opts.batchSize)} for update skip locked)`,
    opts.tenantId ? [opts.now, opts.tenantId] : [opts.now], 'run',
  );
  const organizationInvitationsExpired = (expiredInvitations as { affectedRows?: number }).affectedRows ?? 0;
  const organizationInvitations = await del('organization_invitation', `status <> 'pending' and expires_at < ?`, [new Date(opts.now.getTime() - 30 * 86_400_000)]);
  return { auditEvents, signingKeys, webhookAttempts, webhookDeliveries, auditExports, authorizationCodes, refreshTokens, accessTokens, sessions, interactions, clientAssertions, idempotencyKeys, userTokens, organizationInvitationsExpired, organizationInvitations };
}
