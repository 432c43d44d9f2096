import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './postgres.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './redis.js';

export { EmbeddedServiceError } from './process-utils.js';
export { ensureDatabase } from './postgres.js';

export interface ServiceUrls {
  databaseUrl: string;
  redisUrl: string;
  /** Pids of services this process started (for tests and diagnostics). */
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Uses DATABASE_URL / REDIS_URL when given; otherwise starts private PostgreSQL and Redis under
 * `dataDir`. `stop()` stops only what was started here.
 */
export async function ensureServices(opts: {
  databaseUrl?: string; redisUrl?: string; dataDir: string; database?: string; fast?: boolean;
  log: (m: string) => void;
}): Promise<ServiceUrls> {
  opts = { ...opts, dataDir: path.resolve(opts.dataDir) };
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const started: Array<EmbeddedPostgres | EmbeddedRedis> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
    started.length = 0;
  };
  try {
    if (!opts.databaseUrl || !opts.redisUrl) fs.writeFileSync(path.join(opts.dataDir, 'signet.pid'), `${process.pid}\n`);
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: opts.dataDir, database: opts.database ?? 'signet', log: opts.log, fast: opts.fast });
      started.push(pg);
      databaseUrl = pg.url;
    }
    let redisUrl = opts.redisUrl;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis({ dataDir: opts.dataDir, log: opts.log });
      started.push(redis);
      redisUrl = redis.url;
    }
    return { databaseUrl, redisUrl, pids: started.map((s) => s.pid), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
