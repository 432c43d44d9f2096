import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../../shared/request-context.js';
import { ActorKind } from '../../audit-log/graphql/audit-event.type.js';
import { TenantType, toTenantType } from '../../tenant/graphql/tenant.type.js';
import { tenantById } from '../../tenant/graphql/tenant.loader.js';
import { ViewerType } from './viewer.type.js';

/**
 * The caller's scopes, sorted once per verified token: the verifier keeps one principal (and its
 * scope set) per token until it expires, so every `viewer` with that token reuses this list.
 */
const sortedScopes = new WeakMap<ReadonlySet<string>, readonly string[]>();
function scopeList(scopes: ReadonlySet<string>): string[] {
  let list = sortedScopes.get(scopes);
  if (!list) sortedScopes.set(scopes, (list = Object.freeze([...scopes].sort())));
  return list as string[];
}

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
      scopes: scopeList(ctx.scopes),
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
