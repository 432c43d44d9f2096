import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/config/embedded/process-utils.js';
import { testEnv } from './server.js';

export interface SpawnedServe {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const CLI = path.resolve('dist/src/cli.js');

function stopper(child: ChildProcess) {
  return () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A real `signet serve` process (compiled CLI) against the test database and Redis. */
export async function spawnServe(publicUrl?: string): Promise<SpawnedServe> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, ...testEnv({ PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: publicUrl ?? url, LOG_LEVEL: 'info' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) return { url, child, stop: stopper(child) };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve did not become ready: ${stderr}`);
}

/** A real `signet worker` process. */
export function spawnWorker(): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: { ...process.env, ...testEnv({ LOG_LEVEL: 'info' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, stop: stopper(child) };
}
