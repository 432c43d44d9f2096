import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { keysetPage, type Page, type PageRequest } from '../../db/keyset.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { hasControlChars } from '../../shared/text.js';
import { User } from '../user/index.js';
import { ApiResource, Group, GroupMember, Permission, Role, RoleAssignment, RolePermission } from './rbac.entity.js';
import { RbacError, RbacErrorCode } from './rbac.errors.js';

export const MAX_BULK_ASSIGN = 1_000;
/** Nesting deeper than this is refused when adding a group to a group (and bounds the walk). */
export const MAX_GROUP_DEPTH = 16;
/** OIDC scopes are the authorization server's, never an API's permission. */
const RESERVED_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);
const NQCHAR_SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,200}$/;

/** Where one effective permission comes from. */
export type PermissionSource =
  | { kind: 'DIRECT'; roleId: string }
  | { kind: 'GROUP'; roleId: string; groupPath: string[] }
  | { kind: 'ORGANIZATION'; roleId: string; organizationId: string };

export interface EffectivePermission {
  permission: Permission;
  apiResource: ApiResource;
  sources: PermissionSource[];
}

/**
 * Roles a user holds through organization memberships (the organization module supplies this,
 * so rbac does not depend on it). `organizationId` undefined: every membership.
 */
export type MembershipRoleSource = (em: EntityManager, userId: string, organizationId?: string) => Promise<Array<{ roleId: string; organizationId: string }>>;

export interface ApiResourceCreateInput { identifier: string; name: string; permissions?: Array<{ scope: string; description?: string | null }> | null }
export interface RoleCreateInput { name: string; description?: string | null; permissionIds?: string[] | null }
export interface RoleUpdateInput { name?: string | null; description?: string | null }
export interface GroupCreateInput { name: string; description?: string | null }
export interface BulkItemResult { index: number; userId: string | null; error?: RbacError }

type Changes = Record<string, { before: unknown; after: unknown }>;

function checkName(name: string, field: string[], max = 100): string {
  const n = name.trim();
  assertThat(n.length >= 1 && n.length <= max && !hasControlChars(n),
    () => new RbacError(RbacErrorCode.NAME_INVALID, `name must be 1-${max} characters without control characters`, field));
  return n;
}

function checkDescription(d: string | null | undefined, field: string[]): string | null {
  if (d == null) return null;
  assertThat(d.length <= 500 && !hasControlChars(d), () => new RbacError(RbacErrorCode.NAME_INVALID, 'description must be at most 500 characters without control characters', field));
  return d;
}

function checkScope(scope: string, field: string[]): string {
  assertThat(NQCHAR_SCOPE.test(scope), () => new RbacError(RbacErrorCode.SCOPE_INVALID, 'scope must be 1-200 printable characters without spaces, quotes or backslashes (RFC 6749 §3.3)', field));
  assertThat(!RESERVED_SCOPES.has(scope), () => new RbacError(RbacErrorCode.SCOPE_INVALID, `scope "${scope}" is reserved for OpenID Connect`, field));
  return scope;
}

export class RbacService {
  constructor(private readonly deps: { membershipRoles: MembershipRoleSource }) {}

  private fork(ctx: RequestContext): EntityManager {
    return ctx.em.fork({ clear: false }) as EntityManager;
  }

  private event(em: EntityManager, ctx: RequestContext, type: Parameters<typeof recordEvent>[1]['type'], target: { type: string; id: string }, payload: Record<string, unknown>): void {
    recordEvent(em, { tenantId: ctx.tenant.id, type, actor: ctx.actor, requestId: ctx.requestId, target, payload });
  }

