import { isEventCategory, EVENT_TYPES, isEventType } from '../../events/event-names.js';
import type { PublishedEvent } from '../audit-log/index.js';

/**
 * The JSON body of a webhook message (Standard Webhooks' `{type, timestamp, data}` envelope).
 * Built only from the event row, so every attempt of a delivery sends the same bytes.
 */
export function webhookBody(e: PublishedEvent): string {
  return JSON.stringify({
    type: e.type,
    timestamp: e.occurredAt,
    data: {
      id: e.id, type: e.type, occurredAt: e.occurredAt, tenantId: e.tenantId,
      actor: { kind: e.actorKind, id: e.actorId, clientId: e.actorClientId },
      target: e.targetType ? { type: e.targetType, id: e.targetId } : null,
      requestId: e.requestId, payload: e.payload,
    },
  });
}

/** Whether an endpoint subscribed to (types, categories) wants events of `type`; both empty = everything. */
export function endpointWants(endpoint: { eventTypes: readonly string[]; categories: readonly string[] }, type: string): boolean {
  if (!endpoint.eventTypes.length && !endpoint.categories.length) return true;
  if (endpoint.eventTypes.includes(type)) return true;
  if (!isEventType(type)) return false;
  const cat: string = EVENT_TYPES[type].category;
  return endpoint.categories.some((c) => isEventCategory(c) && c === cat);
}
