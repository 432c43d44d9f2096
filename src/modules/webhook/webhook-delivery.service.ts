import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { systemEm, NO_TENANT_FILTER } from '../../db/tenant-em.js';
import { notifyOutbox, recordTypedEvent } from '../../events/outbox.js';
import type { OutboundSettings } from '../../shared/outbound/index.js';
import { AuditEvent, toPublishedEvent } from '../audit-log/index.js';
import type { OutboundPolicyService } from '../outbound-policy/index.js';
import { WebhookDelivery, WebhookEndpoint, type EndpointDisabledReason } from './webhook.entity.js';
import { webhookBody } from './webhook.message.js';
import { sendWebhook } from './webhook.sender.js';
import { liveSecrets } from './webhook.service.js';

/** Job payloads of the `webhook-delivery` queue. */
export type WebhookJob =
  | { kind: 'event'; tenantId: string; eventId: string; endpointId: string }
  | { kind: 'redeliver'; tenantId: string; deliveryId: string };

export type DeliveryOutcome = 'succeeded' | 'skipped' | 'failed' | 'gone' | 'retry';

/** Thrown by the processor to make BullMQ retry; carries a 429's Retry-After. */
export class DeliveryRetry extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryRetry';
  }
}

/**
 * Delivers one webhook attempt for the worker. At-least-once: the delivery row is unique per
 * (endpoint, event), so a job enqueued twice or retried after a worker died sends the same
 * message (same `webhook-id` = event id, same body) and a delivered message is not sent again.
 * Rules: only 2xx succeeds; 410 disables the endpoint (no retry); N consecutive failed attempts
 * disable it (event Webhook.Endpoint.Disabled); a disabled or deleted endpoint gets nothing.
 */
export class WebhookDeliveryService {
  constructor(private readonly deps: {
    orm: MikroORM; masterKey: Buffer; outbound: OutboundPolicyService; settings: OutboundSettings; maxConsecutiveFailures: number;
  }) {}

