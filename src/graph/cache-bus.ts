import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export const CACHE_CHANNEL = 'signet:cache-invalidate';

export type CacheInvalidation =
  | { kind: 'client'; tenantId: string; clientId: string }
  | { kind: 'keys'; tenantId: string }
  | { kind: 'issuer'; slug: string }
  | { kind: 'tenant'; tenantId: string };

/**
 * Process-local caches (issuers, clients, signing keys) are bounded by short TTLs; a change made
 * in one process is also announced on Redis so every other serve drops its copy at once. With
 * Redis down, the TTL still bounds staleness.
 */
export class CacheBus {
  private readonly handlers: Array<(m: CacheInvalidation) => void> = [];

  constructor(private readonly pub: Redis, sub: Redis, private readonly log: Logger) {
    sub.subscribe(CACHE_CHANNEL).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'cache channel subscribe failed'));
    sub.on('message', (channel: string, message: string) => {
      if (channel !== CACHE_CHANNEL) return;
      try {
        const m = JSON.parse(message) as CacheInvalidation;
        for (const h of this.handlers) h(m);
      } catch {
        this.log.warn('dropping a malformed cache invalidation');
      }
    });
  }

  onInvalidate(handler: (m: CacheInvalidation) => void): void {
    this.handlers.push(handler);
  }

  /** Drops local copies now, and asks every other process to. */
  invalidate(m: CacheInvalidation): void {
    for (const h of this.handlers) h(m);
    this.pub.publish(CACHE_CHANNEL, JSON.stringify(m)).catch(() => undefined);
  }
}
