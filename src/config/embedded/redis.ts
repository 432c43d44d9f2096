import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { randomToken } from '../../crypto/random.js';
import { aptInstall, EmbeddedServiceError, freePort, reclaimOrphan, sleep, spawnService, stopChild, which } from './process-utils.js';

export interface EmbeddedRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server bound to 127.0.0.1 on a free port, persisting (AOF) under
 * `<dataDir>/redis`, password-protected, with `maxmemory-policy noeviction` as BullMQ requires.
 * Installs Debian's redis-server when missing and possible.
 */
export async function startEmbeddedRedis(opts: { dataDir: string; log: (m: string) => void }): Promise<EmbeddedRedis> {
  let bin = which('redis-server') ?? (fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
  if (!bin && aptInstall(['redis-server'], opts.log)) bin = which('redis-server') ?? '/usr/bin/redis-server';
  if (!bin || !fs.existsSync(bin)) {
    throw new EmbeddedServiceError('redis-server not found: install it (Debian: apt-get install redis-server) or set REDIS_URL');
  }
  const dir = path.join(opts.dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const pwFile = path.join(dir, 'password');
  if (!fs.existsSync(pwFile)) fs.writeFileSync(pwFile, randomToken(24), { mode: 0o600 });
  const password = fs.readFileSync(pwFile, 'utf8').trim();
  const pidFile = path.join(dir, 'redis.pid');
  await reclaimOrphan(pidFile, path.join(opts.dataDir, 'signet.pid'), opts.log);
  const port = await freePort();
  const conf = path.join(dir, 'redis.conf');
  // Settings go through a file so the password never shows in `ps`.
  fs.writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'appendonly yes', 'save ""', 'daemonize no',
    'maxmemory-policy noeviction', `requirepass ${password}`, 'protected-mode yes', 'logfile ""', `pidfile ${pidFile}`,
  ].join('\n') + '\n', { mode: 0o600 });
  const logFile = path.join(dir, 'redis.log');
  const child = spawnService(bin, [conf], { logFile, cwd: dir });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-2).join(' | ');
      throw new EmbeddedServiceError(`redis-server exited during start-up (${tail})`);
    }
    if (await ping(port, password)) {
      return {
        url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
        pid: child.pid!,
        stop: () => stopChild(child, 'SIGTERM', 10_000),
      };
    }
    await sleep(50);
  }
  await stopChild(child, 'SIGKILL', 1000);
  throw new EmbeddedServiceError('redis-server did not become ready within 30 s');
}

function ping(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    sock.setTimeout(500);
    sock.on('connect', () => sock.write(`AUTH ${password}\r\nPING\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('+PONG')) { sock.destroy(); resolve(true); }
      else if (buf.includes('-')) { sock.destroy(); resolve(false); }
    });
    sock.on('error', () => resolve(false));
    sock.on('timeout', () => { sock.destroy(); resolve(false); });
  });
}
