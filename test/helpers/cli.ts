import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { freePort } from '../../src/config/embedded/process-utils.js';
import { registerSecret } from './secrets.js';

/**
 * Helpers for tests that run the real compiled CLI (`node dist/src/cli.js …`) in child processes.
 * Build first (`npx tsc -p tsconfig.build.json`; `npm test` does it).
 */
export const CLI = path.resolve('dist/src/cli.js');

/** Variables the test runner's own environment must not leak into a CLI under test. */
const STRIP = /^(DATABASE_URL|REDIS_URL|PORT|PUBLIC_URL|HOST|LOG_LEVEL|NODE_ENV|SIGNET_.*)$/;

/**
 * A fresh data folder under the repository's `.signet/` (not /tmp: the private PostgreSQL runs
 * as the `postgres` user and needs every parent folder traversable). Fixed-length random name,
 * so no data dir is a prefix of another.
 */
export function makeDataDir(label: string): string {
  const dir = path.resolve(`.signet/cli-${label}-${randomBytes(5).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Environment for a CLI child: the runner's environment without DATABASE_URL/REDIS_URL/SIGNET_*
 * (and friends), plus LOG_LEVEL=warn, the given data dir and a log file inside the test log dir
 * (so the global secret-leak check scans it). `extra` wins; an `undefined` value removes a key.
 */
export function cliEnv(name: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!STRIP.test(k)) env[k] = v;
  Object.assign(env, { LOG_LEVEL: 'warn', SIGNET_LOG_FILE: path.join(inject('logDir'), `cli-${name}.log`) });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the match once `re` matches the accumulated stream; rejects on timeout or exit. */
  waitFor(re: RegExp, opts?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number }): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
  /** Resolves once stdout/stderr are closed: the process and every child sharing its pipes are gone. */
  closed: Promise<Exit>;
  /** Resolves with the exit, or undefined when the process is still running after `timeoutMs`. */
  waitExit(timeoutMs: number): Promise<Exit | undefined>;
}

/**
 * Spawns `node dist/src/cli.js ...args`. When `name` is given, stderr is also written to
 * `<logDir>/cli-<name>.stderr.log` at exit, so the secret-leak check covers it (stdout is kept
 * out: `signet start` prints the generated root secret there on purpose).
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, name?: string): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = () => { for (const l of [...listeners]) l(); };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; notify(); });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; notify(); });
  // 'close' (not 'exit'): every byte of stdout/stderr has been read by then. Forked serve/worker
  // children share the pipes, so `close` also means they are gone.
  const closed = new Promise<Exit>((resolve) => child.on('close', (code, signal) => {
    if (name) fs.writeFileSync(path.join(inject('logDir'), `cli-${name}.stderr.log`), err);
    resolve({ code, signal });
    notify();
  }));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let exit: Exit | undefined;
  void exited.then((e) => { exit = e; notify(); });

  const tail = (s: string) => s.split('\n').slice(-15).join('\n');
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    closed,
    waitExit: (timeoutMs) => Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs).unref())]),
    waitFor(re, opts = {}) {
      const stream = opts.stream ?? 'stdout';
      const timeoutMs = opts.timeoutMs ?? 60_000;
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (stream === 'stdout' ? out : err).match(re);
          if (m) return done(() => resolve(m));
          if (exit) {
            done(() => reject(new Error(`cli ${args.join(' ')} exited (${exit!.signal ?? exit!.code}) before printing ${re} on ${stream}\nstderr:\n${tail(err)}`)));
          }
        };
        const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re} on ${stream} of cli ${args.join(' ')}\nstderr:\n${tail(err)}`))), timeoutMs);
        const done = (f: () => void) => { clearTimeout(timer); listeners.delete(check); f(); };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs a short-lived CLI command to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const p = spawnCli(args, env);
  const e = await p.waitExit(timeoutMs);
  if (!e) {
    p.child.kill('SIGKILL');
    throw new Error(`cli ${args.join(' ')} did not exit within ${timeoutMs} ms`);
  }
  await p.closed; // all output read
  return { ...e, stdout: p.stdout(), stderr: p.stderr() };
}

export interface Started {
  proc: CliProcess;
  port: number;
  dataDir: string;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Generated root credentials, when this start printed them (the secret is registered). */
  rootClientId?: string;
  rootClientSecret?: string;
}

/**
 * `signet start` on a free port with `dataDir`; resolves once the "Signet is running." banner is printed.
 * `extra` env entries override the defaults (e.g. DATABASE_URL for external services).
 */
