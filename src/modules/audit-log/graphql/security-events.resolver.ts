import { GraphQLError } from 'graphql';
import { Arg, Field, FieldResolver, ID, InputType, Resolver, Root, Subscription } from 'type-graphql';
import { EVENT_TYPES, isEventType, severityRank, type EventSeverity as CatalogSeverity } from '../../../events/event-names.js';
import { requireScopes } from '../../../graph/auth-checker.js';
import { uuidOf } from '../../../graph/node/global-id.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { toPublishedEvent, type PublishedEvent } from '../audit-log.service.js';
import { AuditEventType, toAuditEventType } from './audit-event.type.js';
import { EventCategory, EventSeverity } from './event-catalog.type.js';

@InputType('SecurityEventFilter', { description: 'Which events to receive; every given condition must hold.' })
export class SecurityEventFilter {
  @Field(() => [String], { nullable: true, description: 'Only these event types (names from eventTypes).' })
  types?: string[] | null;
  @Field(() => [EventCategory], { nullable: true, description: 'Only these categories.' })
  categories?: EventCategory[] | null;
  @Field(() => EventSeverity, { nullable: true, description: 'Only events at least this severe.' })
  minSeverity?: EventSeverity | null;
}

const REPLAY_BATCH = 500;

function matcher(filter: SecurityEventFilter | null | undefined): (e: { type: string }) => boolean {
  const types = filter?.types?.length ? new Set(filter.types) : null;
  const categories = filter?.categories?.length ? new Set<string>(filter.categories) : null;
  const min = filter?.minSeverity ? severityRank(filter.minSeverity as CatalogSeverity) : 0;
  return (e) => {
    if (types && !types.has(e.type)) return false;
    if (!isEventType(e.type)) return !categories && min === 0;
    const meta = EVENT_TYPES[e.type] as { category: string; severity: CatalogSeverity };
    if (categories && !categories.has(meta.category)) return false;
    return severityRank(meta.severity) >= min;
  };
}

/**
 * Replays what a reconnecting client missed, then goes live, with no gap and no duplicate:
 * the live subscription is opened first (its events are buffered), history after the client's
 * last event is read by relay position under the relay lock (so everything already published is
 * committed and in it), then live events are passed on unless their position was delivered.
 * The same replay runs when this process' Redis connection comes back (`null` from the bus):
 * what was published while it was down is read from the history.
 */
async function* resumable(ctx: RequestContext, live: AsyncIterableIterator<PublishedEvent | null>, start: { afterSeq: number; replay: boolean }, match: (e: { type: string }) => boolean): AsyncGenerator<PublishedEvent> {
  let last = start.afterSeq;
  async function* replay() {
    for (;;) {
      const rows = await ctx.services.auditLog.relayedAfter(ctx, last, REPLAY_BATCH);
      for (const r of rows) {
        last = Math.max(last, Number(r.relaySeq));
        if (match(r)) yield toPublishedEvent(r);
      }
      if (rows.length < REPLAY_BATCH) return;
    }
  }
  try {
    if (start.replay) yield* replay();
    for (;;) {
      const { value, done } = await live.next();
      if (done) return;
      if (value === null) {
        yield* replay();
        continue;
      }
      if (value.seq !== undefined) {
        if (value.seq <= last) continue;
        last = value.seq;
      }
      yield value;
    }
  } finally {
    await live.return?.();
  }
}

