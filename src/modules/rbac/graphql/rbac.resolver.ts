import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, toConnection, toPageRequest } from '../../../graph/connection/connection.js';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import { encodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { UserType } from '../../user/graphql/user.type.js';
import { toUserType } from '../../user/graphql/user.type.js';
import { RbacError, RbacErrorCode } from '../rbac.errors.js';
import { mutationPayload } from './mutation-payload.js';
import { apiResourceById, directRolesByUser, groupById, membersByGroup, permissionsByApi, permissionsByRole, roleById } from './rbac.loader.js';
import {
  ApiResourceConnection, ApiResourceCreateInput, ApiResourcePermissionAddInput, ApiResourceType, EffectivePermissionType, GroupConnection, GroupCreateInput,
  GroupMemberInput, GroupType, PermissionSourceKind, PermissionSourceType, PermissionType, RbacUserError, RoleAssignBulkInput, RoleAssignBulkPayload,
  RoleAssignInput, RoleConnection, RoleCreateInput, RolePermissionsSetInput, RoleType, RoleUpdateInput, rbacUserError, toApiResourceType, toGroupType,
  toPermissionType, toRoleType,
} from './rbac.types.js';

const fetchByIds = <T extends { id: string }>(scope: string, load: (ctx: RequestContext, ids: readonly string[]) => Promise<T[]>, map: (t: T) => object) =>
  async (ctx: RequestContext, uuids: readonly string[]) => {
    const out = new Map<string, object>();
    if (!ctx.scopes.has(scope)) return out;
    for (const r of await load(ctx, uuids)) out.set(r.id, map(r));
    return out;
  };
registerNodeType('ApiResource', fetchByIds('roles:read', (ctx, ids) => ctx.services.rbac.findApiResources(ctx, ids), toApiResourceType));
registerNodeType('Permission', fetchByIds('roles:read', (ctx, ids) => ctx.services.rbac.findPermissions(ctx, ids), toPermissionType));
registerNodeType('Role', fetchByIds('roles:read', (ctx, ids) => ctx.services.rbac.findRoles(ctx, ids), toRoleType));
registerNodeType('Group', fetchByIds('roles:read', (ctx, ids) => ctx.services.rbac.findGroups(ctx, ids), toGroupType));

/** The uuid of a global id, or a NOT_FOUND-style domain error naming the input field. */
function idOf(id: string | null | undefined, type: string, field: string[], code = RbacErrorCode.NOT_FOUND): string {
  const u = id ? uuidOf(id, type) : null;
  if (!u) throw new RbacError(code, `${type === 'User' ? 'user' : type === 'Permission' ? 'permission' : type === 'ApiResource' ? 'API resource' : type.toLowerCase()} not found`, field);
  return u;
}
const optId = (id: string | null | undefined, type: string, field: string[], code?: RbacErrorCode) => (id == null ? null : idOf(id, type, field, code));

const ApiResourceCreatePayload = mutationPayload('apiResourceCreate', 'apiResource', () => ApiResourceType, RbacUserError, 'The new API resource, unless userErrors is non-empty.');
const ApiResourceDeletePayload = mutationPayload('apiResourceDelete', 'deletedApiResourceId', () => ID, RbacUserError, 'Global id of the deleted API resource.');
const ApiResourcePermissionAddPayload = mutationPayload('apiResourcePermissionAdd', 'permission', () => PermissionType, RbacUserError, 'The new permission.');
const ApiResourcePermissionRemovePayload = mutationPayload('apiResourcePermissionRemove', 'deletedPermissionId', () => ID, RbacUserError, 'Global id of the removed permission.');
const RoleCreatePayload = mutationPayload('roleCreate', 'role', () => RoleType, RbacUserError, 'The new role.');
const RoleUpdatePayload = mutationPayload('roleUpdate', 'role', () => RoleType, RbacUserError, 'The role after the change.');
const RolePermissionsSetPayload = mutationPayload('rolePermissionsSet', 'role', () => RoleType, RbacUserError, 'The role after the change.');
const RoleDeletePayload = mutationPayload('roleDelete', 'deletedRoleId', () => ID, RbacUserError, 'Global id of the deleted role.');
const RoleAssignPayload = mutationPayload('roleAssign', 'role', () => RoleType, RbacUserError, 'The role.');
const RoleUnassignPayload = mutationPayload('roleUnassign', 'role', () => RoleType, RbacUserError, 'The role.');
const GroupCreatePayload = mutationPayload('groupCreate', 'group', () => GroupType, RbacUserError, 'The new group.');
const GroupDeletePayload = mutationPayload('groupDelete', 'deletedGroupId', () => ID, RbacUserError, 'Global id of the deleted group.');
const GroupMemberAddPayload = mutationPayload('groupMemberAdd', 'group', () => GroupType, RbacUserError, 'The group.');
const GroupMemberRemovePayload = mutationPayload('groupMemberRemove', 'group', () => GroupType, RbacUserError, 'The group.');

async function run<R>(fn: () => Promise<R>, field: string, map: (r: R) => unknown): Promise<Record<string, unknown>> {
  const r = await withUserErrors(fn, RbacError, rbacUserError);
  return { [field]: r.result !== undefined ? map(r.result) : null, userErrors: r.userErrors };
}

@Resolver()
export class RbacResolver {
  @Authorized('roles:read')
  @Query(() => ApiResourceConnection, { description: 'The tenant\'s API resources, oldest first. Requires roles:read.' })
  async apiResources(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.rbac.listApiResources(ctx, toPageRequest(args));
    return toConnection(page, toApiResourceType, (a) => ({ value: a.createdAt.toISOString(), id: a.id }));
  }

  @Authorized('roles:read')
  @Query(() => RoleConnection, { description: 'The tenant\'s roles, by name. Requires roles:read.' })
  async roles(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.rbac.listRoles(ctx, toPageRequest(args));
    return toConnection(page, toRoleType, (r) => ({ value: r.name, id: r.id }));
  }

  @Authorized('roles:read')
  @Query(() => GroupConnection, { description: 'The tenant\'s groups, by name. Requires roles:read.' })
  async groups(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.rbac.listGroups(ctx, toPageRequest(args));
    return toConnection(page, toGroupType, (g) => ({ value: g.name, id: g.id }));
  }

  @Authorized('roles:write')
  @Mutation(() => ApiResourceCreatePayload, { description: 'Registers an API resource (an audience) with its permission scopes. Requires roles:write. Emits ApiResource.Created.' })
  apiResourceCreate(@Arg('input', () => ApiResourceCreateInput) input: ApiResourceCreateInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.apiResourceCreate(ctx, input), 'apiResource', toApiResourceType);
  }

  @Authorized('roles:write')
  @Mutation(() => ApiResourceDeletePayload, { description: 'Deletes an API resource with its permissions (roles lose them). Requires roles:write. Emits ApiResource.Deleted.' })
  apiResourceDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.apiResourceDelete(ctx, idOf(id, 'ApiResource', ['id'])), 'deletedApiResourceId', (u) => encodeGlobalId('ApiResource', u));
  }

  @Authorized('roles:write')
  @Mutation(() => ApiResourcePermissionAddPayload, { description: 'Adds a permission scope to an API resource. Requires roles:write. Emits ApiResource.Permission.Added.' })
  apiResourcePermissionAdd(@Arg('input', () => ApiResourcePermissionAddInput) input: ApiResourcePermissionAddInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.permissionAdd(ctx, { ...input, apiResourceId: idOf(input.apiResourceId, 'ApiResource', ['input', 'apiResourceId']) }), 'permission', toPermissionType);
  }

  @Authorized('roles:write')
  @Mutation(() => ApiResourcePermissionRemovePayload, { description: 'Removes a permission scope from its API resource and from every role. Requires roles:write. Emits ApiResource.Permission.Removed.' })
  apiResourcePermissionRemove(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.permissionRemove(ctx, idOf(id, 'Permission', ['id'], RbacErrorCode.PERMISSION_NOT_FOUND)), 'deletedPermissionId', (u) => encodeGlobalId('Permission', u));
  }

  @Authorized('roles:write')
  @Mutation(() => RoleCreatePayload, { description: 'Creates a role bundling permissions. Requires roles:write. Emits Role.Created.' })
  roleCreate(@Arg('input', () => RoleCreateInput) input: RoleCreateInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.roleCreate(ctx, {
      ...input, permissionIds: (input.permissionIds ?? []).map((p) => idOf(p, 'Permission', ['input', 'permissionIds'], RbacErrorCode.PERMISSION_NOT_FOUND)),
    }), 'role', toRoleType);
  }

  @Authorized('roles:write')
  @Mutation(() => RoleUpdatePayload, { description: 'Renames a role or changes its description. Requires roles:write. Emits Role.Updated.' })
  roleUpdate(@Arg('id', () => ID) id: string, @Arg('input', () => RoleUpdateInput) input: RoleUpdateInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.roleUpdate(ctx, idOf(id, 'Role', ['id']), input), 'role', toRoleType);
  }

  @Authorized('roles:write')
  @Mutation(() => RolePermissionsSetPayload, { description: 'Replaces the permissions a role bundles. Requires roles:write. Emits Role.Scopes.Updated.' })
  rolePermissionsSet(@Arg('input', () => RolePermissionsSetInput) input: RolePermissionsSetInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.rolePermissionsSet(ctx, idOf(input.roleId, 'Role', ['input', 'roleId']),
      input.permissionIds.map((p) => idOf(p, 'Permission', ['input', 'permissionIds'], RbacErrorCode.PERMISSION_NOT_FOUND))), 'role', toRoleType);
  }

  @Authorized('roles:write')
  @Mutation(() => RoleDeletePayload, { description: 'Deletes a role and every assignment of it. Requires roles:write. Emits Role.Deleted.' })
  roleDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.roleDelete(ctx, idOf(id, 'Role', ['id'])), 'deletedRoleId', (u) => encodeGlobalId('Role', u));
  }

  @Authorized('roles:write')
  @Mutation(() => RoleAssignPayload, { description: 'Gives a role to a user or a group. Requires roles:write. Emits Role.Assigned.' })
  roleAssign(@Arg('input', () => RoleAssignInput) input: RoleAssignInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.roleAssign(ctx, {
      roleId: idOf(input.roleId, 'Role', ['input', 'roleId']),
      userId: optId(input.userId, 'User', ['input', 'userId'], RbacErrorCode.USER_NOT_FOUND), groupId: optId(input.groupId, 'Group', ['input', 'groupId']),
    }), 'role', toRoleType);
  }

  @Authorized('roles:write')
  @Mutation(() => RoleUnassignPayload, { description: 'Takes a role from a user or a group. Requires roles:write. Emits Role.Unassigned.' })
  roleUnassign(@Arg('input', () => RoleAssignInput) input: RoleAssignInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.roleUnassign(ctx, {
      roleId: idOf(input.roleId, 'Role', ['input', 'roleId']),
      userId: optId(input.userId, 'User', ['input', 'userId'], RbacErrorCode.USER_NOT_FOUND), groupId: optId(input.groupId, 'Group', ['input', 'groupId']),
    }), 'role', toRoleType);
  }

  @Authorized('roles:write')
  @Mutation(() => RoleAssignBulkPayload, { description: 'Gives a role to up to 1,000 users at once; each item that cannot be assigned is reported in userErrors with its index, the others are assigned. Requires roles:write. Emits Role.Assigned (one per assigned user).' })
  async roleAssignBulk(@Arg('input', () => RoleAssignBulkInput) input: RoleAssignBulkInput, @Ctx() ctx: RequestContext): Promise<RoleAssignBulkPayload> {
    const r = await withUserErrors(async () => ctx.services.rbac.roleAssignBulk(ctx, idOf(input.roleId, 'Role', ['input', 'roleId']), input.userIds.map((u) => uuidOf(u, 'User'))), RbacError, rbacUserError);
    if (!r.result) return Object.assign(new RoleAssignBulkPayload(), { role: null, assignedCount: 0, userErrors: r.userErrors });
    return Object.assign(new RoleAssignBulkPayload(), {
      role: toRoleType(r.result.role),
      assignedCount: r.result.results.filter((i) => !i.error).length,
      userErrors: r.result.results.filter((i) => i.error).map((i) => rbacUserError(i.error!)),
    });
  }

  @Authorized('roles:write')
  @Mutation(() => GroupCreatePayload, { description: 'Creates a group. Requires roles:write. Emits Group.Created.' })
  groupCreate(@Arg('input', () => GroupCreateInput) input: GroupCreateInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.groupCreate(ctx, input), 'group', toGroupType);
  }

  @Authorized('roles:write')
  @Mutation(() => GroupDeletePayload, { description: 'Deletes a group (its members and roles are unlinked). Requires roles:write. Emits Group.Deleted.' })
  groupDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.groupDelete(ctx, idOf(id, 'Group', ['id'])), 'deletedGroupId', (u) => encodeGlobalId('Group', u));
  }

  @Authorized('roles:write')
  @Mutation(() => GroupMemberAddPayload, { description: 'Adds a user or a group to a group; a group can never end up containing itself. Requires roles:write. Emits Group.Member.Added.' })
  groupMemberAdd(@Arg('input', () => GroupMemberInput) input: GroupMemberInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.groupMemberAdd(ctx, {
      groupId: idOf(input.groupId, 'Group', ['input', 'groupId']),
      userId: optId(input.userId, 'User', ['input', 'userId'], RbacErrorCode.USER_NOT_FOUND), memberGroupId: optId(input.memberGroupId, 'Group', ['input', 'memberGroupId']),
    }), 'group', toGroupType);
  }

  @Authorized('roles:write')
  @Mutation(() => GroupMemberRemovePayload, { description: 'Removes a user or a group from a group. Requires roles:write. Emits Group.Member.Removed.' })
  groupMemberRemove(@Arg('input', () => GroupMemberInput) input: GroupMemberInput, @Ctx() ctx: RequestContext) {
    return run(() => ctx.services.rbac.groupMemberRemove(ctx, {
      groupId: idOf(input.groupId, 'Group', ['input', 'groupId']),
      userId: optId(input.userId, 'User', ['input', 'userId'], RbacErrorCode.USER_NOT_FOUND), memberGroupId: optId(input.memberGroupId, 'Group', ['input', 'memberGroupId']),
    }), 'group', toGroupType);
  }
}

