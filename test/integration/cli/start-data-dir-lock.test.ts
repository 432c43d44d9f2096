import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/config/embedded/process-utils.js';
import {
  cleanupDataDirs, cliEnv, makeDataDir, pidAlive, readPid, readyz, spawnCli, startSignet, stopSignet, waitNoProcesses,
} from '../../helpers/cli.js';

describe('signet start on a data dir already in use', () => {
  const dir = makeDataDir('lock');
  afterAll(() => cleanupDataDirs([dir]));

  it('refuses (exit 1, "in use by another Signet") and leaves the running instance alone', async () => {
    const a = await startSignet('lock-a', dir);
    const pgPid = readPid(dir, 'postgres/data/postmaster.pid');
    const redisPid = readPid(dir, 'redis/redis.pid');

    const port = await freePort();
    const b = spawnCli(['start'], cliEnv('lock-b', { PORT: String(port), SIGNET_DATA_DIR: dir }), 'lock-b');
    const outcome = await Promise.race([
      b.exited.then((e) => ({ exited: e })),
      b.waitFor(/^ {2}Press Ctrl-C to stop\.$/m, { timeoutMs: 60_000 }).then(() => ({ running: true }), () => ({ running: false })),
    ]);
    try {
      expect(outcome, `second start on a busy data dir; its stderr:\n${b.stderr()}`).toEqual({ exited: { code: 1, signal: null } });
      expect(b.stderr()).toContain(`signet: this data folder is in use by another Signet (pid ${a.proc.pid}); stop it or use another SIGNET_DATA_DIR`);
      expect(b.stderr()).not.toContain('stopping an orphaned service');
      // The first instance's services were not touched and it is still ready.
      expect(pidAlive(pgPid) && pidAlive(redisPid)).toBe(true);
      expect((await readyz(a.base)).status).toBe(200);
      expect(readPid(dir, 'signet.pid')).toBe(a.proc.pid);
    } finally {
      await stopSignet({ proc: b }, 'SIGINT', 30_000);
    }
    expect(await stopSignet(a, 'SIGINT', 30_000)).toEqual({ code: 0, signal: null });
    expect(await waitNoProcesses(dir, 3000)).toEqual([]);
  }, 150_000);
});
