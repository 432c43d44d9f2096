import type { MikroORM } from '@mikro-orm/postgresql';
import { systemEm } from '../../db/tenant-em.js';
import type { IssuerRecord, IssuerStore } from '../../protocol/ports.js';
import { TtlCache } from '../../shared/ttl-cache.js';
import { Tenant } from './tenant.entity.js';
import { SLUG_PATTERN } from './tenant.service.js';

/** IssuerStore: slug → tenant, cached briefly (slugs are immutable; deletion is rare). */
export class TenantIssuerStore implements IssuerStore {
  private readonly cache = new TtlCache<IssuerRecord | undefined>(10_000);
  constructor(private readonly orm: MikroORM) {}

  findBySlug(slug: string): Promise<IssuerRecord | undefined> {
    if (!SLUG_PATTERN.test(slug)) return Promise.resolve(undefined);
    return this.cache.get(slug, async () => {
      const t = await systemEm(this.orm).findOne(Tenant, { slug });
      return t ? { tenantId: t.id, slug: t.slug, name: t.name, sessionTtl: t.sessionTtl,
        tokenTtls: { access: t.accessTokenTtl ?? null, id: t.idTokenTtl ?? null, refresh: t.refreshTokenTtl ?? null, refreshIdle: t.refreshTokenIdleTtl ?? null },
        loginUiUrl: t.loginUiUrl ?? null, consentUiUrl: t.consentUiUrl ?? null } : undefined;
    });
  }

  forget(slug: string): void {
    this.cache.delete(slug);
  }
}
