import DataLoader from 'dataloader';
import type { RequestContext } from '../../../shared/request-context.js';
import type { SigningKey } from '../signing-key.entity.js';

/** Published signing keys per tenant id, batched per unit of work. */
export function signingKeysByTenant(ctx: RequestContext): DataLoader<string, SigningKey[]> {
  return ctx.loaders.get('signingKeysByTenant', () => new DataLoader<string, SigningKey[]>(async (tenantIds) => {
    const rows = await ctx.services.signingKeys.listPublished(ctx.em, tenantIds);
    return tenantIds.map((id) => rows.filter((r) => r.tenant === id));
  }));
}
