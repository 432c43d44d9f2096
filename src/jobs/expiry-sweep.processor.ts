import type { MikroORM } from '@mikro-orm/postgresql';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { systemEm } from '../db/tenant-em.js';
import { sweepExpired } from './expiry-sweep.js';
import { recordPurged } from './sweep-metrics.js';

/**
 * Thin: a fresh unit of work, then a bounded sweep with the job's own timestamp as "now"; the
 * counts go to Redis for `/metrics` (when a client is given).
 */
export function expirySweepProcessor(orm: MikroORM, opts: { auditRetentionDays: number; webhookRetentionDays?: number; redis?: Redis }) {
  return async (job: Job) => {
    const result = await sweepExpired(systemEm(orm), {
      now: new Date(job.timestamp), auditRetentionDays: opts.auditRetentionDays, webhookRetentionDays: opts.webhookRetentionDays, batchSize: 1000,
    });
    if (opts.redis) await recordPurged(opts.redis, result, new Date());
    return result;
  };
}
