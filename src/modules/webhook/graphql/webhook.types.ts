import { Field, ID, InputType, Int, ObjectType, Float, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../graph/connection/connection.js';
import { UserErrorInterface } from '../../../graph/errors/user-error.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import { EventCategory } from '../../audit-log/index.js';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../webhook.entity.js';
import { WebhookError, WebhookErrorCode } from '../webhook.errors.js';
import type { EndpointStats } from '../webhook.service.js';

registerEnumType(WebhookErrorCode, {
  name: 'WebhookErrorCode',
  description: 'Why a webhook mutation was refused.',
  valuesConfig: {
    NOT_FOUND: { description: 'No webhook endpoint with this id in the current tenant.' },
    URL_INVALID: { description: 'The URL is not an absolute http(s) URL of at most 2048 characters.' },
    URL_REFUSED: { description: 'The tenant\'s outbound policy refuses the URL (scheme, port, host pattern, or an address that is loopback, private, link-local, multicast or cloud metadata).' },
    EVENT_TYPE_UNKNOWN: { description: 'An event type or category is not in the catalog (see the eventTypes query).' },
    DESCRIPTION_INVALID: { description: 'The description (or another bounded value) is out of range.' },
    ENDPOINT_DISABLED: { description: 'The endpoint is disabled.' },
    DELIVERY_NOT_FOUND: { description: 'No delivery with this id in the current tenant (test sends cannot be redelivered).' },
    LIMIT_REACHED: { description: 'The tenant has the maximum number of webhook endpoints.' },
  },
});

export enum WebhookEndpointDisabledReason {
  MANUAL = 'manual',
  GONE = 'gone',
  CONSECUTIVE_FAILURES = 'consecutive_failures',
}
registerEnumType(WebhookEndpointDisabledReason, {
  name: 'WebhookEndpointDisabledReason',
  description: 'Why an endpoint is disabled.',
  valuesConfig: {
    MANUAL: { description: 'An operator disabled it.' },
    GONE: { description: 'The receiver answered 410 Gone.' },
    CONSECUTIVE_FAILURES: { description: 'Too many consecutive attempts failed (SIGNET_WEBHOOK_MAX_FAILURES).' },
  },
});

export enum WebhookDeliveryStatus {
  PENDING = 'pending',
  RETRYING = 'retrying',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Queued, not attempted yet.' },
    RETRYING: { description: 'An attempt failed; another is scheduled (exponential backoff with jitter).' },
    SUCCEEDED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Every attempt failed, the receiver answered 410, or the endpoint was disabled.' },
  },
});

export enum WebhookAttemptTrigger {
  AUTO = 'auto',
  MANUAL = 'manual',
  TEST = 'test',
}
registerEnumType(WebhookAttemptTrigger, {
  name: 'WebhookAttemptTrigger',
  description: 'What caused an attempt.',
  valuesConfig: {
    AUTO: { description: 'The worker (first attempt or a retry).' },
    MANUAL: { description: 'A redelivery asked for with webhookDeliveryRedeliver.' },
    TEST: { description: 'A test send (webhookEndpointTest).' },
  },
});

@ObjectType('WebhookUserError', { implements: UserErrorInterface, description: 'A problem with a webhook mutation\'s input.' })
export class WebhookUserError extends UserErrorInterface {
  @Field(() => WebhookErrorCode, { description: 'Machine-readable reason.' })
  code!: WebhookErrorCode;
}

