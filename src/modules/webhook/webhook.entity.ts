import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

export const ENDPOINT_DISABLED_REASONS = ['manual', 'gone', 'consecutive_failures'] as const;
export type EndpointDisabledReason = (typeof ENDPOINT_DISABLED_REASONS)[number];

/**
 * A tenant's webhook endpoint. The signing secret (`whsec_…`) is sealed with AES-256-GCM under
 * the master key (AAD binds it to tenant and endpoint); after a rotation the previous secret keeps
 * signing (second signature) until `previousSecretExpiresAt`.
 * An empty `eventTypes` and `categories` means every event of the tenant.
 */
export const WebhookEndpoint = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoint',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    url: p.text(),
    description: p.string().length(500).nullable(),
    eventTypes: p.array().default([]),
    categories: p.array().default([]),
    enabled: p.boolean().default(true),
    disabledReason: p.string().length(30).nullable(),
    disabledAt: p.datetime().nullable(),
    secretSealed: p.text(),
    previousSecretSealed: p.text().nullable(),
    previousSecretExpiresAt: p.datetime().nullable(),
    consecutiveFailures: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'webhook_endpoint_enabled_idx', properties: ['tenant'], where: 'enabled' }],
  filters: tenantFilter,
});
export type WebhookEndpoint = InferEntity<typeof WebhookEndpoint>;

export const DELIVERY_STATUSES = ['pending', 'retrying', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event to one endpoint: the unit the receiver sees under one `webhook-id` (the event id),
 * however many attempts it takes. Unique per (endpoint, event): the relay may enqueue twice, the
 * delivery happens once.
 */
export const WebhookDelivery = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    endpoint: p.manyToOne(WebhookEndpoint).mapToPk().deleteRule('cascade'),
    eventId: p.uuid(),
    eventType: p.string().length(100),
    status: p.enum(DELIVERY_STATUSES).default('pending'),
    attemptCount: p.integer().default(0),
    lastStatusCode: p.integer().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    nextAttemptAt: p.datetime().nullable(),
    succeededAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ name: 'webhook_delivery_endpoint_event_unique', properties: ['endpoint', 'eventId'] }],
  indexes: [{ properties: ['endpoint', 'createdAt'] }, { properties: ['createdAt'] }],
  filters: tenantFilter,
});
export type WebhookDelivery = InferEntity<typeof WebhookDelivery>;

export const ATTEMPT_TRIGGERS = ['auto', 'manual', 'test'] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

/** One HTTP attempt of a delivery: what the receiver answered (an excerpt), how fast, or why it failed. */
export const WebhookAttempt = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempt',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    delivery: p.manyToOne(WebhookDelivery).mapToPk().deleteRule('cascade').index(),
    endpointId: p.uuid(),
    number: p.integer(),
    trigger: p.enum(ATTEMPT_TRIGGERS),
    succeeded: p.boolean(),
    statusCode: p.integer().nullable(),
    latencyMs: p.integer(),
    responseExcerpt: p.text().nullable(),
    error: p.string().length(300).nullable(),
    attemptedAt: p.datetime(),
  },
  indexes: [{ properties: ['endpointId', 'attemptedAt'] }, { properties: ['attemptedAt'] }],
  filters: tenantFilter,
});
export type WebhookAttempt = InferEntity<typeof WebhookAttempt>;
