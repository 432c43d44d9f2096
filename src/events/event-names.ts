/**
 * The closed catalog of event types, named `Area.Thing.PastTense`. Adding a type is an additive
 * change; renaming or removing one is breaking (webhook consumers and subscriptions filter on it).
 */
export const EVENT_CATEGORIES = ['authentication', 'mfa', 'users', 'administration', 'security', 'organizations'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];
export type EventSeverity = 'info' | 'notice' | 'warning' | 'critical';

export const EVENT_TYPES = {
  'Tenant.Created': { category: 'administration', severity: 'notice', description: 'A tenant was created.' },
  'Tenant.Updated': { category: 'administration', severity: 'info', description: 'A tenant\'s settings changed.' },
  'Tenant.Deleted': { category: 'administration', severity: 'warning', description: 'A tenant and everything it owned was deleted.' },
  'Client.Created': { category: 'administration', severity: 'notice', description: 'An OAuth client was registered.' },
  'Client.Secret.Rotated': { category: 'security', severity: 'notice', description: 'A client secret was replaced.' },
  'SigningKey.Created': { category: 'security', severity: 'info', description: 'A signing key was generated for a tenant.' },
  'SigningKey.Rotated': { category: 'security', severity: 'notice', description: 'A tenant\'s active signing key changed.' },
} as const satisfies Record<string, { category: EventCategory; severity: EventSeverity; description: string }>;

export type EventType = keyof typeof EVENT_TYPES;

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, value);
}
