import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  cleanupDataDirs, clientCredentials, makeDataDir, processesFor, readyz, startSignet, stopSignet, waitNoProcesses,
} from '../../helpers/cli.js';

describe('signet start with DATABASE_URL and REDIS_URL set', () => {
  const dir = makeDataDir('external');
  afterAll(() => cleanupDataDirs([dir]));

  it('starts no PostgreSQL or Redis of its own, is ready, and leaves the external services running when stopped', async () => {
    const s = await startSignet('external', dir, {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      SIGNET_ROOT_CLIENT_ID: inject('rootClientId'),
      SIGNET_ROOT_CLIENT_SECRET: inject('rootClientSecret'),
      SIGNET_MASTER_KEY: inject('masterKey'),
    });
    expect(s.proc.stderr()).not.toMatch(/initialising|WARNING: SIGNET_MASTER_KEY is unset/);
    expect(s.proc.stdout()).not.toMatch(/client_secret/);
    expect(s.proc.stdout()).not.toContain(inject('rootClientSecret'));

    // Only the three node processes (start, serve, worker) belong to this data dir.
    const procs = processesFor(dir);
    expect(procs.map((p) => p.args.replace(/^.*cli\.js /, '')).sort()).toEqual(['serve', 'start', 'worker']);
    // …and the supervisor has no other children (no postgres, no redis-server).
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(s.proc.pid)], { encoding: 'utf8' }).trim().split('\n');
    expect(children.map((a) => a.replace(/^.*cli\.js /, '')).sort()).toEqual(['serve', 'worker']);
    expect(fs.existsSync(path.join(dir, 'postgres'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'redis'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'dev-master.key'))).toBe(false);

    const ready = await readyz(s.base);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
    const token = await clientCredentials(s.base, inject('rootClientId'), inject('rootClientSecret'));
    expect(token.status).toBe(200);

    expect(await stopSignet(s, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(await waitNoProcesses(dir, 3000)).toEqual([]);
    // The external PostgreSQL is still up (stop() stops only what start started).
    const c = new pg.Client({ connectionString: inject('databaseUrl') });
    await c.connect();
    expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  }, 120_000);
});
