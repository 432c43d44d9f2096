import { p } from '@mikro-orm/core';
import { Tenant } from '../modules/tenant/tenant.entity.js';

/**
 * The `tenant` column every tenant-owned entity carries: a cascade-deleting FK to tenant(id),
 * exposed as the plain id string. Paired with `tenantFilter`, which every read goes through.
 */
export const tenantColumn = () => p.manyToOne(Tenant).mapToPk().deleteRule('cascade').index();

/**
 * Default ORM filter: a unit of work that forgets to set the tenant fails loudly ("No arguments
 * provided for filter") instead of reading across tenants. System-level code (sweeps, relay,
 * bootstrap) opts out explicitly with `filters: { tenant: false }`.
 */
export const tenantFilter = {
  tenant: {
    name: 'tenant',
    cond: (args: { tenantId: string }) => ({ tenant: args.tenantId }),
    default: true,
  },
};
