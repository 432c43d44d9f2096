import DataLoader from 'dataloader';
import type { RequestContext } from '../../../shared/request-context.js';
import type { Organization, OrganizationMember } from '../organization.entity.js';

/** Organizations by id. */
export function organizationById(ctx: RequestContext): DataLoader<string, Organization | null> {
  return ctx.loaders.get('organizationById', () => new DataLoader<string, Organization | null>(async (ids) => {
    const rows = new Map((await ctx.services.organizations.findByIds(ctx, ids)).map((o) => [o.id, o]));
    return ids.map((id) => rows.get(id) ?? null);
  }));
}

/** Memberships of users, batched: one statement for any number of users. */
export function membershipsByUser(ctx: RequestContext): DataLoader<string, OrganizationMember[]> {
  return ctx.loaders.get('membershipsByUser', () => new DataLoader<string, OrganizationMember[]>(async (ids) => {
    const rows = await ctx.services.organizations.membershipsOfUsers(ctx, ids);
    return ids.map((id) => rows.filter((r) => r.user === id));
  }));
}

/** Role ids of memberships, batched. */
export function roleIdsByMember(ctx: RequestContext): DataLoader<string, string[]> {
  return ctx.loaders.get('roleIdsByMember', () => new DataLoader<string, string[]>(async (ids) => {
    const rows = await ctx.services.organizations.memberRoleLinks(ctx, ids);
    return ids.map((id) => rows.filter((r) => r.member === id).map((r) => r.role));
  }));
}
