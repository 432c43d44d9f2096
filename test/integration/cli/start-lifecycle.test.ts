import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupDataDirs, clientCredentials, makeDataDir, processesFor, readyz, startSignet, stopSignet, waitNoProcesses, type Started,
} from '../../helpers/cli.js';

/** The processes a zero-config `signet start` runs, found by data dir (args or environment). */
function expectFullTree(s: Started): void {
  const procs = processesFor(s.dataDir).map((p) => p.args);
  expect(procs.some((a) => a.includes('postgres') && a.includes(`-D ${s.dataDir}/postgres/data`)), 'private postgres').toBe(true);
  expect(procs.some((a) => a.includes('redis-server')), 'private redis-server').toBe(true);
  expect(procs.some((a) => /cli\.js serve$/.test(a)), 'serve child').toBe(true);
  expect(procs.some((a) => /cli\.js worker$/.test(a)), 'worker child').toBe(true);
  expect(procs.some((a) => /cli\.js start$/.test(a)), 'the start supervisor itself').toBe(true);
}

describe('signet start (zero-config, private PostgreSQL and Redis)', () => {
  const dir = makeDataDir('lifecycle');
  let first: { clientId: string; clientSecret: string; masterKey: string } | undefined;
  afterAll(() => cleanupDataDirs([dir]));

  it('first start: prints the URLs and the root credentials once, is ready, issues tokens; SIGINT stops everything', async () => {
    // debug: the token request below is logged at debug level, so the leak check has something to scan.
    const s = await startSignet('start-first', dir, { LOG_LEVEL: 'debug' });
    const out = s.proc.stdout();
    expect(out).toMatch(/^Signet is running\.$/m);
    expect(out).toMatch(new RegExp(`^ {2}GraphQL: +http://localhost:${s.port}/graphql `, 'm'));
    expect(out).toMatch(new RegExp(`^ {2}System issuer: +http://localhost:${s.port}/t/system$`, 'm'));
    expect(out).toMatch(/^Root management client created/m);
    expect(s.rootClientId).toMatch(/^[A-Za-z0-9._~-]{3,128}$/);
    expect(s.rootClientSecret!.length).toBeGreaterThanOrEqual(32);
    expect(out.split(s.rootClientSecret!)).toHaveLength(2); // printed exactly once
    expect(s.proc.stderr()).toContain(`signet: initialising a private PostgreSQL cluster in ${dir}/postgres/data`);
    expect(s.proc.stderr()).not.toContain(s.rootClientSecret!);

    const ready = await readyz(s.base);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });

    const token = await clientCredentials(s.base, s.rootClientId!, s.rootClientSecret!);
    expect(token.status).toBe(200);
    expect(token.json.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const wrong = await clientCredentials(s.base, s.rootClientId!, `${s.rootClientSecret}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.json.access_token).toBeUndefined();

    expectFullTree(s);
    expect(fs.readFileSync(path.join(dir, 'signet.pid'), 'utf8').trim()).toBe(String(s.proc.pid));

    const exit = await stopSignet(s, 'SIGINT', 30_000);
    expect(exit, 'exited within 30 s of SIGINT').toEqual({ code: 0, signal: null });
    expect(await waitNoProcesses(dir, 3000)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'signet.pid'))).toBe(false);
    expect(s.proc.stderr()).toMatch(/signet: stopped\n$/);

    first = { clientId: s.rootClientId!, clientSecret: s.rootClientSecret!, masterKey: fs.readFileSync(path.join(dir, 'dev-master.key'), 'utf8') };
  }, 120_000);

  it('second start on the same data dir reuses it (no initdb, no new secret, old credentials work); SIGTERM stops everything', async () => {
    expect(first, 'the first start (previous test) succeeded').toBeDefined();
    const s = await startSignet('start-second', dir);
    const out = s.proc.stdout();
    const err = s.proc.stderr();
    expect(err).not.toContain('initialising a private PostgreSQL cluster');
    expect(err).not.toContain('applied migrations');
    expect(out).not.toMatch(/client_secret|Root management client created/);
    expect(s.rootClientSecret).toBeUndefined();
    expect(out).toMatch(new RegExp(`^ {2}Root client: +${first!.clientId} \\(secret as configured, or as printed on first start\\)$`, 'm'));
    expect(fs.readFileSync(path.join(dir, 'dev-master.key'), 'utf8')).toBe(first!.masterKey);

    expect((await readyz(s.base)).status).toBe(200);
    const token = await clientCredentials(s.base, first!.clientId, first!.clientSecret);
    expect(token.status).toBe(200);
    expect(token.json.access_token).toBeTruthy();
    expectFullTree(s);

    const exit = await stopSignet(s, 'SIGTERM', 30_000);
    expect(exit, 'exited within 30 s of SIGTERM').toEqual({ code: 0, signal: null });
    expect(await waitNoProcesses(dir, 3000)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'signet.pid'))).toBe(false);
  }, 120_000);
});