@Resolver(() => ApiResourceType)
export class ApiResourceFieldsResolver {
  @FieldResolver(() => [PermissionType], { description: 'The permission scopes the API defines, by scope. Requires roles:read.' })
  async permissions(@Root() a: ApiResourceType, @Ctx() ctx: RequestContext): Promise<PermissionType[]> {
    return (await permissionsByApi(ctx).load(a.uuid)).map(toPermissionType);
  }
}

@Resolver(() => PermissionType)
export class PermissionFieldsResolver {
  @FieldResolver(() => ApiResourceType, { nullable: true, description: 'The API resource defining the permission. Requires roles:read.' })
  async apiResource(@Root() p: PermissionType, @Ctx() ctx: RequestContext): Promise<ApiResourceType | null> {
    const a = await apiResourceById(ctx).load(p.apiResourceId);
    return a ? toApiResourceType(a) : null;
  }
}

@Resolver(() => RoleType)
export class RoleFieldsResolver {
  @FieldResolver(() => [PermissionType], { description: 'The permissions the role bundles, by scope. Requires roles:read.' })
  async permissions(@Root() r: RoleType, @Ctx() ctx: RequestContext): Promise<PermissionType[]> {
    return (await permissionsByRole(ctx).load(r.uuid)).map(toPermissionType);
  }
}