export function webhookUserError(e: WebhookError): WebhookUserError {
  switch (e.code) {
    case WebhookErrorCode.NOT_FOUND:
    case WebhookErrorCode.URL_INVALID:
    case WebhookErrorCode.URL_REFUSED:
    case WebhookErrorCode.EVENT_TYPE_UNKNOWN:
    case WebhookErrorCode.DESCRIPTION_INVALID:
    case WebhookErrorCode.ENDPOINT_DISABLED:
    case WebhookErrorCode.DELIVERY_NOT_FOUND:
    case WebhookErrorCode.LIMIT_REACHED:
      return Object.assign(new WebhookUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@ObjectType('WebhookEndpointStats', { description: 'Deliveries of an endpoint in a time window (test sends excluded).' })
export class WebhookEndpointStats {
  @Field(() => DateTimeScalar, { description: 'Start of the window.' })
  since!: Date;
  @Field(() => Int, { description: 'Deliveries created in the window.' })
  deliveries!: number;
  @Field(() => Int, { description: 'Of which succeeded.' })
  succeeded!: number;
  @Field(() => Int, { description: 'Of which failed for good.' })
  failed!: number;
  @Field(() => Int, { description: 'Of which are pending or retrying.' })
  pending!: number;
  @Field(() => Float, { nullable: true, description: 'succeeded / (succeeded + failed), between 0 and 1; null without finished deliveries.' })
  successRate!: number | null;
}

export const toStats = (s: EndpointStats) => Object.assign(new WebhookEndpointStats(), s);

@ObjectType('WebhookEndpoint', { implements: NodeInterface, description: 'A URL that receives the tenant\'s events as signed webhooks (Standard Webhooks). Requires webhooks:read.' })
export class WebhookEndpointType extends NodeInterface {
  uuid!: string;
  @Field(() => String, { description: 'Where messages are POSTed.' })
  url!: string;
  @Field(() => String, { nullable: true, description: 'Free text.' })
  description!: string | null;
  @Field(() => [String], { description: 'Event types it receives (with `categories`; both empty: every event).' })
  eventTypes!: string[];
  @Field(() => [EventCategory], { description: 'Event categories it receives.' })
  categories!: EventCategory[];
  @Field(() => Boolean, { description: 'Whether deliveries are made.' })
  enabled!: boolean;
  @Field(() => WebhookEndpointDisabledReason, { nullable: true, description: 'Why it is disabled.' })
  disabledReason!: WebhookEndpointDisabledReason | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was disabled.' })
  disabledAt!: Date | null;
  @Field(() => Int, { description: 'Failed attempts since the last success.' })
  consecutiveFailures!: number;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Until when the previous secret still signs (after a rotation).' })
  previousSecretExpiresAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When it last changed.' })
  updatedAt!: Date;
}

export function toWebhookEndpointType(e: WebhookEndpoint): WebhookEndpointType {
  return Object.assign(new WebhookEndpointType(), {
    id: encodeGlobalId('WebhookEndpoint', e.id), uuid: e.id, url: e.url, description: e.description ?? null,
    eventTypes: [...e.eventTypes], categories: [...e.categories] as EventCategory[], enabled: e.enabled,
    disabledReason: (e.disabledReason ?? null) as WebhookEndpointDisabledReason | null, disabledAt: e.disabledAt ?? null,
    consecutiveFailures: e.consecutiveFailures,
    previousSecretExpiresAt: e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date() ? e.previousSecretExpiresAt : null,
    createdAt: e.createdAt, updatedAt: e.updatedAt,
  });
}

@ObjectType('WebhookAttempt', { description: 'One HTTP attempt of a delivery.' })
export class WebhookAttemptType {
  @Field(() => Int, { description: '1 for the first attempt.' })
  number!: number;
  @Field(() => WebhookAttemptTrigger, { description: 'What caused it.' })
  trigger!: WebhookAttemptTrigger;
  @Field(() => Boolean, { description: 'True when the receiver answered 2xx.' })
  succeeded!: boolean;
  @Field(() => Int, { nullable: true, description: 'The HTTP status, when there was a response.' })
  statusCode!: number | null;
  @Field(() => Int, { description: 'Time to the full response (or the failure), in milliseconds.' })
  latencyMs!: number;
  @Field(() => String, { nullable: true, description: 'The first KiB of the response body.' })
  responseExcerpt!: string | null;
  @Field(() => String, { nullable: true, description: 'Why it failed (timeout, refused by the outbound policy, status, redirect not followed).' })
  error!: string | null;
  @Field(() => DateTimeScalar, { description: 'When it started.' })
  attemptedAt!: Date;
}

export function toWebhookAttemptType(a: WebhookAttempt): WebhookAttemptType {
  return Object.assign(new WebhookAttemptType(), {
    number: a.number, trigger: a.trigger as WebhookAttemptTrigger, succeeded: a.succeeded, statusCode: a.statusCode ?? null,
    latencyMs: a.latencyMs, responseExcerpt: a.responseExcerpt ?? null, error: a.error ?? null, attemptedAt: a.attemptedAt,
  });
}

@ObjectType('WebhookDelivery', { implements: NodeInterface, description: 'One event sent to one endpoint, with its attempts. Requires webhooks:read.' })
export class WebhookDeliveryType extends NodeInterface {
  uuid!: string;
  endpointUuid!: string;
  @Field(() => String, { description: 'The `webhook-id` header: the event id, identical on every attempt (receivers deduplicate on it).' })
  webhookId!: string;
  @Field(() => String, { description: 'Event type (Webhook.Test for test sends).' })
  eventType!: string;
  @Field(() => WebhookDeliveryStatus, { description: 'Where it stands.' })
  status!: WebhookDeliveryStatus;
  @Field(() => Int, { description: 'Attempts made.' })
  attemptCount!: number;
  @Field(() => Int, { nullable: true, description: 'Status code of the last attempt.' })
  lastStatusCode!: number | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last attempt started.' })
  lastAttemptAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it succeeded.' })
  succeededAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'When it was queued.' })
  createdAt!: Date;
}

export function toWebhookDeliveryType(d: WebhookDelivery): WebhookDeliveryType {
  return Object.assign(new WebhookDeliveryType(), {
    id: encodeGlobalId('WebhookDelivery', d.id), uuid: d.id, endpointUuid: d.endpoint, webhookId: d.eventId, eventType: d.eventType,
    status: d.status as WebhookDeliveryStatus, attemptCount: d.attemptCount, lastStatusCode: d.lastStatusCode ?? null,
    lastAttemptAt: d.lastAttemptAt ?? null, succeededAt: d.succeededAt ?? null, createdAt: d.createdAt,
  });
}

export const { Connection: WebhookEndpointConnection } = connectionTypes(WebhookEndpointType, 'WebhookEndpoint');
export const { Connection: WebhookDeliveryConnection } = connectionTypes(WebhookDeliveryType, 'WebhookDelivery');

@InputType('WebhookEndpointCreateInput', { description: 'A new webhook endpoint.' })
export class WebhookEndpointCreateInput {
  @Field(() => String, { description: 'Absolute http(s) URL, checked against the tenant\'s outbound policy now.' })
  url!: string;
  @Field(() => [String], { nullable: true, description: 'Event types to receive (names from eventTypes).' })
  eventTypes?: string[] | null;
  @Field(() => [EventCategory], { nullable: true, description: 'Categories to receive. With eventTypes empty too: every event.' })
  categories?: EventCategory[] | null;
  @Field(() => String, { nullable: true, description: 'Free text, up to 500 characters.' })
  description?: string | null;
}

@InputType('WebhookEndpointUpdateInput', { description: 'Changes to an endpoint; omitted fields stay as they are.' })
export class WebhookEndpointUpdateInput {
  @Field(() => String, { nullable: true, description: 'New URL (checked against the outbound policy).' })
  url?: string | null;
  @Field(() => [String], { nullable: true, description: 'New event types.' })
  eventTypes?: string[] | null;
  @Field(() => [EventCategory], { nullable: true, description: 'New categories.' })
  categories?: EventCategory[] | null;
  @Field(() => String, { nullable: true, description: 'New description.' })
  description?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'true re-enables a disabled endpoint (and resets its failure count); false disables it.' })
  enabled?: boolean | null;
}

