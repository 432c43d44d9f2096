import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status === 0 && out ? out : undefined;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Installs Debian packages when running as root with apt-get; returns false when it cannot. */
export function aptInstall(packages: string[], log: (msg: string) => void): boolean {
  if (!isRoot() || !which('apt-get')) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing ${packages.join(', ')} with apt-get (one time)`);
  let r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'ignore' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: 'ignore' });
  }
  return r.status === 0;
}

/** Resolves when the child exits (or immediately if it already has). */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** SIGTERM-like stop with a deadline, then SIGKILL. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!(await waitExit(child, timeoutMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 2000);
  }
}

export async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (!pidAlive(pid)) return;
  try { process.kill(pid, signal); } catch { return; }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

export function spawnService(cmd: string, args: string[], opts: { uid?: number; gid?: number; logFile: string; cwd?: string }): ChildProcess {
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, {
    // Own process group: a terminal Ctrl-C reaches only the supervisor, which stops services last.
    detached: true,
    stdio: ['ignore', out, out],
    uid: opts.uid,
    gid: opts.gid,
    cwd: opts.cwd,
  });
  fs.closeSync(out);
  return child;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function userIds(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export class EmbeddedServiceError extends Error {}

/**
 * A service left running by a supervisor that was SIGKILLed (its pid file names a live process
 * while the supervisor recorded in `<dataDir>/signet.pid` is gone): stop it before starting anew.
 */
export async function reclaimOrphan(servicePidFile: string, supervisorPidFile: string, log: (m: string) => void): Promise<void> {
  if (!fs.existsSync(servicePidFile)) return;
  const pid = Number(fs.readFileSync(servicePidFile, 'utf8').split('\n')[0]);
  if (!pid || !pidAlive(pid)) return;
  const owner = fs.existsSync(supervisorPidFile) ? Number(fs.readFileSync(supervisorPidFile, 'utf8').trim()) : 0;
  if (owner && owner !== process.pid && pidAlive(owner)) {
    throw new EmbeddedServiceError(`this data folder is in use by another Signet (pid ${owner}); stop it or use another SIGNET_DATA_DIR`);
  }
  log(`stopping an orphaned service (pid ${pid}) left by an earlier run`);
  await stopPid(pid, 'SIGINT', 15_000);
}
