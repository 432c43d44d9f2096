import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../../shared/request-context.js';
import { ActorKind } from '../../audit-log/graphql/audit-event.type.js';
import { TenantType, toTenantType } from '../../tenant/graphql/tenant.type.js';
import { tenantById } from '../../tenant/graphql/tenant.loader.js';
import { ViewerType } from './viewer.type.js';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Query(() => ViewerType, { description: 'Who is calling, with which scopes, in which tenant. Needs only a valid management token.' })
  viewer(@Ctx() ctx: RequestContext): ViewerType {
    return Object.assign(new ViewerType(), {
      homeTenantId: ctx.credential.homeTenantId,
      tenantId: ctx.tenant.id,
      kind: ctx.actor.kind === 'user' ? ActorKind.USER : ActorKind.CLIENT,
      subject: ctx.actor.id,
      clientId: ctx.actor.clientId ?? ctx.actor.id,
      scopes: [...ctx.scopes].sort(),
      tokenExpiresAt: new Date(ctx.credential.expiresAt * 1000),
    });
  }

  @FieldResolver(() => TenantType, { description: 'The tenant that issued the token.' })
  async homeTenant(@Root() v: ViewerType, @Ctx() ctx: RequestContext): Promise<TenantType> {
    return toTenantType(await tenantById(ctx).load(v.homeTenantId));
  }

  @FieldResolver(() => TenantType, { description: 'The tenant being acted in (differs from homeTenant when a platform operator sends Signet-Tenant).' })
  async tenant(@Root() v: ViewerType, @Ctx() ctx: RequestContext): Promise<TenantType> {
    return toTenantType(await tenantById(ctx).load(v.tenantId));
  }
}
