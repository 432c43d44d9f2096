import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupDataDirs, clientCredentials, makeDataDir, pidAlive, processesFor, readPid, readyz, startSignet, stopSignet, waitNoProcesses,
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
});
