import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { systemEm, NO_TENANT_FILTER } from '../../db/tenant-em.js';
import { notifyOutbox, recordTypedEvent } from '../../events/outbox.js';
import type { OutboundPolicy, OutboundSettings } from '../../shared/outbound/index.js';
import { AuditEvent, toPublishedEvent } from '../audit-log/index.js';
import type { OutboundPolicyService } from '../outbound-policy/index.js';
import { WebhookEndpoint, type EndpointDisabledReason } from './webhook.entity.js';
import { webhookBody } from './webhook.message.js';
import { sendWebhook, type AttemptResult } from './webhook.sender.js';
import { liveSecrets } from './webhook.service.js';

/**
 * Job payloads of the `webhook-delivery` queue. An `event` job carries the message (type and
 * body, built by the relay from the committed event), so an attempt needs no event read.
 */
export type WebhookJob =
  | { kind: 'event'; tenantId: string; eventId: string; endpointId: string; type?: string; body?: string }
  | { kind: 'redeliver'; tenantId: string; deliveryId: string };

export type DeliveryOutcome = 'succeeded' | 'skipped' | 'failed' | 'gone' | 'retry';

/** Thrown by the processor to make BullMQ retry; carries a 429's Retry-After. */
export class DeliveryRetry extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryRetry';
  }
}

interface CachedEndpoint {
  id: string;
  tenant: string;
  url: string;
  enabled: boolean;
  secrets: string[];
  policy: OutboundPolicy;
  loadedAt: number;
}

/** How long a worker reuses an endpoint's settings (URL, secrets, policy) between deliveries. */
export const ENDPOINT_CACHE_MS = 2000;

/**
 * Delivers one webhook attempt for the worker. At-least-once: the delivery row is unique per
 * (endpoint, event), so a job enqueued twice or retried after a worker died sends the same
 * message (same `webhook-id` = event id, same body) and a delivered message is not sent again.
 * Rules: only 2xx succeeds; 410 disables the endpoint (no retry); N consecutive failed attempts
 * disable it (event Webhook.Endpoint.Disabled); a disabled or deleted endpoint gets nothing
 * (within ENDPOINT_CACHE_MS: a worker reuses an endpoint's settings that long).
 * Two statements per attempt on the hot path: the delivery upsert and one statement that logs
 * the attempt and updates the delivery and the endpoint's failure count together.
 */
export class WebhookDeliveryService {
  private readonly endpoints = new Map<string, CachedEndpoint>();

  constructor(private readonly deps: {
    orm: MikroORM; masterKey: Buffer; outbound: OutboundPolicyService; settings: OutboundSettings; maxConsecutiveFailures: number;
  }) {}

  private async endpoint(em: EntityManager, id: string): Promise<CachedEndpoint | undefined> {
    const hit = this.endpoints.get(id);
    if (hit && Date.now() - hit.loadedAt < ENDPOINT_CACHE_MS) return hit;
    const e = await em.findOne(WebhookEndpoint, { id }, NO_TENANT_FILTER);
    if (!e) {
      this.endpoints.delete(id);
      return undefined;
    }
    const loaded: CachedEndpoint = {
      id: e.id, tenant: e.tenant, url: e.url, enabled: e.enabled, secrets: liveSecrets(this.deps.masterKey, e),
      policy: await this.deps.outbound.effective(em, e.tenant, 'webhook_delivery'), loadedAt: Date.now(),
    };
    if (this.endpoints.size > 10_000) this.endpoints.clear();
    this.endpoints.set(id, loaded);
    return loaded;
  }

