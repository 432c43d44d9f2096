import DataLoader from 'dataloader';
import type { RequestContext } from '../../../shared/request-context.js';
import { Tenant } from '../tenant.entity.js';

/** Tenants by id, batched per unit of work (no visibility check: callers pass ids they may see). */
export function tenantById(ctx: RequestContext): DataLoader<string, Tenant> {
  return ctx.loaders.get('tenantById', () => new DataLoader<string, Tenant>(async (ids) => {
    const rows = await ctx.em.find(Tenant, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? new Error(`tenant ${id} not found`));
  }));
}
