import DataLoader from 'dataloader';
import type { RequestContext } from '../../../shared/request-context.js';
import type { ApiResource, Group, GroupMember, Permission, Role } from '../rbac.entity.js';

function byIds<T extends { id: string }>(ctx: RequestContext, key: string, load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return ctx.loaders.get(key, () => new DataLoader<string, T | null>(async (ids) => {
    const rows = new Map((await load(ids)).map((r) => [r.id, r]));
    return ids.map((id) => rows.get(id) ?? null);
  }));
}

export const roleById = (ctx: RequestContext) => byIds<Role>(ctx, 'roleById', (ids) => ctx.services.rbac.findRoles(ctx, ids));
export const groupById = (ctx: RequestContext) => byIds<Group>(ctx, 'groupById', (ids) => ctx.services.rbac.findGroups(ctx, ids));
export const apiResourceById = (ctx: RequestContext) => byIds<ApiResource>(ctx, 'apiResourceById', (ids) => ctx.services.rbac.findApiResources(ctx, ids));

/** Permissions of API resources. */
export function permissionsByApi(ctx: RequestContext): DataLoader<string, Permission[]> {
  return ctx.loaders.get('permissionsByApi', () => new DataLoader<string, Permission[]>(async (ids) => {
    const rows = await ctx.services.rbac.permissionsOfApis(ctx, ids);
    return ids.map((id) => rows.filter((r) => r.apiResource === id));
  }));
}

/** Permissions of roles: two statements per batch (links, then permissions). */
export function permissionsByRole(ctx: RequestContext): DataLoader<string, Permission[]> {
  return ctx.loaders.get('permissionsByRole', () => new DataLoader<string, Permission[]>(async (ids) => {
    const links = await ctx.services.rbac.rolePermissionLinks(ctx, ids);
    const perms = links.length ? new Map((await ctx.services.rbac.findPermissions(ctx, [...new Set(links.map((l) => l.permission))])).map((p) => [p.id, p])) : new Map<string, Permission>();
    return ids.map((id) => links.filter((l) => l.role === id).map((l) => perms.get(l.permission)!).filter(Boolean).sort((a, b) => a.scope.localeCompare(b.scope)));
  }));
}

/** Roles given directly to users: two statements per batch. */
export function directRolesByUser(ctx: RequestContext): DataLoader<string, Role[]> {
  return ctx.loaders.get('directRolesByUser', () => new DataLoader<string, Role[]>(async (ids) => {
    const rows = await ctx.services.rbac.directAssignments(ctx, ids);
    const roles = new Map((await ctx.services.rbac.findRoles(ctx, [...new Set(rows.map((r) => r.role))])).map((r) => [r.id, r]));
    return ids.map((id) => rows.filter((r) => r.user === id).map((r) => roles.get(r.role)!).filter(Boolean).sort((a, b) => a.name.localeCompare(b.name)));
  }));
}

/** Members (users and nested groups) of groups. */
export function membersByGroup(ctx: RequestContext): DataLoader<string, GroupMember[]> {
  return ctx.loaders.get('membersByGroup', () => new DataLoader<string, GroupMember[]>(async (ids) => {
    const rows = await ctx.services.rbac.groupMembers(ctx, ids);
    return ids.map((id) => rows.filter((r) => r.group === id));
  }));
}