  async deliver(job: WebhookJob, attempt: { attemptsMade: number; maxAttempts: number }): Promise<{ outcome: DeliveryOutcome; retryAfterMs?: number; statusCode?: number | null }> {
    const em = systemEm(this.deps.orm);
    const conn = em.getConnection();
    let deliveryId: string;
    let endpoint: CachedEndpoint | undefined;
    let msgId: string;
    let body: string;
    if (job.kind === 'event') {
      endpoint = await this.endpoint(em, job.endpointId);
      if (!endpoint || endpoint.tenant !== job.tenantId) return { outcome: 'skipped' };
      let type = job.type;
      body = job.body ?? '';
      if (!type || !job.body) {
        const event = await em.findOne(AuditEvent, { id: job.eventId }, NO_TENANT_FILTER);
        if (!event) return { outcome: 'skipped' };
        type = event.type;
        body = webhookBody(toPublishedEvent(event));
      }
      msgId = job.eventId;
      const [row] = await conn.execute<Array<{ id: string; status: string }>>(
        `insert into webhook_delivery (id, tenant_id, endpoint_id, event_id, event_type, status, attempt_count, created_at)
         values (?, ?, ?, ?, ?, 'pending', 0, now())
         on conflict (endpoint_id, event_id) do update set event_type = excluded.event_type
         returning id, status`,
        [uuid(), endpoint.tenant, endpoint.id, job.eventId, type], 'all',
      );
      if (!row || row.status === 'succeeded' || row.status === 'failed') return { outcome: 'skipped' };
      deliveryId = row.id;
    } else {
      const [row] = await conn.execute<Array<{ id: string; endpoint_id: string; event_id: string }>>(
        `select id, endpoint_id, event_id from webhook_delivery where id = ?`, [job.deliveryId], 'all',
      );
      if (!row) return { outcome: 'skipped' };
      this.endpoints.delete(row.endpoint_id);
      endpoint = await this.endpoint(em, row.endpoint_id);
      const event = await em.findOne(AuditEvent, { id: row.event_id }, NO_TENANT_FILTER);
      if (!endpoint || !event) return { outcome: 'skipped' };
      deliveryId = row.id;
      msgId = event.id;
      body = webhookBody(toPublishedEvent(event));
    }
    if (!endpoint.enabled) {
      await conn.execute(`update webhook_delivery set status = 'failed' where id = ? and status in ('pending', 'retrying')`, [deliveryId], 'run');
      return { outcome: 'skipped' };
    }

    const now = new Date();
    const result = await sendWebhook({ url: endpoint.url, msgId, body, secrets: endpoint.secrets, policy: endpoint.policy, settings: this.deps.settings });
    const final = result.succeeded || result.gone || job.kind === 'redeliver' || attempt.attemptsMade + 1 >= attempt.maxAttempts;
    const failures = await this.record(deliveryId, endpoint, job.kind === 'event' ? 'auto' : 'manual', result, final, now);
    const reason: EndpointDisabledReason | undefined = result.succeeded ? undefined
      : result.gone ? 'gone' : failures >= this.deps.maxConsecutiveFailures ? 'consecutive_failures' : undefined;
    const disabled = reason ? await this.disable(em, endpoint, reason, failures) : false;
    if (result.succeeded) return { outcome: 'succeeded', statusCode: result.statusCode };
    if (result.gone) return { outcome: 'gone', statusCode: result.statusCode };
    if (final || disabled) return { outcome: 'failed', statusCode: result.statusCode };
    return { outcome: 'retry', retryAfterMs: result.retryAfterMs, statusCode: result.statusCode };
  }

  /** Logs the attempt, updates the delivery and the endpoint's consecutive failures, in one statement; returns the failures. */
  private async record(deliveryId: string, endpoint: CachedEndpoint, trigger: 'auto' | 'manual', r: AttemptResult, final: boolean, at: Date): Promise<number> {
    const status = r.succeeded ? 'succeeded' : final ? 'failed' : 'retrying';
    const [row] = await this.deps.orm.em.getConnection().execute<Array<{ failures: number | null }>>(
      `with d as (
         update webhook_delivery set attempt_count = attempt_count + 1, status = ?, last_status_code = ?, last_attempt_at = ?,
           succeeded_at = case when ? then now() else succeeded_at end
         where id = ? returning attempt_count
       ), a as (
         insert into webhook_attempt (id, tenant_id, delivery_id, endpoint_id, number, trigger, succeeded, status_code, latency_ms, response_excerpt, error, attempted_at)
         select ?, ?, ?, ?, d.attempt_count, ?, ?, ?, ?, ?, ?, ? from d
       ), e as (
         update webhook_endpoint set consecutive_failures = case when ? then 0 else consecutive_failures + 1 end
         where id = ? and (not ? or consecutive_failures <> 0) returning consecutive_failures
       )
       select (select consecutive_failures from e) as failures`,
      [status, r.statusCode, at, r.succeeded, deliveryId,
        uuid(), endpoint.tenant, deliveryId, endpoint.id, trigger, r.succeeded, r.statusCode, r.latencyMs, r.responseExcerpt, r.error, at,
        r.succeeded, endpoint.id, r.succeeded], 'all',
    );
    return row?.failures ?? 0;
  }

  /** Disables the endpoint once (whoever flips `enabled` records Webhook.Endpoint.Disabled). */
  private async disable(em: EntityManager, endpoint: CachedEndpoint, reason: EndpointDisabledReason, failures: number): Promise<boolean> {
    this.endpoints.delete(endpoint.id);
    const flipped = await em.transactional(async (tx) => {
      const rows = await (tx as EntityManager).getConnection().execute<Array<{ id: string }>>(
        `update webhook_endpoint set enabled = false, disabled_reason = ?, disabled_at = now() where id = ? and enabled returning id`,
        [reason, endpoint.id], 'all', (tx as EntityManager).getTransactionContext(),
      );
      if (!rows.length) return false;
      recordTypedEvent(tx as EntityManager, {
        tenantId: endpoint.tenant, type: 'Webhook.Endpoint.Disabled', actor: { kind: 'system', id: 'webhook-delivery', tenantId: endpoint.tenant },
        target: { type: 'WebhookEndpoint', id: endpoint.id },
        payload: { endpointId: endpoint.id, url: endpoint.url, reason, ...(reason === 'consecutive_failures' ? { consecutiveFailures: failures } : {}) },
      });
      await tx.flush();
      return true;
    });
    if (flipped) await notifyOutbox(em);
    return true;
  }
}
