import { Arg, Authorized, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { AuditLogError } from '../audit-log.errors.js';
import { AuditLogUserError, auditLogUserError } from './audit-export.types.js';

@ObjectType('AuditLogRetention', { description: 'How long the tenant\'s audit history is kept.' })
export class AuditLogRetentionType {
  @Field(() => Int, { description: 'Days a relayed event is kept before the expiry sweep purges it.' })
  days!: number;
  @Field(() => Boolean, { description: 'True when the platform default (SIGNET_AUDIT_RETENTION_DAYS) applies.' })
  isDefault!: boolean;
}

@ObjectType('AuditLogRetentionSetPayload', { description: 'Result of auditLogRetentionSet.' })
export class AuditLogRetentionSetPayload {
  @Field(() => AuditLogRetentionType, { nullable: true, description: 'The retention now in force, unless userErrors is non-empty.' })
  retention!: AuditLogRetentionType | null;
  @Field(() => [AuditLogUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: AuditLogUserError[];
}

@Resolver()
export class AuditRetentionResolver {
  @Authorized('audit:read')
  @Query(() => AuditLogRetentionType, { description: 'How long the current tenant\'s audit history is kept. Requires audit:read.' })
  async auditLogRetention(@Ctx() ctx: RequestContext): Promise<AuditLogRetentionType> {
    return Object.assign(new AuditLogRetentionType(), await ctx.services.auditRetention.get(ctx));
  }

  @Authorized('tenant:write')
  @Mutation(() => AuditLogRetentionSetPayload, { description: 'Sets how many days the current tenant\'s audit history is kept (1-36500), or back to the platform default with null. Requires tenant:write. Emits AuditLog.Retention.Updated.' })
  async auditLogRetentionSet(
    @Arg('days', () => Int, { nullable: true, description: 'Days; null for the platform default.' }) days: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AuditLogRetentionSetPayload> {
    const r = await withUserErrors(() => ctx.services.auditRetention.set(ctx, days), AuditLogError, auditLogUserError);
    return Object.assign(new AuditLogRetentionSetPayload(), {
      retention: r.result ? Object.assign(new AuditLogRetentionType(), r.result) : null, userErrors: r.userErrors,
    });
  }
}
