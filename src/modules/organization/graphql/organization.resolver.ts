import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, toConnection, toPageRequest } from '../../../graph/connection/connection.js';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import { encodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { mutationPayload, PermissionSourceType, roleById, RoleType, toRoleType } from '../../rbac/index.js';
import { toUserType, UserType } from '../../user/graphql/user.type.js';
import { OrganizationError, OrganizationErrorCode as Code } from '../organization.errors.js';
import { membershipsByUser, organizationById, roleIdsByMember } from './organization.loader.js';
import {
  OrganizationConnection, OrganizationCreateInput, OrganizationDomainAddInput, OrganizationDomainType, OrganizationInvitationAcceptInput,
  OrganizationInvitationCreateInput, OrganizationInvitationCreatePayload, OrganizationInvitationType, OrganizationMemberAddInput, OrganizationMemberConnection,
  OrganizationMemberInput, OrganizationMemberRolesSetInput, OrganizationMemberType, OrganizationOwnershipAcceptInput, OrganizationOwnershipOfferInput,
  OrganizationType, OrganizationUpdateInput, OrganizationUserError, organizationUserError, toDomainType, toInvitationType, toOrganizationMemberType,
  toOrganizationType,
} from './organization.types.js';

registerNodeType('Organization', async (ctx, uuids) => {
  const out = new Map<string, object>();
  if (!ctx.scopes.has('organizations:read')) return out;
  for (const o of await ctx.services.organizations.findByIds(ctx, uuids)) out.set(o.id, toOrganizationType(o));
  return out;
});

function idOf(id: string | null | undefined, type: string, field: string[]): string {
  const u = id ? uuidOf(id, type) : null;
  if (u) return u;
  switch (type) {
    case 'User': throw new OrganizationError(Code.USER_NOT_FOUND, 'user not found', field);
    case 'Role': throw new OrganizationError(Code.ROLE_NOT_FOUND, 'a role does not exist', field);
    case 'OrganizationInvitation': throw new OrganizationError(Code.INVITATION_NOT_FOUND, 'invitation not found', field);
    case 'OrganizationDomain': throw new OrganizationError(Code.DOMAIN_NOT_FOUND, 'domain not found', field);
    default: throw new OrganizationError(Code.NOT_FOUND, 'organization not found', field);
  }
}
const roleIds = (ids: string[] | null | undefined) => (ids ?? []).map((r) => idOf(r, 'Role', ['input', 'roleIds']));

const P = (m: string, f: string, t: () => typeof OrganizationType | typeof OrganizationMemberType | typeof OrganizationInvitationType | typeof OrganizationDomainType | typeof ID, d: string) =>
  mutationPayload(m, f, t as never, OrganizationUserError, d);
const OrganizationCreatePayload = P('organizationCreate', 'organization', () => OrganizationType, 'The new organization, unless userErrors is non-empty.');
const OrganizationUpdatePayload = P('organizationUpdate', 'organization', () => OrganizationType, 'The organization after the change.');
const OrganizationDeletePayload = P('organizationDelete', 'deletedOrganizationId', () => ID, 'Global id of the deleted organization.');
const OrganizationMemberAddPayload = P('organizationMemberAdd', 'member', () => OrganizationMemberType, 'The new membership.');
const OrganizationMemberRemovePayload = P('organizationMemberRemove', 'organization', () => OrganizationType, 'The organization.');
const OrganizationMemberRolesSetPayload = P('organizationMemberRolesSet', 'member', () => OrganizationMemberType, 'The membership after the change.');
const OrganizationInvitationAcceptPayload = P('organizationInvitationAccept', 'invitation', () => OrganizationInvitationType, 'The accepted invitation.');
const OrganizationInvitationRevokePayload = P('organizationInvitationRevoke', 'invitation', () => OrganizationInvitationType, 'The revoked invitation.');
const OrganizationDomainAddPayload = P('organizationDomainAdd', 'domain', () => OrganizationDomainType, 'The claimed domain with the TXT record to publish.');
const OrganizationDomainVerifyPayload = P('organizationDomainVerify', 'domain', () => OrganizationDomainType, 'The verified domain.');
const OrganizationDomainRemovePayload = P('organizationDomainRemove', 'deletedDomainId', () => ID, 'Global id of the removed domain.');
const OrganizationOwnershipOfferPayload = P('organizationOwnershipOffer', 'organization', () => OrganizationType, 'The organization with its pending owner.');
const OrganizationOwnershipAcceptPayload = P('organizationOwnershipAccept', 'organization', () => OrganizationType, 'The organization with its new owner.');

async function run<R>(fn: () => Promise<R>, field: string, map: (r: R) => unknown): Promise<Record<string, unknown>> {
  const r = await withUserErrors(fn, OrganizationError, organizationUserError);
  return { [field]: r.result !== undefined ? map(r.result) : null, userErrors: r.userErrors };
}

@Resolver(() => OrganizationType)
export class OrganizationResolver {
  @Authorized('organizations:read')
  @Query(() => OrganizationConnection, { description: 'The tenant\'s organizations, oldest first. Requires organizations:read.' })
  async organizations(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.organizations.list(ctx, toPageRequest(args));
    return toConnection(page, toOrganizationType, (o) => ({ value: o.createdAt.toISOString(), id: o.id }));
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationCreatePayload, { description: 'Creates an organization, optionally with an owner (who becomes its first member). Requires organizations:write. Emits Organization.Created and Organization.Member.Added.' })
  organizationCreate(@Arg('input', () => OrganizationCreateInput) input: OrganizationCreateInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.create(ctx, { ...input, ownerId: input.ownerId ? idOf(input.ownerId, 'User', ['input', 'ownerId']) : null }), 'organization', toOrganizationType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationUpdatePayload, { description: 'Renames an organization or changes its description. Requires organizations:write. Emits Organization.Updated.' })
  organizationUpdate(@Arg('id', () => ID) id: string, @Arg('input', () => OrganizationUpdateInput) input: OrganizationUpdateInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.update(ctx, idOf(id, 'Organization', ['id']), input), 'organization', toOrganizationType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationDeletePayload, { description: 'Deletes an organization with its memberships, invitations and domains. Requires organizations:write. Emits Organization.Deleted.' })
  organizationDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.delete(ctx, idOf(id, 'Organization', ['id'])), 'deletedOrganizationId', (u) => encodeGlobalId('Organization', u));
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationMemberAddPayload, { description: 'Adds a user to an organization with roles there. Requires organizations:write. Emits Organization.Member.Added.' })
  organizationMemberAdd(@Arg('input', () => OrganizationMemberAddInput) input: OrganizationMemberAddInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.memberAdd(ctx, {
      organizationId: idOf(input.organizationId, 'Organization', ['input', 'organizationId']), userId: idOf(input.userId, 'User', ['input', 'userId']), roleIds: roleIds(input.roleIds),
    }), 'member', toOrganizationMemberType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationMemberRemovePayload, { description: 'Removes a member (not the owner). Requires organizations:write. Emits Organization.Member.Removed.' })
  organizationMemberRemove(@Arg('input', () => OrganizationMemberInput) input: OrganizationMemberInput, @Ctx() ctx: RequestContext) {
    return run(async () => {
      const orgId = idOf(input.organizationId, 'Organization', ['input', 'organizationId']);
      await ctx.services.organizations.memberRemove(ctx, { organizationId: orgId, userId: idOf(input.userId, 'User', ['input', 'userId']) });
      return (await ctx.services.organizations.findByIds(ctx, [orgId]))[0]!;
    }, 'organization', toOrganizationType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationMemberRolesSetPayload, { description: 'Replaces a member\'s roles in the organization. Requires organizations:write. Emits Organization.Member.Role.Changed.' })
  organizationMemberRolesSet(@Arg('input', () => OrganizationMemberRolesSetInput) input: OrganizationMemberRolesSetInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.memberRolesSet(ctx, {
      organizationId: idOf(input.organizationId, 'Organization', ['input', 'organizationId']), userId: idOf(input.userId, 'User', ['input', 'userId']), roleIds: roleIds(input.roleIds),
    }), 'member', toOrganizationMemberType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationInvitationCreatePayload, { description: 'Invites an email address to join with roles, valid for a limited time. The token is returned once in the payload (no mail is sent). Requires organizations:write. Emits Organization.Invitation.Created.' })
  async organizationInvitationCreate(@Arg('input', () => OrganizationInvitationCreateInput) input: OrganizationInvitationCreateInput, @Ctx() ctx: RequestContext): Promise<OrganizationInvitationCreatePayload> {
    const r = await withUserErrors(() => ctx.services.organizations.invitationCreate(ctx, {
      ...input, organizationId: idOf(input.organizationId, 'Organization', ['input', 'organizationId']), roleIds: roleIds(input.roleIds),
    }), OrganizationError, organizationUserError);
    return Object.assign(new OrganizationInvitationCreatePayload(), {
      invitation: r.result ? toInvitationType(r.result.invitation) : null, plaintextToken: r.result?.token ?? null, userErrors: r.userErrors,
    });
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationInvitationAcceptPayload, { description: 'Accepts an invitation for the user with the invited email: they join with the invited roles. Requires organizations:write. Emits Organization.Invitation.Accepted and Organization.Member.Added.' })
  organizationInvitationAccept(@Arg('input', () => OrganizationInvitationAcceptInput) input: OrganizationInvitationAcceptInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.invitationAccept(ctx, { token: input.token, userId: idOf(input.userId, 'User', ['input', 'userId']) }), 'invitation', toInvitationType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationInvitationRevokePayload, { description: 'Revokes a pending invitation. Requires organizations:write. Emits Organization.Invitation.Revoked.' })
  organizationInvitationRevoke(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.invitationRevoke(ctx, idOf(id, 'OrganizationInvitation', ['id'])), 'invitation', toInvitationType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationDomainAddPayload, { description: 'Claims a domain for an organization and returns the DNS TXT record to publish. Requires organizations:write. Emits Organization.Domain.Added.' })
  organizationDomainAdd(@Arg('input', () => OrganizationDomainAddInput) input: OrganizationDomainAddInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.domainAdd(ctx, { organizationId: idOf(input.organizationId, 'Organization', ['input', 'organizationId']), domain: input.domain }), 'domain', toDomainType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationDomainVerifyPayload, { description: 'Marks a domain verified once an operator has checked its TXT record (Signet makes no DNS queries). Requires organizations:write. Emits Organization.Domain.Verified.' })
  organizationDomainVerify(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.domainVerify(ctx, idOf(id, 'OrganizationDomain', ['id'])), 'domain', toDomainType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationDomainRemovePayload, { description: 'Removes a domain from an organization. Requires organizations:write. Emits Organization.Domain.Removed.' })
  organizationDomainRemove(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.domainRemove(ctx, idOf(id, 'OrganizationDomain', ['id'])), 'deletedDomainId', (u) => encodeGlobalId('OrganizationDomain', u));
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationOwnershipOfferPayload, { description: 'Step one of an ownership transfer: offers ownership to a member (with a user token, only the current owner may). Requires organizations:write. Emits Organization.Ownership.Offered.' })
  organizationOwnershipOffer(@Arg('input', () => OrganizationOwnershipOfferInput) input: OrganizationOwnershipOfferInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.ownershipOffer(ctx, {
      organizationId: idOf(input.organizationId, 'Organization', ['input', 'organizationId']), newOwnerId: idOf(input.newOwnerId, 'User', ['input', 'newOwnerId']),
    }), 'organization', toOrganizationType);
  }

  @Authorized('organizations:write')
  @Mutation(() => OrganizationOwnershipAcceptPayload, { description: 'Step two of an ownership transfer: the offered member accepts and becomes owner (with a user token, only that member may). Requires organizations:write. Emits Organization.Ownership.Transferred.' })
  organizationOwnershipAccept(@Arg('input', () => OrganizationOwnershipAcceptInput) input: OrganizationOwnershipAcceptInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.organizations.ownershipAccept(ctx, {
      organizationId: idOf(input.organizationId, 'Organization', ['input', 'organizationId']), userId: idOf(input.userId, 'User', ['input', 'userId']),
    }), 'organization', toOrganizationType);
  }

  @Authorized('users:read')
  @FieldResolver(() => UserType, { nullable: true, description: 'The owner. Requires organizations:read and users:read.' })
  async owner(@Root() o: OrganizationType, @Ctx() ctx: RequestContext): Promise<UserType | null> {
    if (!o.ownerId) return null;
    const u = (await ctx.services.rbac.findUsers(ctx, [o.ownerId]))[0];
    return u ? toUserType(u) : null;
  }

  @Authorized('users:read')
  @FieldResolver(() => UserType, { nullable: true, description: 'The member ownership was offered to, until they accept. Requires organizations:read and users:read.' })
  async pendingOwner(@Root() o: OrganizationType, @Ctx() ctx: RequestContext): Promise<UserType | null> {
    if (!o.pendingOwnerId) return null;
    const u = (await ctx.services.rbac.findUsers(ctx, [o.pendingOwnerId]))[0];
    return u ? toUserType(u) : null;
  }

  @FieldResolver(() => OrganizationMemberConnection, { description: 'Members, oldest first. Requires organizations:read.' })
  async members(@Root() o: OrganizationType, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.organizations.members(ctx, o.uuid, toPageRequest(args));
    return toConnection(page, toOrganizationMemberType, (m) => ({ value: m.createdAt.toISOString(), id: m.id }));
  }

  @FieldResolver(() => [OrganizationInvitationType], { description: 'The 100 most recent invitations, newest first. Requires organizations:read.' })
  async invitations(@Root() o: OrganizationType, @Ctx() ctx: RequestContext): Promise<OrganizationInvitationType[]> {
    return (await ctx.services.organizations.invitations(ctx, o.uuid)).map(toInvitationType);
  }

  @FieldResolver(() => [OrganizationDomainType], { description: 'Claimed domains, verified or not. Requires organizations:read.' })
  async domains(@Root() o: OrganizationType, @Ctx() ctx: RequestContext): Promise<OrganizationDomainType[]> {
    return (await ctx.services.organizations.domains(ctx, o.uuid)).map(toDomainType);
  }
}

