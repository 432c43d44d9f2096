import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/env.js';
import { ensureServices } from './config/embedded/index.js';
import { waitExit } from './config/embedded/process-utils.js';
import { migrateAndBootstrap } from './migrate.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.js');

/**
 * V8 flags for the serve and worker processes. An 8 MiB semi-space (instead of 16) and a 192 MiB
 * old generation (the working set is well under 100 MiB; without a cap V8 grows the heap lazily
 * towards gigabytes before collecting) keep the resident set well under 256 MiB under load.
 * 8 MiB, not 4: with 4, the objects of requests in flight at 64 concurrent token requests
 * outlived two scavenges and were promoted, and concurrent major marking then took 22–46 µs per
 * token (V8's worker threads), against 2–3 µs with 8 (three runs each, ~10 MiB more RSS; see
 * bench/README.md). Run `signet serve` with the same flags (or NODE_OPTIONS) when not using
 * `signet start`.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=192'];

/**
 * Environment for the serve and worker processes. glibc gives every thread that allocates its own
 * malloc arena and keeps freed memory in it: each of libuv's pool threads that ever ran an
 * argon2id hash kept its 19 MiB block, so password sign-ins on 4 pool threads left ~76 MiB
 * resident for 2 hashes at a time. Two arenas share those blocks: serve's peak RSS after the
 * password-login bench went from 265 to 237 MiB with no change in the hash rate (bench/README.md).
 * An operator's own MALLOC_ARENA_MAX wins; set it (or run `signet start`) when running serve alone.
 */
export function serviceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '2', ...env };
}

const say = (m: string) => process.stdout.write(`${m}\n`);
const note = (m: string) => process.stderr.write(`signet: ${m}\n`);

/**
 * `signet start`: everything on one machine. Private PostgreSQL and Redis when DATABASE_URL /
 * REDIS_URL are unset, migrations and bootstrap, then one `serve` and one `worker` child.
 * SIGINT/SIGTERM stop the children first, then the services, then exit.
 */
export async function start(config: Config): Promise<void> {
  const services = await ensureServices({
    databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, dataDir: config.dataDir, log: note,
  });
  const children: ChildProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      note('stopping…');
      await Promise.all(children.map(async (ch) => {
        if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGTERM');
        if (!(await waitExit(ch, 20_000))) {
          ch.kill('SIGKILL');
          await waitExit(ch, 2000);
        }
      }));
      await services.stop();
      note('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const boot = await migrateAndBootstrap({ ...config, databaseUrl: services.databaseUrl, redisUrl: services.redisUrl });
    if (boot.applied.length) note(`applied migrations: ${boot.applied.join(', ')}`);
    if (boot.masterKeySource === 'dev-file') {
      note(`WARNING: SIGNET_MASTER_KEY is unset; private keys are encrypted with a development key in ${path.join(config.dataDir, 'dev-master.key')}. Set SIGNET_MASTER_KEY in production.`);
    }
    if (boot.generatedRootSecret) {
      // Printed before anything else can fail: this is the only time the secret exists in clear.
      say('Root management client created (the secret is shown only now; set SIGNET_ROOT_CLIENT_ID/SECRET to choose your own):');
      say(`  client_id:     ${boot.rootClientId}`);
      say(`  client_secret: ${boot.generatedRootSecret}`);
    }
    const env = serviceEnv({ ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, SIGNET_DATA_DIR: config.dataDir });
    const spawnChild = (cmd: 'serve' | 'worker') => {
      const ch = fork(CLI, [cmd], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: SERVICE_NODE_FLAGS });
      ch.on('exit', (code, signal) => {
        if (!stopping) {
          note(`${cmd} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
          void stop(1);
        }
      });
      children.push(ch);
      return ch;
    };
    const serveChild = spawnChild('serve');
    spawnChild('worker');
    await new Promise<void>((resolve, reject) => {
      serveChild.on('message', (m: { type?: string }) => { if (m?.type === 'ready') resolve(); });
      serveChild.on('exit', () => reject(new Error('serve exited during start-up')));
    });
    const issuer = `${config.publicUrl}/t/system`;
    say('');
    say('Signet is running.');
    say(`  GraphQL:        ${config.publicUrl}/graphql  (HTTP and WebSocket)`);
    say(`  System issuer:  ${issuer}`);
    say(`  Discovery:      ${issuer}/.well-known/openid-configuration`);
    say(`  Root client:    ${boot.rootClientId}${boot.generatedRootSecret ? ' (secret printed above)' : ' (secret as configured, or as printed on first start)'}`);
    say('  Press Ctrl-C to stop.');
    say('');
  } catch (err) {
    note(`start failed: ${(err as Error).message}`);
    await stop(1);
  }
}
