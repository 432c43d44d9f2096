import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/** A fresh unit of work scoped to one tenant (the default `tenant` filter gets its id). */
export function tenantEm(source: MikroORM | EntityManager, tenantId: string): EntityManager {
  const em = ('em' in source ? source.em : source).fork({ clear: true }) as EntityManager;
  em.setFilterParams('tenant', { tenantId });
  return em;
}

/** A unit of work for system-level code (bootstrap, sweeps, relay): the tenant filter is off. */
export function systemEm(source: MikroORM | EntityManager): EntityManager {
  const em = ('em' in source ? source.em : source).fork({ clear: true }) as EntityManager;
  em.setFilterParams('tenant', { tenantId: '00000000-0000-0000-0000-000000000000' });
  return em;
}

export const NO_TENANT_FILTER = { filters: { tenant: false } } as const;
