import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { drainOutbox, type RelayDeps } from '../events/outbox-relay.js';
import { systemEm } from '../db/tenant-em.js';

/** Thin: a fresh unit of work, then drain. */
export function outboxRelayProcessor(orm: MikroORM, redis: Redis, deps: RelayDeps = {}) {
  return async () => ({ relayed: await drainOutbox(systemEm(orm), redis, undefined, deps) });
}
