import { Arg, Args, Authorized, Ctx, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ConnectionArgs, toConnection, toPageRequest } from '../../../graph/connection/connection.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import { decodeGlobalId } from '../../../graph/node/global-id.js';
import { requireScopes } from '../../../graph/auth-checker.js';
import type { RequestContext } from '../../../shared/request-context.js';
import type { PublishedEvent } from '../audit-log.service.js';
import {
  AuditEventConnection, AuditEventFilterInput, AuditEventSubscriptionFilter, AuditEventType, toAuditEventType,
} from './audit-event.type.js';

registerNodeType('AuditEvent', async (ctx, uuids) => {
  if (!ctx.scopes.has('audit:read')) return new Map();
  const rows = await ctx.services.auditLog.findByIds(ctx, uuids);
  return new Map(rows.map((r) => [r.id, toAuditEventType(r)]));
});

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @Authorized('audit:read')
  @Query(() => AuditEventConnection, { description: 'The current tenant\'s audit history, newest first. Requires audit:read.' })
  async auditEvents(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => AuditEventFilterInput, { nullable: true, description: 'Restrict by type, category, actor, target, request and time range.' }) filter: AuditEventFilterInput | null,
    @Ctx() ctx: RequestContext,
  ) {
    // A global id names a node: the rows store its raw id.
    const targetId = filter?.targetId ? decodeGlobalId(filter.targetId)?.uuid ?? filter.targetId : null;
    const page = await ctx.services.auditLog.list(ctx, { ...filter, targetId }, toPageRequest(args));
    return toConnection(page, toAuditEventType, (e) => ({ value: e.occurredAt.toISOString(), id: e.id }));
  }

  @Subscription(() => AuditEventType, {
    description: 'Every event recorded in the current tenant from now on, as it is committed (from any Signet process). Requires events:subscribe and audit:read.',
    subscribe: ({ args, context }) => {
      const ctx = context as RequestContext;
      requireScopes(ctx, ['events:subscribe', 'audit:read']);
      const types = (args.filter as AuditEventSubscriptionFilter | null)?.types;
      return ctx.services.eventBus.subscribe(ctx.tenant.id, (e) => !types?.length || types.includes(e.type));
    },
  })
  auditEventRecorded(
    @Root() event: PublishedEvent,
    @Arg('filter', () => AuditEventSubscriptionFilter, { nullable: true, description: 'Restrict by type.' }) _filter: AuditEventSubscriptionFilter | null,
  ): AuditEventType {
    return toAuditEventType(event);
  }
}