@Resolver(() => OrganizationMemberType)
export class OrganizationMemberResolver {
  @Authorized('users:read')
  @FieldResolver(() => UserType, { nullable: true, description: 'The member. Requires organizations:read and users:read.' })
  async user(@Root() m: OrganizationMemberType, @Ctx() ctx: RequestContext): Promise<UserType | null> {
    const u = (await ctx.services.rbac.findUsers(ctx, [m.userId]))[0];
    return u ? toUserType(u) : null;
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: 'The organization. Requires organizations:read.' })
  async organization(@Root() m: OrganizationMemberType, @Ctx() ctx: RequestContext): Promise<OrganizationType | null> {
    const o = await organizationById(ctx).load(m.organizationUuid);
    return o ? toOrganizationType(o) : null;
  }

  @Authorized('roles:read')
  @FieldResolver(() => [RoleType], { description: 'The member\'s roles in this organization (they appear as org_roles in tokens for it). Requires organizations:read and roles:read.' })
  async roles(@Root() m: OrganizationMemberType, @Ctx() ctx: RequestContext): Promise<RoleType[]> {
    const ids = await roleIdsByMember(ctx).load(m.uuid);
    const roles = await roleById(ctx).loadMany(ids);
    return roles.filter((r): r is Exclude<typeof r, Error | null> => r !== null && !(r instanceof Error)).map((r) => toRoleType(r)).sort((a, b) => a.name.localeCompare(b.name));
  }
}

