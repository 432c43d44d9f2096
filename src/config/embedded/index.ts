import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './postgres.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './redis.js';

import { EmbeddedServiceError, pidAlive } from './process-utils.js';

export { EmbeddedServiceError };
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
  const pidFile = path.join(opts.dataDir, 'signet.pid');
  let claimed = false;
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
    started.length = 0;
    if (claimed) fs.rmSync(pidFile, { force: true });
    claimed = false;
  };
  try {
    if (!opts.databaseUrl || !opts.redisUrl) {
      claimDataDir(pidFile);
      claimed = true;
    }
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

/**
 * One supervisor per data folder: the pid file is created exclusively; an existing one naming a
 * live process other than us means the folder is in use (a dead one is a crash: take over).
 */
function claimDataDir(pidFile: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(pidFile, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(pidFile, 'utf8').trim());
      if (owner === process.pid) return;
      if (owner && pidAlive(owner)) {
        throw new EmbeddedServiceError(`this data folder is in use by another Signet (pid ${owner}); stop it or use another SIGNET_DATA_DIR`);
      }
      fs.rmSync(pidFile, { force: true });
    }
  }
  throw new EmbeddedServiceError('could not claim the data folder (another Signet is starting in it)');
}
