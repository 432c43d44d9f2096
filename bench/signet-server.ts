/**
 * Starts Signet for the benchmark: private PostgreSQL + Redis (unless DATABASE_URL / REDIS_URL are
 * set), `signet migrate`, then `signet serve` in its own Node process, waiting for GET /readyz.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { SERVICE_NODE_FLAGS, serviceEnv } from '../src/start.js';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, isRunning, log, NODE_BIN, ROOT, sleep, stopChild, track } from './proc.js';

export const SIGNET_DATA_DIR = path.resolve(process.cwd(), '.signet', 'bench');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const DATABASE = 'signet_bench';

export interface SignetServices {
  databaseUrl: string;
  redisUrl: string;
  /** True when PostgreSQL and Redis were started here (and may be wiped). */
  private: boolean;
  stop(): Promise<void>;
}

export interface SignetServer {
  child: ChildProcess;
  pid: number;
  url: string;
  clientId: string;
  clientSecret: string;
  logFile: string;
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** PostgreSQL + Redis for Signet. A private database is recreated so every run starts clean. */
export async function startSignetServices(): Promise<SignetServices> {
  const embedded = await import('../src/config/embedded/index.js');
  const external = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
  const svc = await embedded.ensureServices({
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir: SIGNET_DATA_DIR,
    database: DATABASE,
    log: (m) => log(`services: ${m}`),
  });
  try {
    if (!process.env.DATABASE_URL) {
      const admin = new URL(svc.databaseUrl);
      admin.pathname = '/postgres';
      await embedded.ensureDatabase(admin.toString(), DATABASE, { recreate: true });
    }
    if (!process.env.REDIS_URL) await flushRedis(svc.redisUrl);
  } catch (err) {
    await svc.stop();
    throw err;
  }
  return { databaseUrl: svc.databaseUrl, redisUrl: svc.redisUrl, private: !external, stop: () => svc.stop() };
}

/**
 * A database for the oidc-provider + PostgreSQL baseline, next to Signet's on the same server
 * (recreated every run). With an external DATABASE_URL the role must be allowed to create it.
 */
export async function oidcProviderDatabase(services: SignetServices): Promise<string> {
  const embedded = await import('../src/config/embedded/index.js');
  const url = new URL(services.databaseUrl);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await embedded.ensureDatabase(admin.toString(), 'oidc_provider_bench', { recreate: true });
  url.pathname = '/oidc_provider_bench';
  return url.toString();
}

async function flushRedis(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    await redis.flushall();
  } finally {
    redis.disconnect();
  }
}

/**
 * Master key and root client secret, generated once and kept in the bench data dir so that an
 * external (not recreated) database stays readable across runs.
 */
export function benchSecrets(): { masterKey: string; clientSecret: string } {
  const file = path.join(SIGNET_DATA_DIR, 'bench-secrets.json');
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as { masterKey?: string; clientSecret?: string };
    if (s.masterKey && /^[0-9a-f]{64}$/.test(s.masterKey) && s.clientSecret && s.clientSecret.length === 43) {
      return { masterKey: s.masterKey, clientSecret: s.clientSecret };
    }
  } catch { /* first run */ }
  const fresh = { masterKey: randomBytes(32).toString('hex'), clientSecret: randomBytes(32).toString('base64url') };
  fs.mkdirSync(SIGNET_DATA_DIR, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(fresh), { mode: 0o600 });
  return fresh;
}

/** The environment shared by `signet migrate` and `signet serve`. */
export function signetEnv(services: SignetServices, clientId: string, clientSecret: string, masterKey: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    SIGNET_DATA_DIR,
    SIGNET_ROOT_CLIENT_ID: clientId,
    SIGNET_ROOT_CLIENT_SECRET: clientSecret,
    // NODE_ENV=production would want a managed master key; development + an explicit key is
    // the documented bench setup.
    NODE_ENV: 'development',
    SIGNET_MASTER_KEY: masterKey,
    LOG_LEVEL: process.env.BENCH_SIGNET_LOG_LEVEL || 'warn',
    // The events scenario delivers webhooks to a receiver on 127.0.0.1.
    SIGNET_OUTBOUND_ALLOW_LOOPBACK: 'true',
  };
}

function runToExit(args: string[], env: NodeJS.ProcessEnv, logFile: string, timeoutMs: number): Promise<void> {
  const out = fs.openSync(logFile, 'w');
  const child = track(spawn(NODE_BIN, [CLI, ...args], { cwd: process.cwd(), env, stdio: ['ignore', out, out] }));
  fs.closeSync(out);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`signet ${args.join(' ')} did not finish in ${timeoutMs} ms\n${tail(logFile)}`));
    }, timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`signet ${args.join(' ')} failed (code ${code}, signal ${signal}); ${logFile}:\n${tail(logFile)}`));
    });
  });
}

async function waitReady(child: ChildProcess, url: string, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isRunning(child)) {
      throw new Error(`signet serve exited (code ${child.exitCode}, signal ${child.signalCode}); ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`signet serve: /readyz not 200 after ${timeoutMs} ms (last: ${last}); ${logFile}:\n${tail(logFile)}`);
}

/** Migrates and starts `signet serve`, resolving once /readyz answers 200. */
export async function startSignet(services: SignetServices): Promise<SignetServer> {
  if (!fs.existsSync(CLI)) throw new Error(`${path.relative(process.cwd(), CLI)} not built yet`);
  const clientId = 'bench-root';
  const { masterKey, clientSecret } = benchSecrets();
  const env = signetEnv(services, clientId, clientSecret, masterKey);

  const migrateLog = path.join(SIGNET_DATA_DIR, 'migrate.log');
  await runToExit(['migrate'], env, migrateLog, 120_000);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(SIGNET_DATA_DIR, 'serve.log');
  const out = fs.openSync(logFile, 'w');
  // The same V8 flags and environment `signet start` gives its serve process (src/start.ts).
  const child = track(spawn(NODE_BIN, [...SERVICE_NODE_FLAGS, CLI, 'serve'], {
    cwd: process.cwd(),
    env: serviceEnv({ ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url }),
    stdio: ['ignore', out, out],
  }));
  fs.closeSync(out);
  try {
    await waitReady(child, url, logFile, 60_000);
  } catch (err) {
    await stopChild(child, 5000);
    throw err;
  }
  return { child, pid: child.pid!, url, clientId, clientSecret, logFile };
}

/** Starts `signet worker` (outbox relay, webhook delivery) against the same services. */
export async function startSignetWorker(services: SignetServices, signet: SignetServer): Promise<ChildProcess> {
  const { masterKey } = benchSecrets();
  const env = signetEnv(services, signet.clientId, signet.clientSecret, masterKey);
  const logFile = path.join(SIGNET_DATA_DIR, 'worker.log');
  const out = fs.openSync(logFile, 'w');
  const child = track(spawn(NODE_BIN, [CLI, 'worker'], { cwd: process.cwd(), env: serviceEnv({ ...env, PUBLIC_URL: signet.url }), stdio: ['ignore', out, out] }));
  fs.closeSync(out);
  await sleep(1500);
  if (!isRunning(child)) throw new Error(`signet worker exited (code ${child.exitCode}); ${logFile}:\n${tail(logFile)}`);
  return child;
}
