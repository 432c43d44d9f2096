import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root (this file compiles to dist/bench/proc.js). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Node binary used for every child: the project's pinned Node 24 when installed, else ours. */
export const NODE_BIN = fs.existsSync(path.join(ROOT, 'node_modules', '.bin', 'node'))
  ? fs.realpathSync(path.join(ROOT, 'node_modules', '.bin', 'node'))
  : process.execPath;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** Every child started by the benchmark, so that all of them can be stopped on exit or SIGINT. */
const children = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => { if (isRunning(child)) child.kill('SIGKILL'); }, graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ForkedServer {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  /** Anything else the child reported when ready (client credentials, ...). */
  info: Record<string, string>;
}

/**
 * Forks a compiled bench server module (dist/bench/<file>.js) in its own Node process and waits
 * for its `{ ready: true, url }` IPC message.
 */
export async function forkServer(name: string, file: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ForkedServer> {
  const modulePath = path.join(ROOT, 'dist', 'bench', file);
  const child = track(fork(modulePath, [], {
    execPath: NODE_BIN,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }));
  const ready = await new Promise<{ url: string; info: Record<string, string> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not ready after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name}: exited before ready (code ${code}, signal ${signal})`));
    });
    child.once('message', (m: { ready?: boolean; url?: string; info?: Record<string, string> }) => {
      clearTimeout(timer);
      if (m.ready && m.url) resolve({ url: m.url, info: m.info ?? {} });
      else reject(new Error(`${name}: unexpected message ${JSON.stringify(m)}`));
    });
  }).catch(async (err) => { await stopChild(child, 2000); throw err; });
  child.disconnect();
  return { name, child, pid: child.pid!, url: ready.url, info: ready.info };
}

/** Used by the server modules: tell the parent we listen. */
export function reportReady(url: string, info: Record<string, string> = {}): void {
  if (process.send) process.send({ ready: true, url, info });
  else console.log(`listening on ${url}`);
}

/** Server modules: exit promptly on SIGTERM / SIGINT (and when the parent goes away). */
export function exitOnSignals(close: () => Promise<void> | void): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 2000);
    force.unref();
    Promise.resolve(close()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

export interface MemoryStats {
  /** Peak resident set size (VmHWM) in bytes of the process itself. */
  peakRss: number;
  /** Current resident set size (VmRSS) in bytes. */
  rss: number;
  /** Peak RSS summed over the process and all of its descendants. */
  treePeakRss: number;
  processes: number;
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try { tasks = fs.readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const t of tasks) {
    let kids: string;
    try { kids = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8'); } catch { continue; }
    for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) out.push(k, ...descendants(k));
  }
  return out;
}

/** VmHWM / VmRSS of `pid` (and its descendants) from /proc; undefined when not readable. */
export function memoryStats(pid: number): MemoryStats | undefined {
  const peakRss = statusKb(pid, 'VmHWM');
  const rss = statusKb(pid, 'VmRSS');
  if (peakRss === undefined || rss === undefined) return undefined;
  const kids = descendants(pid);
  const treePeakRss = kids.reduce((sum, k) => sum + (statusKb(k, 'VmHWM') ?? 0), peakRss);
  return { peakRss, rss, treePeakRss, processes: 1 + kids.length };
}