  async deliver(job: WebhookJob, attempt: { attemptsMade: number; maxAttempts: number }): Promise<{ outcome: DeliveryOutcome; retryAfterMs?: number; statusCode?: number | null }> {
    const em = systemEm(this.deps.orm);
    let delivery: WebhookDelivery | null;
    let endpoint: WebhookEndpoint | null;
    let event: AuditEvent | null;
    if (job.kind === 'event') {
      [endpoint, event] = await Promise.all([
        em.findOne(WebhookEndpoint, { id: job.endpointId }, NO_TENANT_FILTER),
        em.findOne(AuditEvent, { id: job.eventId }, NO_TENANT_FILTER),
      ]);
      if (!endpoint || !event || endpoint.tenant !== event.tenant) return { outcome: 'skipped' };
      await em.getConnection().execute(
        `insert into webhook_delivery (id, tenant_id, endpoint_id, event_id, event_type, status, attempt_count, created_at)
         values (?, ?, ?, ?, ?, 'pending', 0, now()) on conflict (endpoint_id, event_id) do nothing`,
        [uuid(), endpoint.tenant, endpoint.id, event.id, event.type], 'run',
      );
      delivery = await em.findOne(WebhookDelivery, { endpoint: endpoint.id, eventId: event.id }, NO_TENANT_FILTER);
      if (!delivery || delivery.status === 'succeeded' || delivery.status === 'failed') return { outcome: 'skipped' };
    } else {
      delivery = await em.findOne(WebhookDelivery, { id: job.deliveryId }, NO_TENANT_FILTER);
      if (!delivery) return { outcome: 'skipped' };
      [endpoint, event] = await Promise.all([
        em.findOne(WebhookEndpoint, { id: delivery.endpoint }, NO_TENANT_FILTER),
        em.findOne(AuditEvent, { id: delivery.eventId }, NO_TENANT_FILTER),
      ]);
      if (!endpoint || !event) return { outcome: 'skipped' };
    }
    if (!endpoint.enabled) {
      await em.getConnection().execute(`update webhook_delivery set status = 'failed' where id = ? and status in ('pending', 'retrying')`, [delivery.id], 'run');
      return { outcome: 'skipped' };
    }

    const now = new Date();
    const policy = await this.deps.outbound.effective(em, endpoint.tenant, 'webhook_delivery');
    const result = await sendWebhook({
      url: endpoint.url, msgId: event.id, body: webhookBody(toPublishedEvent(event)),
      secrets: liveSecrets(this.deps.masterKey, endpoint, now), policy, settings: this.deps.settings,
    });
    const final = result.succeeded || result.gone || job.kind === 'redeliver' || attempt.attemptsMade + 1 >= attempt.maxAttempts;
    const status = result.succeeded ? 'succeeded' : final ? 'failed' : 'retrying';
    let disabled: EndpointDisabledReason | undefined;
    let failures = 0;
    await em.transactional(async (tx) => {
      const conn = (tx as EntityManager).getConnection();
      const trx = (tx as EntityManager).getTransactionContext();
      const [row] = await conn.execute<Array<{ attempt_count: number }>>(
        `update webhook_delivery set attempt_count = attempt_count + 1, status = ?, last_status_code = ?, last_attempt_at = ?,
           succeeded_at = case when ? then now() else succeeded_at end
         where id = ? returning attempt_count`,
        [status, result.statusCode, now, result.succeeded, delivery.id], 'all', trx,
      );
      await conn.execute(
        `insert into webhook_attempt (id, tenant_id, delivery_id, endpoint_id, number, trigger, succeeded, status_code, latency_ms, response_excerpt, error, attempted_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [uuid(), endpoint.tenant, delivery.id, endpoint.id, row?.attempt_count ?? 1, job.kind === 'event' ? 'auto' : 'manual', result.succeeded,
          result.statusCode, result.latencyMs, result.responseExcerpt, result.error, now], 'run', trx,
      );
      if (result.succeeded) {
        await conn.execute(`update webhook_endpoint set consecutive_failures = 0 where id = ? and consecutive_failures <> 0`, [endpoint.id], 'run', trx);
        return;
      }
      const [ep] = await conn.execute<Array<{ consecutive_failures: number }>>(
        `update webhook_endpoint set consecutive_failures = consecutive_failures + 1 where id = ? returning consecutive_failures`, [endpoint.id], 'all', trx,
      );
      failures = ep?.consecutive_failures ?? 0;
      const reason: EndpointDisabledReason | undefined = result.gone ? 'gone' : failures >= this.deps.maxConsecutiveFailures ? 'consecutive_failures' : undefined;
      if (!reason) return;
      const flipped = await conn.execute<Array<{ id: string }>>(
        `update webhook_endpoint set enabled = false, disabled_reason = ?, disabled_at = now() where id = ? and enabled returning id`, [reason, endpoint.id], 'all', trx,
      );
      if (!flipped.length) return;
      disabled = reason;
      recordTypedEvent(tx as EntityManager, {
        tenantId: endpoint.tenant, type: 'Webhook.Endpoint.Disabled', actor: { kind: 'system', id: 'webhook-delivery', tenantId: endpoint.tenant },
        target: { type: 'WebhookEndpoint', id: endpoint.id },
        payload: { endpointId: endpoint.id, url: endpoint.url, reason, ...(reason === 'consecutive_failures' ? { consecutiveFailures: failures } : {}) },
      });
      await tx.flush();
    });
    if (disabled) await notifyOutbox(em);
    if (result.succeeded) return { outcome: 'succeeded', statusCode: result.statusCode };
    if (result.gone) return { outcome: 'gone', statusCode: result.statusCode };
    if (final || disabled) return { outcome: 'failed', statusCode: result.statusCode };
    return { outcome: 'retry', retryAfterMs: result.retryAfterMs, statusCode: result.statusCode };
  }
}
