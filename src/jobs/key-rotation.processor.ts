import type { MikroORM } from '@mikro-orm/postgresql';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Services } from '../app/services.js';
import { systemEm, tenantEm } from '../db/tenant-em.js';
import { LoaderCache, type RequestContext } from '../shared/request-context.js';

/**
 * Scheduled rotation: every tenant whose oldest active signing key was activated more than
 * `rotationDays` ago is rotated (with overlap, see SigningKeyService.rotate). Bounded to `limit`
 * tenants per run; idempotent (a rotated tenant's keys are fresh, so the next run skips it).
 */
export function keyRotationProcessor(orm: MikroORM, services: Services, log: Logger, opts: { rotationDays: number; limit: number }) {
  return async (job: Job) => {
    const cutoff = new Date(job.timestamp - opts.rotationDays * 86_400_000);
    const due = await systemEm(orm).getConnection().execute<{ id: string; slug: string; name: string; is_system: boolean }[]>(
      `select t.id, t.slug, t.name, t.is_system from tenant t where exists (
         select 1 from signing_key k where k.tenant_id = t.id and k.status = 'active' and k.activated_at < ?) limit ${Math.floor(opts.limit)}`,
      [cutoff], 'all',
    );
    for (const t of due) {
      const ctx: RequestContext = {
        requestId: `key-rotation-${job.id ?? 'run'}`,
        tenant: { id: t.id, slug: t.slug, name: t.name, isSystem: t.is_system },
        actor: { kind: 'system', id: 'key-rotation', tenantId: t.id },
        scopes: new Set(), credential: { homeTenantId: t.id, expiresAt: 0 },
        em: tenantEm(orm, t.id), loaders: new LoaderCache(), services, log,
      };
      await services.signingKeys.rotate(ctx);
      services.forgetKeys(t.id);
    }
    return { rotatedTenants: due.length };
  };
}
