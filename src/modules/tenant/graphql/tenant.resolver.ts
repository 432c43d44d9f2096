import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, toConnection, toPageRequest } from '../../../graph/connection/connection.js';
import { OrderDirection } from '../../../graph/connection/order-direction.js';
import { encodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { SigningKeyType, toSigningKeyType } from '../../signing-key/graphql/signing-key.type.js';
import { signingKeysByTenant } from '../../signing-key/graphql/signing-key.loader.js';
import { Tenant } from '../tenant.entity.js';
import { TenantError, TenantErrorCode } from '../tenant.errors.js';
import { TenantConnection, TenantOrder, TenantOrderField } from './tenant-connection.type.js';
import {
  TenantCreateInput, TenantCreatePayload, TenantDeletePayload, TenantUpdateInput, TenantUpdatePayload, tenantUserError,
} from './tenant-mutations.types.js';
import { TenantType, toTenantType } from './tenant.type.js';
import { registrationStepsFromInput, TenantSettingsType, TenantSettingsUpdateInput, TenantSettingsUpdatePayload, toTenantSettings } from './tenant-settings.types.js';
import { tenantById } from './tenant.loader.js';

registerNodeType('Tenant', async (ctx, uuids) => {
  const out = new Map<string, object>();
  for (const id of uuids) {
    const t = await ctx.services.tenants.findById(ctx, id);
    if (t) out.set(id, toTenantType(t));
  }
  return out;
});

const notFound = () => new TenantError(TenantErrorCode.NOT_FOUND, 'tenant not found', ['id']);

@Resolver(() => TenantType)
export class TenantResolver {
  @Authorized('tenant:read')
  @Query(() => TenantType, { description: 'The tenant the caller acts in (from the token, or Signet-Tenant for platform operators). Requires tenant:read.' })
  async currentTenant(@Ctx() ctx: RequestContext): Promise<TenantType> {
    return toTenantType(await ctx.services.tenants.current(ctx));
  }

  @Authorized('platform:admin')
  @Query(() => TenantConnection, { description: 'Every tenant. Requires platform:admin (system tenant).' })
  async tenants(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => TenantOrder, { nullable: true, defaultValue: { field: TenantOrderField.CREATED_AT, direction: OrderDirection.ASC }, description: 'Ordering (default: oldest first).' }) orderBy: TenantOrder,
    @Ctx() ctx: RequestContext,
  ) {
    const page = await ctx.services.tenants.list(ctx, { field: orderBy.field, direction: orderBy.direction }, toPageRequest(args));
    const value = (t: Tenant) => (orderBy.field === TenantOrderField.SLUG ? t.slug : t.createdAt.toISOString());
    return toConnection(page, toTenantType, (t) => ({ value: value(t), id: t.id }));
  }

  @Authorized('platform:admin')
  @Query(() => TenantType, { nullable: true, description: 'A tenant by slug. Requires platform:admin.' })
  async tenant(@Arg('slug', () => String) slug: string, @Ctx() ctx: RequestContext): Promise<TenantType | null> {
    const t = await ctx.services.tenants.findBySlug(ctx, slug);
    return t ? toTenantType(t) : null;
  }

  @Authorized('platform:admin')
  @Mutation(() => TenantCreatePayload, { description: 'Creates a tenant with its signing keys (ES256, RS256) and, by default, a management client. Requires platform:admin. Emits Tenant.Created.' })
  async tenantCreate(@Arg('input', () => TenantCreateInput) input: TenantCreateInput, @Ctx() ctx: RequestContext): Promise<TenantCreatePayload> {
    const r = await withUserErrors(() => ctx.services.tenants.create(ctx, input), TenantError, tenantUserError);
    return Object.assign(new TenantCreatePayload(), {
      tenant: r.result ? toTenantType(r.result.tenant) : null,
      managementClient: r.result?.managementClient ? { clientId: r.result.managementClient.clientId, plaintextSecret: r.result.managementClient.clientSecret } : null,
      userErrors: r.userErrors,
    });
  }

  @Authorized('tenant:write')
  @Mutation(() => TenantUpdatePayload, { description: 'Changes a tenant\'s settings: the caller\'s own tenant, or any with platform:admin. Requires tenant:write. Emits Tenant.Updated.' })
  async tenantUpdate(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => TenantUpdateInput) input: TenantUpdateInput,
    @Ctx() ctx: RequestContext,
  ): Promise<TenantUpdatePayload> {
    const r = await withUserErrors(async () => {
      const uuid = uuidOf(id, 'Tenant');
      if (!uuid) throw notFound();
      return ctx.services.tenants.update(ctx, uuid, input);
    }, TenantError, tenantUserError);
    return Object.assign(new TenantUpdatePayload(), { tenant: r.result ? toTenantType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('platform:admin')
  @Mutation(() => TenantDeletePayload, { description: 'Deletes a tenant and everything it owns (users, clients, keys, sessions, audit history). The system tenant cannot be deleted. Requires platform:admin. Emits Tenant.Deleted.' })
  async tenantDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<TenantDeletePayload> {
    const r = await withUserErrors(async () => {
      const uuid = uuidOf(id, 'Tenant');
      if (!uuid) throw notFound();
      return ctx.services.tenants.delete(ctx, uuid);
    }, TenantError, tenantUserError);
    return Object.assign(new TenantDeletePayload(), { deletedTenantId: r.result ? encodeGlobalId('Tenant', r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('tenant:write')
  @Mutation(() => TenantSettingsUpdatePayload, { description: 'Changes the current tenant\'s sign-in settings: session lifetime, password policy, self-registration and its steps, allowed first and second factors, MFA policy, lockout, WebAuthn relying party. Requires tenant:write. Emits Tenant.Updated.' })
  async tenantSettingsUpdate(@Arg('input', () => TenantSettingsUpdateInput) input: TenantSettingsUpdateInput, @Ctx() ctx: RequestContext): Promise<TenantSettingsUpdatePayload> {
    const r = await withUserErrors(() => ctx.services.tenants.updateSettings(ctx, {
      ...input, registrationSteps: input.registrationSteps ? registrationStepsFromInput(input.registrationSteps) : null,
    }), TenantError, tenantUserError);
    return Object.assign(new TenantSettingsUpdatePayload(), { tenant: r.result ? toTenantType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('tenant:read')
  @FieldResolver(() => TenantSettingsType, { description: 'Sign-in settings: session lifetime, password policy, self-registration, authentication methods. Requires tenant:read.' })
  async settings(@Root() t: TenantType, @Ctx() ctx: RequestContext): Promise<TenantSettingsType> {
    return toTenantSettings(await tenantById(ctx).load(t.uuid));
  }

  @FieldResolver(() => String, { description: 'The issuer identifier, `${PUBLIC_URL}/t/{slug}`.' })
  issuer(@Root() t: TenantType, @Ctx() ctx: RequestContext): string {
    return ctx.services.issuerUrl(t.slug);
  }

  @Authorized('keys:read')
  @FieldResolver(() => [SigningKeyType], { description: 'Published signing keys (active, next, retired), newest first. Requires keys:read.' })
  async signingKeys(@Root() t: TenantType, @Ctx() ctx: RequestContext): Promise<SigningKeyType[]> {
    return (await signingKeysByTenant(ctx).load(t.uuid)).map(toSigningKeyType);
  }
}

@Resolver(() => TenantConnection)
export class TenantConnectionResolver {
  @Authorized('platform:admin')
  @FieldResolver(() => Int, { description: 'Total number of tenants (cheap: one count). Requires platform:admin.' })
  async totalCount(@Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.tenants.count(ctx);
  }
}
