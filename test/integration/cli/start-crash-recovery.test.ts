import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  CLI, cleanupDataDirs, cliEnv, clientCredentials, makeDataDir, pidAlive, processesFor, readPid, readyz, startSignet, stopSignet, waitNoProcesses,
} from '../../helpers/cli.js';

describe('signet start after a crash (SIGKILLed supervisor)', () => {
  const dir = makeDataDir('crash');
  afterAll(() => cleanupDataDirs([dir]));

  it('serve/worker exit with their supervisor; the next start reclaims the orphaned PostgreSQL and Redis and comes up', async () => {
    const crashed = await startSignet('crash-first', dir);
    const pgPid = readPid(dir, 'postgres/data/postmaster.pid');
    const redisPid = readPid(dir, 'redis/redis.pid');
    expect(pidAlive(pgPid) && pidAlive(redisPid)).toBe(true);

    crashed.proc.child.kill('SIGKILL');
    expect(await crashed.proc.waitExit(5000)).toEqual({ code: null, signal: 'SIGKILL' });
    // serve and worker notice the lost IPC channel and stop (they share the stdout pipe: `closed`).
    const closed = await Promise.race([crashed.proc.closed, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(closed, 'serve and worker exited after the supervisor died').not.toBe('timeout');
    const left = processesFor(dir);
    expect(left.filter((p) => /cli\.js/.test(p.args))).toEqual([]);
    // The premise: the detached services survived the crash.
    expect(pidAlive(pgPid), 'postgres orphaned').toBe(true);
    expect(pidAlive(redisPid), 'redis-server orphaned').toBe(true);

    const s = await startSignet('crash-second', dir);
    const err = s.proc.stderr();
    expect(err).toContain(`stopping an orphaned service (pid ${pgPid}) left by an earlier run`);
    expect(err).toContain(`stopping an orphaned service (pid ${redisPid}) left by an earlier run`);
    expect(err).not.toContain('initialising a private PostgreSQL cluster');
    expect(pidAlive(pgPid)).toBe(false);
    expect(pidAlive(redisPid)).toBe(false);
    expect(readPid(dir, 'postgres/data/postmaster.pid')).not.toBe(pgPid);

    expect((await readyz(s.base)).status).toBe(200);
    // The data survived the crash: the root secret printed by the crashed start still works.
    expect(crashed.rootClientSecret).toBeTruthy();
    expect((await clientCredentials(s.base, crashed.rootClientId!, crashed.rootClientSecret!)).status).toBe(200);

    expect(await stopSignet(s, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(await waitNoProcesses(dir, 3000)).toEqual([]);
  }, 150_000);
  it('a serve whose supervisor died while it was still starting stops on its own, cleanly (no missed disconnect)', async () => {
    // A throwaway supervisor forks `signet serve` (against this test run's services, with its root
    // client) and is SIGKILLed at once, long before serve is up: the IPC channel is gone before
    // serve listens for its 'disconnect', so serve must notice on its own and exit.
    const log = path.join(dir, 'orphan-serve.log');
    const env = cliEnv('orphan-serve', {
      DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), SIGNET_MASTER_KEY: inject('masterKey'),
      SIGNET_ROOT_CLIENT_ID: inject('rootClientId'), SIGNET_ROOT_CLIENT_SECRET: inject('rootClientSecret'), PORT: '0', SIGNET_DATA_DIR: dir,
    });
    const supervisor = spawn(process.execPath, ['-e', `
      const out = require('node:fs').openSync(${JSON.stringify(log)}, 'w');
      const c = require('node:child_process').fork(${JSON.stringify(CLI)}, ['serve'], { stdio: ['ignore', out, out, 'ipc'] });
      process.stdout.write(String(c.pid) + '\\n', () => process.kill(process.pid, 'SIGKILL'));
    `], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    supervisor.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    await new Promise((resolve) => supervisor.on('exit', resolve));
    const servePid = Number(out.trim());
    expect(servePid).toBeGreaterThan(0);
    const deadline = Date.now() + 30_000;
    while (pidAlive(servePid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(pidAlive(servePid), 'the orphaned serve stopped').toBe(false);
    // It stopped by its shutdown path, not by a crash on the closed channel.
    expect(fs.readFileSync(log, 'utf8')).not.toMatch(/ERR_IPC_CHANNEL_CLOSED|Unhandled 'error'|shutdown failed/);
  });
});