export async function startSignet(name: string, dataDir: string, extra: Record<string, string | undefined> = {}, timeoutMs = 90_000): Promise<Started> {
  const port = await freePort();
  const proc = spawnCli(['start'], cliEnv(name, { PORT: String(port), SIGNET_DATA_DIR: dataDir, ...extra }), name);
  // The last line of the banner: the whole banner has been read.
  await proc.waitFor(/^ {2}Press Ctrl-C to stop\.$/m, { timeoutMs });
  const started: Started = { proc, port, dataDir, base: `http://127.0.0.1:${port}` };
  const secret = proc.stdout().match(/^ {2}client_secret: +(\S+)$/m);
  if (secret) {
    registerSecret(inject('logDir'), secret[1]!);
    started.rootClientSecret = secret[1]!;
    started.rootClientId = proc.stdout().match(/^ {2}client_id: +(\S+)$/m)?.[1];
  }
  return started;
}

/** Sends `signal` and waits for the exit; undefined when it did not exit within `timeoutMs`. */
export async function stopSignet(s: { proc: CliProcess }, signal: NodeJS.Signals = 'SIGINT', timeoutMs = 30_000): Promise<Exit | undefined> {
  if (s.proc.child.exitCode === null && s.proc.child.signalCode === null) s.proc.child.kill(signal);
  return s.proc.waitExit(timeoutMs);
}

export async function readyz(base: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}/readyz`);
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* keep text */ }
  return { status: res.status, body };
}

/** client_credentials at /t/system/oauth/token; registers any issued access token. */
export async function clientCredentials(base: string, clientId: string, clientSecret: string): Promise<{ status: number; json: { access_token?: string; token_type?: string; error?: string } }> {
  const res = await fetch(`${base}/t/system/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const json = (await res.json()) as { access_token?: string; error?: string };
  if (json.access_token) registerSecret(inject('logDir'), json.access_token);
  return { status: res.status, json };
}

export interface Proc { pid: number; args: string }

/**
 * Live processes that belong to `dataDir`, listed with `ps -eo pid,args`: their command line
 * mentions it (postgres -D …), their working directory is inside it (redis-server and the
 * postgres processes, whose titles hide the path and whose environ area they overwrite), or
 * their environment has SIGNET_DATA_DIR=dataDir (start, serve, worker).
 */
export function processesFor(dataDir: string): Proc[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  const found: Proc[] = [];
  for (const line of out.split('\n')) {
    const m = line.trim().match(/^(\d+)\s+(\S+)\s+(.*)$/);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || m[2]!.startsWith('Z')) continue; // zombies are gone, only unreaped
    let mine = m[3]!.includes(`${dataDir}/`) || m[3]!.endsWith(dataDir);
    if (!mine) {
      try {
        const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
        mine = cwd === dataDir || cwd.startsWith(`${dataDir}/`);
      } catch { /* gone, or not ours to read */ }
    }
    if (!mine) {
      try {
        mine = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SIGNET_DATA_DIR=${dataDir}`);
      } catch { /* gone, or not ours to read */ }
    }
    if (mine) found.push({ pid, args: m[3]! });
  }
  return found;
}

/** Polls until no process belongs to `dataDir`; returns what is still there after `timeoutMs`. */
export async function waitNoProcesses(dataDir: string, timeoutMs = 10_000): Promise<Proc[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesFor(dataDir);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** First number in `<dataDir>/<rel>` (postmaster.pid, redis.pid, signet.pid). */
export function readPid(dataDir: string, rel: string): number {
  return Number(fs.readFileSync(path.join(dataDir, rel), 'utf8').trim().split('\n')[0]);
}

/**
 * afterAll cleanup for the data dirs a file created (a test that failed half-way may have left a
 * start running): SIGINT to any `signet start` still there, up to 10 s for it to stop its tree,
 * then SIGKILL to whatever is left (processes the test started, matched by their unique data dir),
 * then the folders are removed.
 */
export async function cleanupDataDirs(dirs: string[]): Promise<void> {
  const left = () => dirs.flatMap((d) => processesFor(d));
  const supervisors = left().filter((p) => /cli\.js start$/.test(p.args));
  for (const p of supervisors) {
    try { process.kill(p.pid, 'SIGINT'); } catch { /* gone */ }
  }
  const deadline = Date.now() + (supervisors.length ? 10_000 : 0);
  while (left().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const p of left()) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  const killDeadline = Date.now() + 5000;
  while (left().length && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 100));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}
