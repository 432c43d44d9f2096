import type { EntityManager } from '@mikro-orm/postgresql';
import { open, seal } from '../../crypto/aead.js';
import { uuid } from '../../crypto/random.js';
import { generateWebhookSecret } from '../../crypto/webhook-signature.js';
import { keysetPage, type Page, type PageRequest } from '../../db/keyset.js';
import { isEventCategory, isEventType } from '../../events/event-names.js';
import { notifyOutbox, recordTypedEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import { checkOutboundUrl, OutboundRefused, type OutboundSettings } from '../../shared/outbound/index.js';
import type { RequestContext } from '../../shared/request-context.js';
import { hasControlChars } from '../../shared/text.js';
import type { OutboundPolicyService } from '../outbound-policy/index.js';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity.js';
import { WebhookError, WebhookErrorCode } from './webhook.errors.js';
import { sendWebhook, type AttemptResult } from './webhook.sender.js';

export const MAX_ENDPOINTS_PER_TENANT = 50;
/** How long the previous secret keeps signing after a rotation, by default (Standard Webhooks suggests up to 24 h). */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;

export interface WebhookEndpointCreateInput {
  url: string;
  eventTypes?: string[] | null;
  categories?: string[] | null;
  description?: string | null;
}

export interface WebhookEndpointUpdateInput {
  url?: string | null;
  eventTypes?: string[] | null;
  categories?: string[] | null;
  description?: string | null;
  /** true re-enables a disabled endpoint (and resets its failure count). */
  enabled?: boolean | null;
}

export interface EndpointStats {
  since: Date;
  deliveries: number;
  succeeded: number;
  failed: number;
  pending: number;
  /** succeeded / (succeeded + failed), null without finished deliveries. */
  successRate: number | null;
}

export const secretAad = (tenantId: string, endpointId: string) => `webhook-secret:${tenantId}:${endpointId}`;

/** The secrets that sign now: the current one, plus the previous one during a rotation's overlap. */
export function liveSecrets(masterKey: Buffer, e: WebhookEndpoint, now = new Date()): string[] {
  const aad = secretAad(e.tenant, e.id);
  const out = [open(masterKey, e.secretSealed, aad).toString('utf8')];
  if (e.previousSecretSealed && e.previousSecretExpiresAt && e.previousSecretExpiresAt > now) {
    out.push(open(masterKey, e.previousSecretSealed, aad).toString('utf8'));
  }
  return out;
}

/**
 * Webhook endpoints of a tenant: registration (URL checked against the tenant's outbound policy at
 * creation, event filter checked against the catalog), secret rotation with overlap, test sends,
 * delivery log and success rate, manual redelivery (through the outbox, like every delivery).
 */
export class WebhookService {
  constructor(private readonly deps: { masterKey: Buffer; outbound: OutboundPolicyService; settings: OutboundSettings }) {}

  private async endpointOrFail(ctx: RequestContext, em: EntityManager, id: string): Promise<WebhookEndpoint> {
    const e = await em.findOne(WebhookEndpoint, { id, tenant: ctx.tenant.id });
    assertThat(e, () => new WebhookError(WebhookErrorCode.NOT_FOUND, 'webhook endpoint not found', ['id']));
    return e;
  }

  private async checkUrl(ctx: RequestContext, url: string): Promise<string> {
    const trimmed = url.trim();
    assertThat(trimmed.length > 0 && trimmed.length <= 2048 && !hasControlChars(trimmed), () => new WebhookError(WebhookErrorCode.URL_INVALID, 'url must be an absolute http(s) URL of at most 2048 characters', ['input', 'url']));
    const policy = await this.deps.outbound.effective(ctx.em, ctx.tenant.id, 'webhook_delivery');
    try {
      await checkOutboundUrl(trimmed, policy, this.deps.settings);
    } catch (err) {
      if (err instanceof OutboundRefused) {
        if (err.reason === 'url_invalid') throw new WebhookError(WebhookErrorCode.URL_INVALID, 'url must be an absolute http(s) URL of at most 2048 characters', ['input', 'url']);
        throw new WebhookError(WebhookErrorCode.URL_REFUSED, `url is refused by the outbound policy: ${err.message}`, ['input', 'url']);
      }
      throw err;
    }
    return new URL(trimmed).toString();
  }

  private checkFilter(input: { eventTypes?: string[] | null; categories?: string[] | null }): { eventTypes: string[]; categories: string[] } {
    const eventTypes = [...new Set(input.eventTypes ?? [])];
    const categories = [...new Set(input.categories ?? [])];
    eventTypes.forEach((t, i) => assertThat(isEventType(t), () => new WebhookError(WebhookErrorCode.EVENT_TYPE_UNKNOWN,
      `unknown event type "${t.slice(0, 100)}" (see the eventTypes query)`, ['input', 'eventTypes', String(i)])));
    categories.forEach((c, i) => assertThat(isEventCategory(c), () => new WebhookError(WebhookErrorCode.EVENT_TYPE_UNKNOWN,
      `unknown event category "${c.slice(0, 100)}"`, ['input', 'categories', String(i)])));
    return { eventTypes, categories };
  }

  private checkDescription(d: string | null | undefined): string | null {
    if (d == null) return null;
    const t = d.trim();
    assertThat(t.length <= 500 && !hasControlChars(t), () => new WebhookError(WebhookErrorCode.DESCRIPTION_INVALID, 'description must be at most 500 characters without control characters', ['input', 'description']));
    return t || null;
  }

  list(ctx: RequestContext, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    return keysetPage<WebhookEndpoint>(ctx.em, WebhookEndpoint, { tenant: ctx.tenant.id }, {
      field: 'createdAt', direction: 'DESC', toValue: (e) => e.createdAt.toISOString(), parse: (v) => new Date(v),
    }, page);
  }

  findByIds(ctx: RequestContext, ids: readonly string[]): Promise<WebhookEndpoint[]> {
    return ctx.em.find(WebhookEndpoint, { id: { $in: [...ids] }, tenant: ctx.tenant.id });
  }

  /** Emits Webhook.Endpoint.Created. The plaintext secret is returned here only. */
  async create(ctx: RequestContext, input: WebhookEndpointCreateInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const filter = this.checkFilter(input);
    const description = this.checkDescription(input.description);
    const url = await this.checkUrl(ctx, input.url);
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const count = await em.count(WebhookEndpoint, { tenant: ctx.tenant.id });
    assertThat(count < MAX_ENDPOINTS_PER_TENANT, () => new WebhookError(WebhookErrorCode.LIMIT_REACHED, `a tenant may have at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints`));
    const id = uuid();
    const secret = generateWebhookSecret();
    const endpoint = em.create(WebhookEndpoint, {
      id, tenant: ctx.tenant.id, url, description, ...filter, enabled: true,
      secretSealed: seal(this.deps.masterKey, secret, secretAad(ctx.tenant.id, id)),
    });
    recordTypedEvent(em, {
      tenantId: ctx.tenant.id, type: 'Webhook.Endpoint.Created', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'WebhookEndpoint', id }, payload: { endpointId: id, url, ...filter },
    });
    await em.flush();
    await notifyOutbox(em);
    return { endpoint, secret };
  }

  /** Emits Webhook.Endpoint.Updated with the changed fields. */
  async update(ctx: RequestContext, id: string, input: WebhookEndpointUpdateInput): Promise<WebhookEndpoint> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const e = await this.endpointOrFail(ctx, em, id);
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    const change = <K extends 'url' | 'description' | 'eventTypes' | 'categories' | 'enabled'>(k: K, v: WebhookEndpoint[K]) => {
      if (JSON.stringify(e[k]) !== JSON.stringify(v)) {
        changes[k] = { before: e[k], after: v };
        e[k] = v;
      }
    };
    if (input.url != null) change('url', await this.checkUrl(ctx, input.url));
    if (input.eventTypes != null || input.categories != null) {
      const f = this.checkFilter({ eventTypes: input.eventTypes ?? e.eventTypes, categories: input.categories ?? e.categories });
      change('eventTypes', f.eventTypes);
      change('categories', f.categories);
    }
    if (input.description !== undefined) change('description', this.checkDescription(input.description));
    if (input.enabled === true && !e.enabled) {
      change('enabled', true);
      e.disabledReason = null;
      e.disabledAt = null;
      e.consecutiveFailures = 0;
    } else if (input.enabled === false && e.enabled) {
      return this.disable(ctx, id);
    }
    if (Object.keys(changes).length) {
      recordTypedEvent(em, {
        tenantId: ctx.tenant.id, type: 'Webhook.Endpoint.Updated', actor: ctx.actor, requestId: ctx.requestId,
        target: { type: 'WebhookEndpoint', id }, payload: { endpointId: id, changes },
      });
      await em.flush();
      await notifyOutbox(em);
    }
    return e;
  }

  /** Emits Webhook.Endpoint.Disabled (reason manual); disabling a disabled endpoint changes nothing. */
  async disable(ctx: RequestContext, id: string): Promise<WebhookEndpoint> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const e = await this.endpointOrFail(ctx, em, id);
    if (!e.enabled) return e;
    e.enabled = false;
    e.disabledReason = 'manual';
    e.disabledAt = new Date();
    recordTypedEvent(em, {
      tenantId: ctx.tenant.id, type: 'Webhook.Endpoint.Disabled', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'WebhookEndpoint', id }, payload: { endpointId: id, url: e.url, reason: 'manual' },
    });
    await em.flush();
    await notifyOutbox(em);
    return e;
  }

  /** Deletes the endpoint with its delivery log. Emits Webhook.Endpoint.Deleted. */
  async delete(ctx: RequestContext, id: string): Promise<string> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const e = await this.endpointOrFail(ctx, em, id);
    await em.transactional(async (tx) => {
      recordTypedEvent(tx as EntityManager, {
        tenantId: ctx.tenant.id, type: 'Webhook.Endpoint.Deleted', actor: ctx.actor, requestId: ctx.requestId,
        target: { type: 'WebhookEndpoint', id }, payload: { endpointId: id, url: e.url },
      });
      await tx.flush();
      await tx.nativeDelete(WebhookEndpoint, { id, tenant: ctx.tenant.id });
    });
    await notifyOutbox(em);
    return id;
  }

  /**
   * Replaces the signing secret; the previous one keeps signing (a second `v1,` signature) for
   * `overlapSeconds`, so receivers can switch without losing a message. Emits Webhook.Endpoint.Secret.Rotated.
   */
  async rotateSecret(ctx: RequestContext, id: string, overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    assertThat(Number.isInteger(overlapSeconds) && overlapSeconds >= 0 && overlapSeconds <= 7 * 86_400,
      () => new WebhookError(WebhookErrorCode.DESCRIPTION_INVALID, 'overlapSeconds must be between 0 and 604800', ['overlapSeconds']));
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const e = await this.endpointOrFail(ctx, em, id);
    const secret = generateWebhookSecret();
    const aad = secretAad(ctx.tenant.id, id);
    const expires = new Date(Date.now() + overlapSeconds * 1000);
    e.previousSecretSealed = e.secretSealed;
    e.previousSecretExpiresAt = expires;
    e.secretSealed = seal(this.deps.masterKey, secret, aad);
    recordTypedEvent(em, {
      tenantId: ctx.tenant.id, type: 'Webhook.Endpoint.Secret.Rotated', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'WebhookEndpoint', id }, payload: { endpointId: id, previousSecretExpiresAt: expires.toISOString() },
    });
    await em.flush();
    await notifyOutbox(em);
    return { endpoint: e, secret };
  }

  /**
   * Sends a signed test message (`type: "Webhook.Test"`) right now, from this process, through the
   * SSRF guard; logs it as a delivery with one attempt and returns it. Records no event.
   */
  async test(ctx: RequestContext, id: string): Promise<{ delivery: WebhookDelivery; attempt: AttemptResult }> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const e = await this.endpointOrFail(ctx, em, id);
    const msgId = uuid();
    const now = new Date();
    const body = JSON.stringify({ type: 'Webhook.Test', timestamp: now.toISOString(), data: { endpointId: id, tenantId: ctx.tenant.id, test: true } });
    const policy = await this.deps.outbound.effective(em, ctx.tenant.id, 'webhook_delivery');
    const result = await sendWebhook({ url: e.url, msgId, body, secrets: liveSecrets(this.deps.masterKey, e, now), policy, settings: this.deps.settings });
    const delivery = em.create(WebhookDelivery, {
      id: uuid(), tenant: ctx.tenant.id, endpoint: e.id, eventId: msgId, eventType: 'Webhook.Test',
      status: result.succeeded ? 'succeeded' : 'failed', attemptCount: 1, lastStatusCode: result.statusCode, lastAttemptAt: now,
      succeededAt: result.succeeded ? new Date() : null,
    });
    em.create(WebhookAttempt, {
      id: uuid(), tenant: ctx.tenant.id, delivery: delivery.id, endpointId: e.id, number: 1, trigger: 'test',
      succeeded: result.succeeded, statusCode: result.statusCode, latencyMs: result.latencyMs,
      responseExcerpt: result.responseExcerpt, error: result.error, attemptedAt: now,
    });
    await em.flush();
    return { delivery, attempt: result };
  }

  deliveries(ctx: RequestContext, endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    return keysetPage<WebhookDelivery>(ctx.em, WebhookDelivery, { tenant: ctx.tenant.id, endpoint: endpointId }, {
      field: 'createdAt', direction: 'DESC', toValue: (d) => d.createdAt.toISOString(), parse: (v) => new Date(v),
    }, page);
  }

  findDeliveries(ctx: RequestContext, ids: readonly string[]): Promise<WebhookDelivery[]> {
    return ctx.em.find(WebhookDelivery, { id: { $in: [...ids] }, tenant: ctx.tenant.id });
  }

  /** Attempts of deliveries, oldest first (for a loader). */
  attemptsOf(ctx: RequestContext, deliveryIds: readonly string[]): Promise<WebhookAttempt[]> {
    return ctx.em.find(WebhookAttempt, { delivery: { $in: [...deliveryIds] }, tenant: ctx.tenant.id }, { orderBy: { number: 'ASC', attemptedAt: 'ASC' } });
  }

  /** Delivery counts since `since` (default: the last 24 hours) and the success rate of finished ones. */
  async stats(ctx: RequestContext, endpointId: string, since = new Date(Date.now() - 86_400_000)): Promise<EndpointStats> {
    const rows = await ctx.em.getConnection().execute<Array<{ status: string; n: string }>>(
      `select status, count(*) as n from webhook_delivery where tenant_id = ? and endpoint_id = ? and created_at >= ? and event_type <> 'Webhook.Test' group by status`,
      [ctx.tenant.id, endpointId, since],
    );
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    const succeeded = n('succeeded');
    const failed = n('failed');
    const pending = n('pending') + n('retrying');
    return { since, deliveries: succeeded + failed + pending, succeeded, failed, pending, successRate: succeeded + failed ? succeeded / (succeeded + failed) : null };
  }

  /**
   * Queues the delivery again (one more attempt, same webhook-id), through the outbox: the relay
   * turns the recorded event into a job. Emits Webhook.Delivery.Redelivered.
   */
  async redeliver(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const d = await em.findOne(WebhookDelivery, { id: deliveryId, tenant: ctx.tenant.id });
    assertThat(d && d.eventType !== 'Webhook.Test', () => new WebhookError(WebhookErrorCode.DELIVERY_NOT_FOUND, 'webhook delivery not found', ['deliveryId']));
    const e = await this.endpointOrFail(ctx, em, d.endpoint);
    assertThat(e.enabled, () => new WebhookError(WebhookErrorCode.ENDPOINT_DISABLED, 'the endpoint is disabled; enable it first', ['deliveryId']));
    recordTypedEvent(em, {
      tenantId: ctx.tenant.id, type: 'Webhook.Delivery.Redelivered', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'WebhookDelivery', id: d.id }, payload: { endpointId: e.id, deliveryId: d.id, eventId: d.eventId },
    });
    await em.flush();
    await notifyOutbox(em);
    return d;
  }
}
