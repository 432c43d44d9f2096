import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../../src/config/embedded/index.js';
import {
  cleanupDataDirs, clientCredentials, makeDataDir, processesFor, readyz, startSignet, stopSignet, waitNoProcesses,
} from '../../helpers/cli.js';

/**
 * Uses the test run's PostgreSQL and Redis servers as "external" services, but a database and a
 * Redis logical database of its own: the `worker` this start runs must not relay or sweep the
 * shared test database (other files assert on exactly that) nor take their BullMQ jobs.
 */
describe('signet start with DATABASE_URL and REDIS_URL set', () => {
  const dir = makeDataDir('external');
  const dbName = `signet_cli_${randomBytes(5).toString('hex')}`;
  const adminUrl = Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString();
  const databaseUrl = Object.assign(new URL(inject('databaseUrl')), { pathname: `/${dbName}` }).toString();
  const redisUrl = Object.assign(new URL(inject('redisUrl')), { pathname: '/13' }).toString();

  beforeAll(async () => { await ensureDatabase(adminUrl, dbName); });
  afterAll(async () => {
    await cleanupDataDirs([dir]);
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists "${dbName}" with (force)`);
    await c.end();
    const r = new Redis(redisUrl);
    await r.flushdb();
    r.disconnect();
  });

  it('starts no PostgreSQL or Redis of its own, migrates the external database, is ready, and leaves the services running when stopped', async () => {
    const s = await startSignet('external', dir, {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      SIGNET_ROOT_CLIENT_ID: inject('rootClientId'),
      SIGNET_ROOT_CLIENT_SECRET: inject('rootClientSecret'),
      SIGNET_MASTER_KEY: inject('masterKey'),
    });
    expect(s.proc.stderr()).not.toMatch(/initialising|orphaned|WARNING: SIGNET_MASTER_KEY is unset/);
    expect(s.proc.stderr()).toMatch(/^signet: applied migrations: /m);
    expect(s.proc.stdout()).not.toMatch(/client_secret/);
    expect(s.proc.stdout()).not.toContain(inject('rootClientSecret'));

    // Only the three node processes (start, serve, worker) belong to this data dir…
    const procs = processesFor(dir);
    expect(procs.map((p) => p.args.replace(/^.*cli\.js /, '')).sort()).toEqual(['serve', 'start', 'worker']);
    // …and the supervisor has no other children (no postgres, no redis-server).
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(s.proc.pid)], { encoding: 'utf8' }).trim().split('\n');
    expect(children.map((a) => a.replace(/^.*cli\.js /, '')).sort()).toEqual(['serve', 'worker']);
    expect(fs.readdirSync(dir)).toEqual([]); // no postgres/, redis/, dev-master.key or signet.pid

    const ready = await readyz(s.base);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
    // The configured root credentials were bootstrapped into the external database.
    expect((await clientCredentials(s.base, inject('rootClientId'), inject('rootClientSecret'))).status).toBe(200);

    expect(await stopSignet(s, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(await waitNoProcesses(dir, 3000)).toEqual([]);
    // The external services are still up (stop() stops only what start started).
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await c.end();
    const r = new Redis(redisUrl);
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
  }, 120_000);
});
