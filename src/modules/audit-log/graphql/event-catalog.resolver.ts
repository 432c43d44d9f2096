import { Arg, Query, Resolver } from 'type-graphql';
import { EVENT_CATALOG_VERSION, EVENT_TYPES, type EventType } from '../../../events/event-names.js';
import { EventCategory, EventTypeInfo, toEventTypeInfo } from './event-catalog.type.js';

@Resolver()
export class EventCatalogResolver {
  @Query(() => [EventTypeInfo], { description: 'The closed catalog of event types (what webhooks and subscriptions can filter on), in catalog order. Needs only a valid management token.' })
  eventTypes(
    @Arg('category', () => EventCategory, { nullable: true, description: 'Only the types of this category.' }) category: EventCategory | null,
  ): EventTypeInfo[] {
    return (Object.keys(EVENT_TYPES) as EventType[]).map(toEventTypeInfo).filter((e) => !category || e.category === category);
  }

  @Query(() => String, { description: `Version (date) of the event catalog; it changes whenever a type is added (types are never renamed or removed). Currently ${EVENT_CATALOG_VERSION}. Needs only a valid management token.` })
  eventCatalogVersion(): string {
    return EVENT_CATALOG_VERSION;
  }
}