  private async commit(em: EntityManager, onUnique?: () => RbacError): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (onUnique && err instanceof UniqueConstraintViolationException) throw onUnique();
      throw err;
    }
    await notifyOutbox(em);
  }

  // ---- API resources and their permissions ----

  /** Emits ApiResource.Created. */
  async apiResourceCreate(ctx: RequestContext, input: ApiResourceCreateInput): Promise<ApiResource> {
    const identifier = input.identifier.trim();
    let ok = identifier.length <= 2000 && !identifier.includes('#');
    try { new URL(identifier); } catch { ok = false; }
    assertThat(ok, () => new RbacError(RbacErrorCode.IDENTIFIER_INVALID, 'identifier must be an absolute URI without a fragment (RFC 8707 §2)', ['input', 'identifier']));
    const name = checkName(input.name, ['input', 'name'], 200);
    const scopes = (input.permissions ?? []).map((p, i) => ({ scope: checkScope(p.scope, ['input', 'permissions', String(i), 'scope']), description: checkDescription(p.description, ['input', 'permissions', String(i), 'description']) }));
    assertThat(new Set(scopes.map((s) => s.scope)).size === scopes.length, () => new RbacError(RbacErrorCode.SCOPE_TAKEN, 'a scope is listed twice', ['input', 'permissions']));
    const em = this.fork(ctx);
    const taken = await em.findOne(ApiResource, { identifier });
    const takenError = () => new RbacError(RbacErrorCode.IDENTIFIER_TAKEN, 'an API resource with this identifier already exists', ['input', 'identifier']);
    assertThat(!taken, takenError);
    const api = em.create(ApiResource, { id: uuid(), tenant: ctx.tenant.id, identifier, name });
    for (const s of scopes) em.create(Permission, { id: uuid(), tenant: ctx.tenant.id, apiResource: api.id, scope: s.scope, description: s.description });
    this.event(em, ctx, 'ApiResource.Created', { type: 'ApiResource', id: api.id }, { apiResourceId: api.id, identifier, name, scopes: scopes.map((s) => s.scope) });
    await this.commit(em, takenError);
    return api;
  }

  /**
   * Every new tenant gets the management API as an API resource (identifier = the graph's
   * audience, one permission per management scope) and a `tenant-admin` role holding them all:
   * users with that role (or any role with some of these permissions) get management tokens for
   * the graph through the authorization code flow, scoped to requested ∩ held. Emits
   * ApiResource.Created and Role.Created.
   */
  async provisionManagementApi(ctx: RequestContext, audience: string, scopes: readonly string[]): Promise<Role> {
    const api = await this.apiResourceCreate(ctx, {
      identifier: audience, name: 'Signet management API',
      permissions: scopes.map((scope) => ({ scope, description: `Management API scope ${scope}` })),
    });
    const permissions = await this.fork(ctx).find(Permission, { apiResource: api.id });
    return this.roleCreate(ctx, {
      name: 'tenant-admin', description: 'Administers the tenant through the management API (every management scope).',
      permissionIds: permissions.map((p) => p.id),
    });
  }

  /** Deletes the API, its permissions and their place in roles. Emits ApiResource.Deleted. */
  async apiResourceDelete(ctx: RequestContext, id: string): Promise<string> {
    const em = this.fork(ctx);
    const api = await em.findOne(ApiResource, { id });
    assertThat(api, () => new RbacError(RbacErrorCode.NOT_FOUND, 'API resource not found', ['id']));
    this.event(em, ctx, 'ApiResource.Deleted', { type: 'ApiResource', id }, { apiResourceId: id, identifier: api.identifier });
    em.remove(api);
    await this.commit(em);
    return id;
  }

  /** Emits ApiResource.Permission.Added. */
  async permissionAdd(ctx: RequestContext, input: { apiResourceId: string; scope: string; description?: string | null }): Promise<Permission> {
    const scope = checkScope(input.scope, ['input', 'scope']);
    const description = checkDescription(input.description, ['input', 'description']);
    const em = this.fork(ctx);
    const api = await em.findOne(ApiResource, { id: input.apiResourceId });
    assertThat(api, () => new RbacError(RbacErrorCode.NOT_FOUND, 'API resource not found', ['input', 'apiResourceId']));
    const takenError = () => new RbacError(RbacErrorCode.SCOPE_TAKEN, `the API already defines scope "${scope}"`, ['input', 'scope']);
    assertThat(!(await em.findOne(Permission, { apiResource: api.id, scope })), takenError);
    const perm = em.create(Permission, { id: uuid(), tenant: ctx.tenant.id, apiResource: api.id, scope, description });
    this.event(em, ctx, 'ApiResource.Permission.Added', { type: 'ApiResource', id: api.id }, { apiResourceId: api.id, permissionId: perm.id, scope });
    await this.commit(em, takenError);
    return perm;
  }

  /** Removes a permission (and it from every role). Emits ApiResource.Permission.Removed. */
  async permissionRemove(ctx: RequestContext, id: string): Promise<string> {
    const em = this.fork(ctx);
    const perm = await em.findOne(Permission, { id });
    assertThat(perm, () => new RbacError(RbacErrorCode.PERMISSION_NOT_FOUND, 'permission not found', ['id']));
    this.event(em, ctx, 'ApiResource.Permission.Removed', { type: 'ApiResource', id: perm.apiResource }, { apiResourceId: perm.apiResource, permissionId: id, scope: perm.scope });
    em.remove(perm);
    await this.commit(em);
    return id;
  }

  listApiResources(ctx: RequestContext, page: PageRequest): Promise<Page<ApiResource>> {
    return keysetPage<ApiResource>(ctx.em, ApiResource, {}, { field: 'createdAt', direction: 'ASC', toValue: (r) => r.createdAt.toISOString(), parse: (v) => new Date(v) }, page);
  }

  findApiResources(ctx: RequestContext, ids: readonly string[]): Promise<ApiResource[]> {
    return ctx.em.find(ApiResource, { id: { $in: [...ids] } });
  }

  permissionsOfApis(ctx: RequestContext, apiIds: readonly string[]): Promise<Permission[]> {
    return ctx.em.find(Permission, { apiResource: { $in: [...apiIds] } }, { orderBy: { scope: 'ASC' } });
  }

  findPermissions(ctx: RequestContext, ids: readonly string[]): Promise<Permission[]> {
    return ctx.em.find(Permission, { id: { $in: [...ids] } });
  }

  // ---- roles ----

  private async loadPermissions(em: EntityManager, ids: string[], field: string[]): Promise<Permission[]> {
    const unique = [...new Set(ids)];
    const perms = unique.length ? await em.find(Permission, { id: { $in: unique } }) : [];
    assertThat(perms.length === unique.length, () => new RbacError(RbacErrorCode.PERMISSION_NOT_FOUND, 'a permission does not exist', field));
    return perms;
  }

  /** Emits Role.Created. */
  async roleCreate(ctx: RequestContext, input: RoleCreateInput): Promise<Role> {
    const name = checkName(input.name, ['input', 'name']);
    const description = checkDescription(input.description, ['input', 'description']);
    const em = this.fork(ctx);
    const takenError = () => new RbacError(RbacErrorCode.NAME_TAKEN, `a role named "${name}" already exists`, ['input', 'name']);
    assertThat(!(await em.findOne(Role, { name })), takenError);
    const perms = await this.loadPermissions(em, input.permissionIds ?? [], ['input', 'permissionIds']);
    const role = em.create(Role, { id: uuid(), tenant: ctx.tenant.id, name, description });
    for (const p of perms) em.create(RolePermission, { id: uuid(), tenant: ctx.tenant.id, role: role.id, permission: p.id });
    this.event(em, ctx, 'Role.Created', { type: 'Role', id: role.id }, { roleId: role.id, name, permissions: perms.map((p) => p.scope) });
    await this.commit(em, takenError);
    return role;
  }

  /** Emits Role.Updated with the changed fields before and after. */
  async roleUpdate(ctx: RequestContext, id: string, input: RoleUpdateInput): Promise<Role> {
    const em = this.fork(ctx);
    const role = await em.findOne(Role, { id });
    assertThat(role, () => new RbacError(RbacErrorCode.NOT_FOUND, 'role not found', ['id']));
    const changes: Changes = {};
    if (input.name != null) {
      const name = checkName(input.name, ['input', 'name']);
      if (name !== role.name) changes.name = { before: role.name, after: name };
      role.name = name;
    }
    if (input.description !== undefined) {
      const d = checkDescription(input.description, ['input', 'description']);
      if (d !== (role.description ?? null)) changes.description = { before: role.description ?? null, after: d };
      role.description = d;
    }
    if (Object.keys(changes).length) {
      this.event(em, ctx, 'Role.Updated', { type: 'Role', id }, { roleId: id, changes });
      await this.commit(em, () => new RbacError(RbacErrorCode.NAME_TAKEN, `a role named "${role.name}" already exists`, ['input', 'name']));
    }
    return role;
  }

  /** Replaces the role's permissions. Emits Role.Scopes.Updated (added and removed scopes). */
  async rolePermissionsSet(ctx: RequestContext, id: string, permissionIds: string[]): Promise<Role> {
    const em = this.fork(ctx);
    const role = await em.findOne(Role, { id });
    assertThat(role, () => new RbacError(RbacErrorCode.NOT_FOUND, 'role not found', ['input', 'roleId']));
    const perms = await this.loadPermissions(em, permissionIds, ['input', 'permissionIds']);
    const current = await em.find(RolePermission, { role: id });
    const want = new Set(perms.map((p) => p.id));
    const have = new Set(current.map((c) => c.permission));
    const removed = current.filter((c) => !want.has(c.permission));
    const added = perms.filter((p) => !have.has(p.id));
    if (!removed.length && !added.length) return role;
    const removedPerms = await em.find(Permission, { id: { $in: removed.map((r) => r.permission) } });
    for (const r of removed) em.remove(r);
    for (const p of added) em.create(RolePermission, { id: uuid(), tenant: ctx.tenant.id, role: id, permission: p.id });
    role.updatedAt = new Date();
    this.event(em, ctx, 'Role.Scopes.Updated', { type: 'Role', id }, {
      roleId: id, added: added.map((p) => p.scope), removed: removedPerms.map((p) => p.scope),
      addedPermissionIds: added.map((p) => p.id), removedPermissionIds: removed.map((r) => r.permission),
    });
    await this.commit(em);
    return role;
  }

  /** Emits Role.Deleted. */
  async roleDelete(ctx: RequestContext, id: string): Promise<string> {
    const em = this.fork(ctx);
    const role = await em.findOne(Role, { id });
    assertThat(role, () => new RbacError(RbacErrorCode.NOT_FOUND, 'role not found', ['id']));
    this.event(em, ctx, 'Role.Deleted', { type: 'Role', id }, { roleId: id, name: role.name });
    em.remove(role);
    await this.commit(em);
    return id;
  }

  listRoles(ctx: RequestContext, page: PageRequest): Promise<Page<Role>> {
    return keysetPage<Role>(ctx.em, Role, {}, { field: 'name', direction: 'ASC', toValue: (r) => r.name, parse: (v) => v }, page);
  }

  findRoles(ctx: RequestContext | { em: EntityManager }, ids: readonly string[]): Promise<Role[]> {
    return ids.length ? ctx.em.find(Role, { id: { $in: [...ids] } }) : Promise.resolve([]);
  }

  rolePermissionLinks(ctx: RequestContext, roleIds: readonly string[]): Promise<RolePermission[]> {
    return ctx.em.find(RolePermission, { role: { $in: [...roleIds] } });
  }

  /** Direct role assignments of users, for User.roles (one statement per batch). */
  directAssignments(ctx: RequestContext, userIds: readonly string[]): Promise<RoleAssignment[]> {
    return ctx.em.find(RoleAssignment, { user: { $in: [...userIds] } });
  }

  // ---- assignments ----

  /** Gives a role to a user or a group. Emits Role.Assigned. */
  async roleAssign(ctx: RequestContext, input: { roleId: string; userId?: string | null; groupId?: string | null }): Promise<Role> {
    assertThat(Boolean(input.userId) !== Boolean(input.groupId), () => new RbacError(RbacErrorCode.TARGET_INVALID, 'name exactly one of userId and groupId', ['input']));
    const em = this.fork(ctx);
    const role = await em.findOne(Role, { id: input.roleId });
    assertThat(role, () => new RbacError(RbacErrorCode.NOT_FOUND, 'role not found', ['input', 'roleId']));
    if (input.userId) {
      assertThat(await em.findOne(User, { id: input.userId }), () => new RbacError(RbacErrorCode.USER_NOT_FOUND, 'user not found', ['input', 'userId']));
    } else {
      assertThat(await em.findOne(Group, { id: input.groupId! }), () => new RbacError(RbacErrorCode.NOT_FOUND, 'group not found', ['input', 'groupId']));
    }
    const where = input.userId ? { role: role.id, user: input.userId } : { role: role.id, group: input.groupId! };
    const dup = () => new RbacError(RbacErrorCode.ALREADY_ASSIGNED, `the ${input.userId ? 'user' : 'group'} already has this role`, ['input', input.userId ? 'userId' : 'groupId']);
    assertThat(!(await em.findOne(RoleAssignment, where)), dup);
    em.create(RoleAssignment, { id: uuid(), tenant: ctx.tenant.id, role: role.id, user: input.userId ?? null, group: input.groupId ?? null });
    this.event(em, ctx, 'Role.Assigned', { type: 'Role', id: role.id }, { roleId: role.id, name: role.name, ...(input.userId ? { userId: input.userId } : { groupId: input.groupId }) });
    await this.commit(em, dup);
    return role;
  }

  /** Takes a role from a user or a group. Emits Role.Unassigned. */
  async roleUnassign(ctx: RequestContext, input: { roleId: string; userId?: string | null; groupId?: string | null }): Promise<Role> {
    assertThat(Boolean(input.userId) !== Boolean(input.groupId), () => new RbacError(RbacErrorCode.TARGET_INVALID, 'name exactly one of userId and groupId', ['input']));
    const em = this.fork(ctx);
    const role = await em.findOne(Role, { id: input.roleId });
    assertThat(role, () => new RbacError(RbacErrorCode.NOT_FOUND, 'role not found', ['input', 'roleId']));
    const row = await em.findOne(RoleAssignment, input.userId ? { role: role.id, user: input.userId } : { role: role.id, group: input.groupId! });
    assertThat(row, () => new RbacError(RbacErrorCode.NOT_ASSIGNED, `the ${input.userId ? 'user' : 'group'} does not have this role`, ['input', input.userId ? 'userId' : 'groupId']));
    em.remove(row);
    this.event(em, ctx, 'Role.Unassigned', { type: 'Role', id: role.id }, { roleId: role.id, name: role.name, ...(input.userId ? { userId: input.userId } : { groupId: input.groupId }) });
    await this.commit(em);
    return role;
  }

  /**
   * Gives a role to up to 1,000 users in one unit of work. Items that cannot be assigned (unknown
   * user, already assigned, repeated in the list) are reported per index; the others are
   * assigned. Emits Role.Assigned per assigned user.
   */
  async roleAssignBulk(ctx: RequestContext, roleId: string, userIds: Array<string | null>): Promise<{ role: Role; results: BulkItemResult[] }> {
    assertThat(userIds.length >= 1 && userIds.length <= MAX_BULK_ASSIGN, () => new RbacError(RbacErrorCode.TOO_MANY, `name 1-${MAX_BULK_ASSIGN} users`, ['input', 'userIds']));
    const em = this.fork(ctx);
    const role = await em.findOne(Role, { id: roleId });
    assertThat(role, () => new RbacError(RbacErrorCode.NOT_FOUND, 'role not found', ['input', 'roleId']));
    const ids = [...new Set(userIds.filter((u): u is string => u !== null))];
    const users = new Set(ids.length ? (await em.find(User, { id: { $in: ids } }, { fields: ['id'] as never })).map((u) => u.id) : []);
    const had = new Set(ids.length ? (await em.find(RoleAssignment, { role: roleId, user: { $in: ids } })).map((a) => a.user!) : []);
    const seen = new Set<string>();
    const results: BulkItemResult[] = userIds.map((userId, index) => {
      const field = ['input', 'userIds', String(index)];
      if (userId === null || !users.has(userId)) return { index, userId, error: new RbacError(RbacErrorCode.USER_NOT_FOUND, 'user not found', field) };
      if (had.has(userId) || seen.has(userId)) return { index, userId, error: new RbacError(RbacErrorCode.ALREADY_ASSIGNED, 'the user already has this role', field) };
      seen.add(userId);
      em.create(RoleAssignment, { id: uuid(), tenant: ctx.tenant.id, role: roleId, user: userId, group: null });
      this.event(em, ctx, 'Role.Assigned', { type: 'Role', id: roleId }, { roleId, name: role.name, userId });
      return { index, userId };
    });
    if (seen.size) await this.commit(em);
    return { role, results };
  }

  // ---- groups ----

  /** Emits Group.Created. */
  async groupCreate(ctx: RequestContext, input: GroupCreateInput): Promise<Group> {
    const name = checkName(input.name, ['input', 'name']);
    const description = checkDescription(input.description, ['input', 'description']);
    const em = this.fork(ctx);
    const takenError = () => new RbacError(RbacErrorCode.NAME_TAKEN, `a group named "${name}" already exists`, ['input', 'name']);
    assertThat(!(await em.findOne(Group, { name })), takenError);
    const group = em.create(Group, { id: uuid(), tenant: ctx.tenant.id, name, description });
    this.event(em, ctx, 'Group.Created', { type: 'Group', id: group.id }, { groupId: group.id, name });
    await this.commit(em, takenError);
    return group;
  }

  /** Emits Group.Deleted. */
  async groupDelete(ctx: RequestContext, id: string): Promise<string> {
    const em = this.fork(ctx);
    const group = await em.findOne(Group, { id });
    assertThat(group, () => new RbacError(RbacErrorCode.NOT_FOUND, 'group not found', ['id']));
    this.event(em, ctx, 'Group.Deleted', { type: 'Group', id }, { groupId: id, name: group.name });
    em.remove(group);
    await this.commit(em);
    return id;
  }

  /** Ancestors of a group (the groups containing it, transitively), breadth first. */
  private async ancestors(em: EntityManager, groupId: string): Promise<Set<string>> {
    const seen = new Set<string>();
    let frontier = [groupId];
    for (let depth = 0; frontier.length && depth <= MAX_GROUP_DEPTH; depth++) {
      const rows = await em.find(GroupMember, { memberGroup: { $in: frontier } });
      frontier = [];
      for (const r of rows) if (!seen.has(r.group)) { seen.add(r.group); frontier.push(r.group); }
    }
    return seen;
  }

  /**
   * Adds a user or a group to a group. A group may not contain itself, directly or through
   * other groups. Emits Group.Member.Added.
   */
  async groupMemberAdd(ctx: RequestContext, input: { groupId: string; userId?: string | null; memberGroupId?: string | null }): Promise<Group> {
    assertThat(Boolean(input.userId) !== Boolean(input.memberGroupId), () => new RbacError(RbacErrorCode.TARGET_INVALID, 'name exactly one of userId and memberGroupId', ['input']));
    const em = this.fork(ctx);
    const group = await em.findOne(Group, { id: input.groupId });
    assertThat(group, () => new RbacError(RbacErrorCode.NOT_FOUND, 'group not found', ['input', 'groupId']));
    if (input.userId) {
      assertThat(await em.findOne(User, { id: input.userId }), () => new RbacError(RbacErrorCode.USER_NOT_FOUND, 'user not found', ['input', 'userId']));
    } else {
      const child = input.memberGroupId!;
      assertThat(await em.findOne(Group, { id: child }), () => new RbacError(RbacErrorCode.NOT_FOUND, 'group not found', ['input', 'memberGroupId']));
      const cycle = () => new RbacError(RbacErrorCode.GROUP_CYCLE, 'adding this group would make a group contain itself', ['input', 'memberGroupId']);
      assertThat(child !== group.id, cycle);
      const above = await this.ancestors(em, group.id);
      assertThat(!above.has(child), cycle);
      assertThat(above.size < MAX_GROUP_DEPTH, () => new RbacError(RbacErrorCode.GROUP_CYCLE, `groups may be nested at most ${MAX_GROUP_DEPTH} deep`, ['input', 'groupId']));
    }
    const where = input.userId ? { group: group.id, user: input.userId } : { group: group.id, memberGroup: input.memberGroupId! };
    const dup = () => new RbacError(RbacErrorCode.ALREADY_MEMBER, `the ${input.userId ? 'user' : 'group'} is already a member of this group`, ['input', input.userId ? 'userId' : 'memberGroupId']);
    assertThat(!(await em.findOne(GroupMember, where)), dup);
    em.create(GroupMember, { id: uuid(), tenant: ctx.tenant.id, group: group.id, user: input.userId ?? null, memberGroup: input.memberGroupId ?? null });
    group.updatedAt = new Date();
    this.event(em, ctx, 'Group.Member.Added', { type: 'Group', id: group.id }, { groupId: group.id, ...(input.userId ? { userId: input.userId } : { memberGroupId: input.memberGroupId }) });
    await this.commit(em, dup);
    return group;
  }

  /** Emits Group.Member.Removed. */
  async groupMemberRemove(ctx: RequestContext, input: { groupId: string; userId?: string | null; memberGroupId?: string | null }): Promise<Group> {
    assertThat(Boolean(input.userId) !== Boolean(input.memberGroupId), () => new RbacError(RbacErrorCode.TARGET_INVALID, 'name exactly one of userId and memberGroupId', ['input']));
    const em = this.fork(ctx);
    const group = await em.findOne(Group, { id: input.groupId });
    assertThat(group, () => new RbacError(RbacErrorCode.NOT_FOUND, 'group not found', ['input', 'groupId']));
    const row = await em.findOne(GroupMember, input.userId ? { group: group.id, user: input.userId } : { group: group.id, memberGroup: input.memberGroupId! });
    assertThat(row, () => new RbacError(RbacErrorCode.NOT_MEMBER, `the ${input.userId ? 'user' : 'group'} is not a member of this group`, ['input', input.userId ? 'userId' : 'memberGroupId']));
    em.remove(row);
    group.updatedAt = new Date();
    this.event(em, ctx, 'Group.Member.Removed', { type: 'Group', id: group.id }, { groupId: group.id, ...(input.userId ? { userId: input.userId } : { memberGroupId: input.memberGroupId }) });
    await this.commit(em);
    return group;
  }

  listGroups(ctx: RequestContext, page: PageRequest): Promise<Page<Group>> {
    return keysetPage<Group>(ctx.em, Group, {}, { field: 'name', direction: 'ASC', toValue: (r) => r.name, parse: (v) => v }, page);
  }

  findGroups(ctx: RequestContext | { em: EntityManager }, ids: readonly string[]): Promise<Group[]> {
    return ids.length ? ctx.em.find(Group, { id: { $in: [...ids] } }) : Promise.resolve([]);
  }

  findUsers(ctx: RequestContext, ids: readonly string[]): Promise<User[]> {
    return ids.length ? ctx.em.find(User, { id: { $in: [...ids] } }) : Promise.resolve([]);
  }

  groupMembers(ctx: RequestContext, groupIds: readonly string[]): Promise<GroupMember[]> {
    return ctx.em.find(GroupMember, { group: { $in: [...groupIds] } }, { orderBy: { createdAt: 'ASC', id: 'ASC' } });
  }

  // ---- effective permissions ----

  /**
   * Every permission a user holds, with where each comes from: roles given directly, roles of
   * the groups the user is in (transitively; each path from the user's group outwards, cycles
   * impossible by construction and bounded anyway), and roles of organization memberships
   * (one organization; all when `organizationId` is undefined; none when null). `audience` limits the result
   * to one API resource. Reads through the given unit of work (tenant filter set).
   */
  async effective(em: EntityManager, userId: string, opts: { organizationId?: string | null; audience?: string } = {}): Promise<EffectivePermission[]> {
    let api: ApiResource | null = null;
    if (opts.audience !== undefined) {
      api = await em.findOne(ApiResource, { identifier: opts.audience });
      if (!api) return [];
    }
    const roleSources = new Map<string, PermissionSource[]>();
    const add = (roleId: string, s: PermissionSource) => roleSources.set(roleId, [...(roleSources.get(roleId) ?? []), s]);
    // Groups: paths from the user's own groups outwards.
    const paths = new Map<string, string[]>();
    let frontier = (await em.find(GroupMember, { user: userId })).map((m) => m.group);
    for (const g of frontier) paths.set(g, [g]);
    for (let depth = 0; frontier.length && depth < MAX_GROUP_DEPTH; depth++) {
      const rows = await em.find(GroupMember, { memberGroup: { $in: frontier } });
      const next: string[] = [];
      for (const r of rows) {
        if (paths.has(r.group)) continue;
        paths.set(r.group, [...paths.get(r.memberGroup!)!, r.group]);
        next.push(r.group);
      }
      frontier = next;
    }
    const groupIds = [...paths.keys()];
    const assignments = await em.find(RoleAssignment, groupIds.length ? { $or: [{ user: userId }, { group: { $in: groupIds } }] } : { user: userId });
    for (const a of assignments) {
      if (a.user) add(a.role, { kind: 'DIRECT', roleId: a.role });
      else add(a.role, { kind: 'GROUP', roleId: a.role, groupPath: paths.get(a.group!)! });
    }
    const memberships = opts.organizationId === null ? [] : await this.deps.membershipRoles(em, userId, opts.organizationId);
    for (const m of memberships) {
      add(m.roleId, { kind: 'ORGANIZATION', roleId: m.roleId, organizationId: m.organizationId });
    }
    if (!roleSources.size) return [];
    const links = await em.find(RolePermission, { role: { $in: [...roleSources.keys()] } });
    if (!links.length) return [];
    const perms = await em.find(Permission, api ? { id: { $in: [...new Set(links.map((l) => l.permission))] }, apiResource: api.id } : { id: { $in: [...new Set(links.map((l) => l.permission))] } }, { orderBy: { scope: 'ASC' } });
    const apis = api ? new Map([[api.id, api]]) : new Map((await em.find(ApiResource, { id: { $in: [...new Set(perms.map((p) => p.apiResource))] } })).map((a) => [a.id, a]));
    return perms.map((permission) => ({
      permission,
      apiResource: apis.get(permission.apiResource)!,
      sources: links.filter((l) => l.permission === permission.id).flatMap((l) => roleSources.get(l.role) ?? []),
    }));
  }

  /** Is `audience` a registered API resource of the tenant, and which scopes does it define? */
  async apiScopes(em: EntityManager, audience: string): Promise<string[] | undefined> {
    const api = await em.findOne(ApiResource, { identifier: audience });
    if (!api) return undefined;
    return (await em.find(Permission, { apiResource: api.id })).map((p) => p.scope);
  }
}