@Resolver(() => OrganizationInvitationType)
export class OrganizationInvitationResolver {
  @Authorized('roles:read')
  @FieldResolver(() => [RoleType], { description: 'Roles the member gets on acceptance. Requires organizations:read and roles:read.' })
  async roles(@Root() i: OrganizationInvitationType, @Ctx() ctx: RequestContext): Promise<RoleType[]> {
    const roles = await roleById(ctx).loadMany(i.roleIds);
    return roles.filter((r): r is Exclude<typeof r, Error | null> => r !== null && !(r instanceof Error)).map((r) => toRoleType(r));
  }
}

@Resolver(() => UserType)
export class UserOrganizationsResolver {
  @Authorized('organizations:read')
  @FieldResolver(() => [OrganizationMemberType], { description: 'The user\'s organization memberships (with roles per organization), oldest first; batched across users. Requires users:read and organizations:read.' })
  async organizations(@Root() u: UserType, @Ctx() ctx: RequestContext): Promise<OrganizationMemberType[]> {
    return (await membershipsByUser(ctx).load(u.subject)).map(toOrganizationMemberType);
  }
}

@Resolver(() => PermissionSourceType)
export class PermissionSourceOrganizationResolver {
  @Authorized('organizations:read')
  @FieldResolver(() => OrganizationType, { nullable: true, description: 'For ORGANIZATION: the organization whose membership carries the role. Requires roles:read and organizations:read.' })
  async organization(@Root() s: PermissionSourceType, @Ctx() ctx: RequestContext): Promise<OrganizationType | null> {
    if (!s.organizationId) return null;
    const o = await organizationById(ctx).load(s.organizationId);
    return o ? toOrganizationType(o) : null;
  }
}

export const ORGANIZATION_RESOLVERS = [OrganizationResolver, OrganizationMemberResolver, OrganizationInvitationResolver, UserOrganizationsResolver, PermissionSourceOrganizationResolver] as const;
