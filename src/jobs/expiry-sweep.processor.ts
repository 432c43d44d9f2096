import type { MikroORM } from '@mikro-orm/postgresql';
import type { Job } from 'bullmq';
import { systemEm } from '../db/tenant-em.js';
import { sweepExpired } from './expiry-sweep.js';

/** Thin: a fresh unit of work, then a bounded sweep with the job's own timestamp as "now". */
export function expirySweepProcessor(orm: MikroORM, opts: { auditRetentionDays: number }) {
  return async (job: Job) => sweepExpired(systemEm(orm), {
    now: new Date(job.timestamp), auditRetentionDays: opts.auditRetentionDays, batchSize: 1000,
  });
}
