import type { Redis } from 'ioredis';

/**
 * What expiry sweeps purged, for `/metrics`. The worker has no HTTP server, so each sweep adds
 * its counts to a Redis hash (`HINCRBY`, one field per table; shared by every worker) and every
 * serve process reports the hash at scrape time as `signet_expiry_purged_rows_total{table}`.
 * The totals live as long as Redis' data does (like any Prometheus counter, they may reset).
 */
export const SWEEP_METRICS_KEY = 'signet:metrics:expiry-purged';
export const SWEEP_LAST_RUN_FIELD = '__last_run_ms';

export async function recordPurged(redis: Redis, purged: object, at: Date): Promise<void> {
  const m = redis.multi();
  for (const [table, n] of Object.entries(purged)) if (typeof n === 'number' && n > 0) m.hincrby(SWEEP_METRICS_KEY, table, n);
  m.hset(SWEEP_METRICS_KEY, SWEEP_LAST_RUN_FIELD, String(at.getTime()));
  await m.exec();
}

export async function readPurged(redis: Redis): Promise<{ purged: Record<string, number>; lastRunMs: number | null }> {
  const raw = await redis.hgetall(SWEEP_METRICS_KEY);
  const purged: Record<string, number> = {};
  let lastRunMs: number | null = null;
  for (const [k, v] of Object.entries(raw)) {
    if (k === SWEEP_LAST_RUN_FIELD) lastRunMs = Number(v);
    else purged[k] = Number(v);
  }
  return { purged, lastRunMs };
}
