import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupDataDirs, clientCredentials, makeDataDir, processesFor, readyz, startSignet, stopSignet, waitNoProcesses,
} from '../../helpers/cli.js';

describe('two signet starts side by side (different PORT and SIGNET_DATA_DIR)', () => {
  const dirs = [makeDataDir('pair-a'), makeDataDir('pair-b')];
  afterAll(() => cleanupDataDirs(dirs));

  it('both become ready at the same time, stay isolated, and both stop without orphans', async () => {
    const [a, b] = await Promise.all([startSignet('pair-a', dirs[0]!), startSignet('pair-b', dirs[1]!)]);
    expect(a.port).not.toBe(b.port);
    expect(a.proc.stdout()).toContain(`http://localhost:${a.port}/t/system`);
    expect(b.proc.stdout()).toContain(`http://localhost:${b.port}/t/system`);

    const [ra, rb] = await Promise.all([readyz(a.base), readyz(b.base)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect([ra.body, rb.body]).toMatchObject([{ status: 'ready' }, { status: 'ready' }]);

    // Separate databases: each accepts its own root secret and rejects the other's.
    expect(a.rootClientSecret).toBeTruthy();
    expect(b.rootClientSecret).toBeTruthy();
    expect(a.rootClientSecret).not.toBe(b.rootClientSecret);
    expect((await clientCredentials(a.base, a.rootClientId!, a.rootClientSecret!)).status).toBe(200);
    expect((await clientCredentials(b.base, b.rootClientId!, b.rootClientSecret!)).status).toBe(200);
    expect((await clientCredentials(b.base, a.rootClientId!, a.rootClientSecret!)).status).toBe(401);

    // Neither owns the other's processes.
    const pa = processesFor(dirs[0]!).map((p) => p.pid);
    const pb = processesFor(dirs[1]!).map((p) => p.pid);
    expect(pa.length).toBeGreaterThanOrEqual(5);
    expect(pb.length).toBeGreaterThanOrEqual(5);
    expect(pa.filter((p) => pb.includes(p))).toEqual([]);

    const [ea, eb] = await Promise.all([stopSignet(a, 'SIGINT'), stopSignet(b, 'SIGINT')]);
    expect(ea).toEqual({ code: 0, signal: null });
    expect(eb).toEqual({ code: 0, signal: null });
    expect(await waitNoProcesses(dirs[0]!, 3000)).toEqual([]);
    expect(await waitNoProcesses(dirs[1]!, 3000)).toEqual([]);
  }, 150_000);
});
