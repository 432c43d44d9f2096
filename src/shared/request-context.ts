import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Services } from '../app/services.js';

/** Who is acting. `system` is Signet itself (bootstrap, jobs). */
export interface Actor {
  kind: 'client' | 'user' | 'system';
  /** Client id for clients, subject for users, a job name for system. */
  id: string;
  clientId?: string;
  /** The tenant the actor belongs to (a platform operator's is the system tenant). */
  tenantId: string;
}

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  isSystem: boolean;
}

/** Per-unit-of-work cache of DataLoaders, created lazily by the modules that need them. */
export class LoaderCache {
  private readonly loaders = new Map<string, unknown>();
  get<T>(key: string, create: () => T): T {
    let l = this.loaders.get(key) as T | undefined;
    if (!l) {
      l = create();
      this.loaders.set(key, l);
    }
    return l;
  }
}

/**
 * Everything a service call needs, created once per HTTP request, GraphQL operation,
 * subscription event or job: one EntityManager fork (tenant filter set), one loader cache.
 */
export interface RequestContext {
  requestId: string;
  /** The tenant being acted in (from the token, or Signet-Tenant for platform operators). */
  tenant: TenantRef;
  actor: Actor;
  scopes: ReadonlySet<string>;
  /** The bearer credential behind the call: its issuing tenant and expiry (epoch seconds). */
  credential: { homeTenantId: string; expiresAt: number };
  em: EntityManager;
  loaders: LoaderCache;
  services: Services;
  log: Logger;
}

export function isPlatformAdmin(ctx: Pick<RequestContext, 'scopes' | 'actor'>, systemTenantId: string): boolean {
  return ctx.actor.tenantId === systemTenantId && ctx.scopes.has('platform:admin');
}
