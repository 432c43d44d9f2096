import { Field, ObjectType, registerEnumType } from 'type-graphql';
import {
  EVENT_CATEGORY_DESCRIPTIONS, EVENT_TYPES, type EventCategory as CatalogCategory, type EventSeverity as CatalogSeverity, type EventType,
} from '../../../events/event-names.js';

export enum EventCategory {
  AUTHENTICATION = 'authentication',
  MFA = 'mfa',
  USERS = 'users',
  ADMINISTRATION = 'administration',
  SECURITY = 'security',
  ORGANIZATIONS = 'organizations',
  VAULT = 'vault',
  WALLET = 'wallet',
  CHAIN = 'chain',
  SSO = 'sso',
  COMMERCE = 'commerce',
}
registerEnumType(EventCategory, {
  name: 'EventCategory',
  description: 'The categories of the event catalog.',
  valuesConfig: Object.fromEntries(Object.entries(EventCategory).map(([k, v]) => [k, { description: EVENT_CATEGORY_DESCRIPTIONS[v] }])),
});

export enum EventSeverity {
  INFO = 'info',
  NOTICE = 'notice',
  WARNING = 'warning',
  CRITICAL = 'critical',
}
registerEnumType(EventSeverity, {
  name: 'EventSeverity',
  description: 'How much an event matters, from least (INFO) to most (CRITICAL) severe.',
  valuesConfig: {
    INFO: { description: 'Routine activity.' },
    NOTICE: { description: 'A notable change worth reviewing (configuration, credentials).' },
    WARNING: { description: 'A failure or a risky situation.' },
    CRITICAL: { description: 'A probable attack or a security-relevant failure that needs action.' },
  },
});

@ObjectType('EventTypeInfo', { description: 'One entry of the closed event catalog.' })
export class EventTypeInfo {
  @Field(() => String, { description: 'The type, `Area.Thing.PastTense` (e.g. User.Created).' })
  name!: string;
  @Field(() => String, { description: 'What happened when an event of this type is recorded.' })
  description!: string;
  @Field(() => EventCategory, { description: 'Its category.' })
  category!: EventCategory;
  @Field(() => EventSeverity, { description: 'Its severity.' })
  severity!: EventSeverity;
}

export function toEventTypeInfo(name: EventType): EventTypeInfo {
  const e = EVENT_TYPES[name] as { category: CatalogCategory; severity: CatalogSeverity; description: string };
  return Object.assign(new EventTypeInfo(), {
    name, description: e.description, category: e.category as EventCategory, severity: e.severity as EventSeverity,
  });
}