@Resolver(() => GroupType)
export class GroupFieldsResolver {
  @Authorized('users:read')
  @FieldResolver(() => [UserType], { description: 'Users directly in the group (at most 1,000, oldest membership first). Requires roles:read and users:read.' })
  async users(@Root() g: GroupType, @Ctx() ctx: RequestContext): Promise<UserType[]> {
    const ids = (await membersByGroup(ctx).load(g.uuid)).filter((m) => m.user).slice(0, 1000).map((m) => m.user!);
    const users = await ctx.services.rbac.findUsers(ctx, ids);
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id)).filter((u) => u !== undefined).map(toUserType);
  }

  @FieldResolver(() => [GroupType], { description: 'Groups nested directly in this one. Requires roles:read.' })
  async memberGroups(@Root() g: GroupType, @Ctx() ctx: RequestContext): Promise<GroupType[]> {
    const ids = (await membersByGroup(ctx).load(g.uuid)).filter((m) => m.memberGroup).map((m) => m.memberGroup!);
    return (await groupById(ctx).loadMany(ids)).filter((x): x is Exclude<typeof x, Error | null> => x !== null && !(x instanceof Error)).map((x) => toGroupType(x));
  }
}

@Resolver(() => PermissionSourceType)
export class PermissionSourceResolver {
  @FieldResolver(() => RoleType, { nullable: true, description: 'The role that carries the permission. Requires roles:read.' })
  async role(@Root() s: PermissionSourceType, @Ctx() ctx: RequestContext): Promise<RoleType | null> {
    const r = await roleById(ctx).load(s.roleId);
    return r ? toRoleType(r) : null;
  }