@ObjectType('WebhookEndpointSecretPayload', { description: 'Result of webhookEndpointCreate and webhookEndpointSecretRotate.' })
export class WebhookEndpointSecretPayload {
  @Field(() => WebhookEndpointType, { nullable: true, description: 'The endpoint, unless userErrors is non-empty.' })
  endpoint!: WebhookEndpointType | null;
  @Field(() => String, { nullable: true, description: 'The signing secret (`whsec_…`), shown only in this payload: store it now.' })
  secret!: string | null;
  @Field(() => [WebhookUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: WebhookUserError[];
}

@ObjectType('WebhookEndpointPayload', { description: 'Result of webhookEndpointUpdate and webhookEndpointDisable.' })
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpointType, { nullable: true, description: 'The endpoint after the change, unless userErrors is non-empty.' })
  endpoint!: WebhookEndpointType | null;
  @Field(() => [WebhookUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: WebhookUserError[];
}

@ObjectType('WebhookEndpointDeletePayload', { description: 'Result of webhookEndpointDelete.' })
export class WebhookEndpointDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted endpoint, unless userErrors is non-empty.' })
  deletedEndpointId!: string | null;
  @Field(() => [WebhookUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: WebhookUserError[];
}

@ObjectType('WebhookDeliveryPayload', { description: 'Result of webhookEndpointTest and webhookDeliveryRedeliver.' })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDeliveryType, { nullable: true, description: 'The delivery (for a test send, with its one attempt already made).' })
  delivery!: WebhookDeliveryType | null;
  @Field(() => [WebhookUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: WebhookUserError[];
}
