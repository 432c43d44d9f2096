import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { randomToken } from '../../crypto/random.js';
import { aptInstall, freePort, isRoot, reclaimOrphan, sleep, spawnService, stopChild, userIds, which } from './process-utils.js';

import { EmbeddedServiceError } from './process-utils.js';
export { EmbeddedServiceError };

export interface EmbeddedPostgres {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function findBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], 'bin');
  }
  const pgConfig = which('pg_config');
  if (pgConfig) {
    const r = spawnSync(pgConfig, ['--bindir'], { encoding: 'utf8' });
    const dir = r.stdout.trim();
    if (r.status === 0 && fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  const initdb = which('initdb');
  return initdb ? path.dirname(initdb) : undefined;
}

/**
 * Starts (initialising on first use) a private PostgreSQL bound to 127.0.0.1 on a free port,
 * with its cluster under `<dataDir>/postgres`. As root, the server runs as the `postgres` user
 * (initdb refuses root). Returns a URL for `database`, created if missing.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string; database: string; log: (m: string) => void; fast?: boolean;
}): Promise<EmbeddedPostgres> {
  let bin = findBinDir();
  if (!bin && aptInstall(['postgresql'], opts.log)) bin = findBinDir();
  if (!bin) {
    throw new EmbeddedServiceError('PostgreSQL server not found: install it (Debian: apt-get install postgresql) or set DATABASE_URL');
  }

  const root = path.join(opts.dataDir, 'postgres');
  const dataDir = path.join(root, 'data');
  const runDir = path.join(root, 'run');
  const logFile = path.join(root, 'postgres.log');
  const pwFile = path.join(root, 'password');
  fs.mkdirSync(runDir, { recursive: true });

  let owner: { uid: number; gid: number } | undefined;
  if (isRoot()) {
    owner = userIds('postgres');
    if (!owner) throw new EmbeddedServiceError('running as root needs a "postgres" system user for the private PostgreSQL (Debian: apt-get install postgresql) or set DATABASE_URL');
    const probe = spawnSync('test', ['-x', opts.dataDir], { uid: owner.uid, gid: owner.gid });
    if (probe.status !== 0) {
      throw new EmbeddedServiceError(`the postgres user cannot reach ${opts.dataDir}: make every parent folder traversable (chmod o+x) or set SIGNET_DATA_DIR elsewhere`);
    }
  }

  if (!fs.existsSync(pwFile)) fs.writeFileSync(pwFile, randomToken(24), { mode: 0o600 });
  const password = fs.readFileSync(pwFile, 'utf8').trim();

  if (owner) {
    fs.chownSync(root, owner.uid, owner.gid);
    fs.chownSync(runDir, owner.uid, owner.gid);
  }

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    opts.log(`initialising a private PostgreSQL cluster in ${dataDir}`);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const initPw = path.join(root, 'initdb-pw');
    fs.writeFileSync(initPw, password, { mode: 0o600 });
    if (owner) {
      fs.chownSync(dataDir, owner.uid, owner.gid);
      fs.chownSync(initPw, owner.uid, owner.gid);
    }
    const r = spawnSync(path.join(bin, 'initdb'), [
      '-D', dataDir, '-U', 'signet', `--pwfile=${initPw}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C',
    ], { uid: owner?.uid, gid: owner?.gid, encoding: 'utf8' });
    fs.rmSync(initPw, { force: true });
    if (r.status !== 0) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw new EmbeddedServiceError(`initdb failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    }
  }

  await reclaimOrphan(path.join(dataDir, 'postmaster.pid'), path.join(opts.dataDir, 'signet.pid'), opts.log);

  const port = await freePort();
  const args = ['-D', dataDir, '-k', runDir, '-h', '127.0.0.1', '-p', String(port), '-c', 'max_connections=200'];
  if (opts.fast) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawnService(path.join(bin, 'postgres'), args, { uid: owner?.uid, gid: owner?.gid, logFile, cwd: root });

  const url = `postgres://signet:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await waitReady(child, `${url}/postgres`, logFile);
  await ensureDatabase(`${url}/postgres`, opts.database);
  return {
    url: `${url}/${opts.database}`,
    pid: child.pid!,
    // SIGINT = PostgreSQL "fast" shutdown: disconnect clients, checkpoint, exit.
    stop: () => stopChild(child, 'SIGINT', 15_000),
  };
}

async function waitReady(child: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
      throw new EmbeddedServiceError(`PostgreSQL exited during start-up (${tail})`);
    }
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.query('select 1');
      await c.end();
      return;
    } catch {
      await c.end().catch(() => undefined);
      await sleep(100);
    }
  }
  throw new EmbeddedServiceError('PostgreSQL did not become ready within 60 s');
}

export async function ensureDatabase(adminUrl: string, database: string, opts: { recreate?: boolean } = {}): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const ident = `"${database.replace(/"/g, '""')}"`;
    if (opts.recreate) await c.query(`drop database if exists ${ident} with (force)`);
    const exists = await c.query('select 1 from pg_database where datname = $1', [database]);
    if (!exists.rowCount) await c.query(`create database ${ident}`);
  } finally {
    await c.end();
  }
}