  @FieldResolver(() => [GroupType], { description: 'For GROUP: the path from the user\'s own group out to the group holding the role. Requires roles:read.' })
  async groupPath(@Root() s: PermissionSourceType, @Ctx() ctx: RequestContext): Promise<GroupType[]> {
    const gs = await groupById(ctx).loadMany(s.groupIds);
    return gs.filter((g): g is Exclude<typeof g, Error | null> => g !== null && !(g instanceof Error)).map((g) => toGroupType(g));
  }
}

@Resolver(() => EffectivePermissionType)
export class EffectivePermissionResolver {
  @FieldResolver(() => PermissionType, { description: 'The permission. Requires roles:read.' })
  permission(@Root() e: EffectivePermissionType): PermissionType {
    return toPermissionType(e.permissionEntity);
  }

  @FieldResolver(() => ApiResourceType, { description: 'The API resource defining it. Requires roles:read.' })
  apiResource(@Root() e: EffectivePermissionType): ApiResourceType {
    return toApiResourceType(e.apiResourceEntity);
  }
}

@Resolver(() => UserType)
export class UserRbacResolver {
  @Authorized('roles:read')
  @FieldResolver(() => [RoleType], { description: 'Roles given directly to the user (not through groups or organizations), by name. Requires users:read and roles:read.' })
  async roles(@Root() u: UserType, @Ctx() ctx: RequestContext): Promise<RoleType[]> {
    return (await directRolesByUser(ctx).load(u.subject)).map(toRoleType);
  }