/** A live stream of the events about one object (by type and target), resync-aware like securityEvents. */
async function objectEvents(ctx: RequestContext, scopes: string[], id: string, nodeType: string, types: readonly string[]) {
  requireScopes(ctx, ['events:subscribe', ...scopes]);
  const uuid = uuidOf(id, nodeType);
  if (!uuid) throw new GraphQLError(`id is not a ${nodeType} id`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' } });
  const match = (e: { type: string; targetId?: string | null }) => types.includes(e.type) && e.targetId === uuid;
  const start = { afterSeq: await ctx.services.auditLog.relayPosition(ctx), replay: false };
  const live = ctx.services.eventBus.subscribe(ctx.tenant.id, match, { resync: true });
  await ctx.services.eventBus.ready();
  return resumable(ctx, live, start, (e) => match(e as { type: string; targetId?: string | null }));
}

const WEBHOOK_ENDPOINT_EVENTS = ['Webhook.Endpoint.Updated', 'Webhook.Endpoint.Disabled', 'Webhook.Endpoint.Deleted', 'Webhook.Endpoint.Secret.Rotated'];
const USER_EVENTS = ['User.Updated', 'User.Suspended', 'User.Reactivated', 'User.Deleted', 'User.Password.Changed', 'User.Email.Verified', 'User.Locked', 'User.Activated', 'User.Invitation.Accepted'];
const CLIENT_EVENTS = ['Client.Updated', 'Client.Secret.Rotated', 'Client.Deleted'];

@Resolver(() => AuditEventType)
export class SecurityEventsResolver {
  @Subscription(() => AuditEventType, {
    description: 'Changes to one tenant (Tenant.Updated events about it), as they are committed. Requires events:subscribe and tenant:read.',
    subscribe: ({ args, context }) => objectEvents(context as RequestContext, ['tenant:read'], args.id as string, 'Tenant', ['Tenant.Updated']),
  })
  tenantUpdated(@Root() event: PublishedEvent, @Arg('id', () => ID, { description: 'The tenant.' }) _id: string): AuditEventType {
    return toAuditEventType(event);
  }

  @Subscription(() => AuditEventType, {
    description: `Changes to one user (${USER_EVENTS.join(', ')}), as they are committed. Requires events:subscribe and users:read.`,
    subscribe: ({ args, context }) => objectEvents(context as RequestContext, ['users:read'], args.id as string, 'User', USER_EVENTS),
  })
  userUpdated(@Root() event: PublishedEvent, @Arg('id', () => ID, { description: 'The user.' }) _id: string): AuditEventType {
    return toAuditEventType(event);
  }

  @Subscription(() => AuditEventType, {
    description: `Changes to one OAuth client (${CLIENT_EVENTS.join(', ')}). Requires events:subscribe and clients:read.`,
    subscribe: ({ args, context }) => objectEvents(context as RequestContext, ['clients:read'], args.id as string, 'Client', CLIENT_EVENTS),
  })
  clientUpdated(@Root() event: PublishedEvent, @Arg('id', () => ID, { description: 'The client.' }) _id: string): AuditEventType {
    return toAuditEventType(event);
  }

  @Subscription(() => AuditEventType, {
    description: `Changes to one webhook endpoint (${WEBHOOK_ENDPOINT_EVENTS.join(', ')}), including the worker disabling it. Requires events:subscribe and webhooks:read.`,
    subscribe: ({ args, context }) => objectEvents(context as RequestContext, ['webhooks:read'], args.id as string, 'WebhookEndpoint', WEBHOOK_ENDPOINT_EVENTS),
  })
  webhookEndpointUpdated(@Root() event: PublishedEvent, @Arg('id', () => ID, { description: 'The endpoint.' }) _id: string): AuditEventType {
    return toAuditEventType(event);
  }

  @Subscription(() => AuditEventType, {
    description: 'Live events of the current tenant, filtered by type, category and minimum severity, from any Signet process. Resumable: pass the id of the last event received as `afterEventId` and every event relayed since is replayed first (from the audit history), then live ones follow, with no gap and no duplicate. The socket closes with 4401 when the token expires. Requires events:subscribe.',
    subscribe: async ({ args, context }) => {
      const ctx = context as RequestContext;
      requireScopes(ctx, ['events:subscribe']);
      const filter = args.filter as SecurityEventFilter | null;
      const unknown = filter?.types?.find((t) => !isEventType(t));
      if (unknown) throw new GraphQLError(`unknown event type "${unknown.slice(0, 100)}"`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'filter' } });
      let afterSeq: number | null = null;
      if (args.afterEventId != null) {
        const uuid = uuidOf(args.afterEventId as string, 'AuditEvent');
        afterSeq = uuid ? await ctx.services.auditLog.relayPositionOf(ctx, uuid) : null;
        if (afterSeq === null) {
          throw new GraphQLError('afterEventId names no event of this tenant that can be resumed from', { extensions: { code: 'BAD_USER_INPUT', argumentName: 'afterEventId' } });
        }
      }
      const match = matcher(filter);
      // A fresh subscription starts at the current relay position, read before going live (an
      // event published in between is both after it and received live: delivered once).
      const start = afterSeq === null ? { afterSeq: await ctx.services.auditLog.relayPosition(ctx), replay: false } : { afterSeq, replay: true };
      const live = ctx.services.eventBus.subscribe(ctx.tenant.id, match, { resync: true });
      await ctx.services.eventBus.ready();
      return resumable(ctx, live, start, match);
    },
  })
  securityEvents(
    @Root() event: PublishedEvent,
    @Arg('filter', () => SecurityEventFilter, { nullable: true, description: 'Which events; all of the tenant\'s when omitted.' }) _filter: SecurityEventFilter | null,
    @Arg('afterEventId', () => ID, { nullable: true, description: 'Resume after this event (the `id` of the last event received).' }) _after: string | null,
  ): AuditEventType {
    return toAuditEventType(event);
  }

  @FieldResolver(() => EventCategory, { nullable: true, description: 'The category of the event type (from the catalog).' })
  category(@Root() e: AuditEventType): EventCategory | null {
    return isEventType(e.type) ? (EVENT_TYPES[e.type].category as EventCategory) : null;
  }

  @FieldResolver(() => EventSeverity, { nullable: true, description: 'The severity of the event type (from the catalog).' })
  severity(@Root() e: AuditEventType): EventSeverity | null {
    return isEventType(e.type) ? (EVENT_TYPES[e.type].severity as EventSeverity) : null;
  }
}