  @Authorized('roles:read')
  @FieldResolver(() => [EffectivePermissionType], { description: 'Every permission the user holds, explained: direct roles, group roles (with the group path) and organization membership roles (all organizations unless `organizationId` is given). Computed per user: use on single users, not on long lists. Requires users:read and roles:read.' })
  async effectivePermissions(
    @Root() u: UserType,
    @Arg('audience', () => String, { nullable: true, description: 'Only permissions of the API resource with this identifier.' }) audience: string | null,
    @Arg('organizationId', () => ID, { nullable: true, description: 'Only this organization\'s membership roles (global id).' }) organizationId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EffectivePermissionType[]> {
    const org = organizationId ? uuidOf(organizationId, 'Organization') : undefined;
    if (org === null) return [];
    const list = await ctx.services.rbac.effective(ctx.em, u.subject, { audience: audience ?? undefined, organizationId: org });
    return list.map((e) => Object.assign(new EffectivePermissionType(), {
      permissionEntity: e.permission, apiResourceEntity: e.apiResource, scope: e.permission.scope, apiIdentifier: e.apiResource.identifier,
      sources: e.sources.map((s) => Object.assign(new PermissionSourceType(), {
        kind: s.kind as PermissionSourceKind, roleId: s.roleId,
        groupIds: s.kind === 'GROUP' ? s.groupPath : [], organizationId: s.kind === 'ORGANIZATION' ? s.organizationId : null,
      })),
    }));
  }
}

export const RBAC_RESOLVERS = [RbacResolver, ApiResourceFieldsResolver, PermissionFieldsResolver, RoleFieldsResolver, GroupFieldsResolver, PermissionSourceResolver, EffectivePermissionResolver, UserRbacResolver] as const;
