#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=192
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ENV_HELP, loadConfig, type Config } from './config/env.js';
import { EmbeddedServiceError } from './config/embedded/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const HELP: Record<string, string> = {
  start: `Usage: signet start

Starts everything on this machine: a private PostgreSQL and Redis under SIGNET_DATA_DIR when
DATABASE_URL / REDIS_URL are unset (installing Debian's redis-server/postgresql when missing and
running as root), applies migrations, creates the system tenant and root client on first boot,
then runs one \`serve\` and one \`worker\`. Ctrl-C (SIGINT) or SIGTERM stops all of it.`,
  serve: `Usage: signet serve

Runs the HTTP server: OAuth/OIDC endpoints under /t/{slug}, /graphql (HTTP + graphql-ws),
/healthz, /readyz, /metrics. Needs DATABASE_URL and REDIS_URL; run \`signet migrate\` first.`,
  worker: `Usage: signet worker

Runs the BullMQ worker: outbox relay (Redis pub/sub) and expiry sweeps. Needs DATABASE_URL and REDIS_URL.`,
  migrate: `Usage: signet migrate

Applies pending migrations, then creates the system tenant and root management client if
missing (printing the root secret when it generated one). Needs DATABASE_URL.`,
  schema: `Usage: signet schema [--check]

Prints the GraphQL schema (SDL, sorted). With --check, compares it with schema.graphql and
exits 1 when the file is stale. Needs no database.`,
  'migration:create': `Usage: signet migration:create [name]

Development: diffs the entities against the migration snapshot and writes a new migration into
migrations/ (add it to migrations/index.ts). Uses DATABASE_URL or a private PostgreSQL.`,
};

const USAGE = `Usage: signet <command> [--help]

Commands:
  start      everything on one machine (private PostgreSQL/Redis when unset)   [npm start]
  serve      the HTTP server (OAuth/OIDC, GraphQL, health, metrics)
  worker     the background worker (outbox relay, expiry sweeps)
  migrate    apply migrations and bootstrap the system tenant
  schema     print the GraphQL schema, or --check it against schema.graphql

${ENV_HELP}`;

function config(): Config {
  return loadConfig(process.env);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return cmd ? 0 : 1;
  }
  if (!(cmd in HELP)) {
    process.stderr.write(`signet: unknown command "${cmd}"\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP[cmd]}\n\n${ENV_HELP}\n`);
    return 0;
  }
  switch (cmd) {
    case 'start': {
      const { start } = await import('./start.js');
      await start(config());
      return -1; // keeps running; exits from its signal handlers
    }
    case 'serve': {
      const { serve } = await import('./main.js');
      const server = await serve(config());
      // Tell the supervisor, if it is still there (onShutdown stops this process when it is not).
      if (process.send && process.connected) process.send({ type: 'ready', url: server.url });
      onShutdown(() => server.stop());
      return -1;
    }
    case 'worker': {
      const { runWorker } = await import('./worker.js');
      const worker = await runWorker(config());
      onShutdown(() => worker.stop());
      return -1;
    }
    case 'migrate': {
      const { migrateAndBootstrap } = await import('./migrate.js');
      const r = await migrateAndBootstrap(config());
      process.stdout.write(r.applied.length ? `applied: ${r.applied.join(', ')}\n` : 'no pending migrations\n');
      if (r.generatedRootSecret) {
        process.stdout.write(`root client created: client_id=${r.rootClientId} client_secret=${r.generatedRootSecret} (shown once)\n`);
      }
      return 0;
    }
    case 'schema': {
      const { schemaSDL } = await import('./main.js');
      const sdl = await schemaSDL();
      if (!rest.includes('--check')) {
        process.stdout.write(sdl);
        return 0;
      }
      const file = path.join(ROOT, 'schema.graphql');
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current === sdl) {
        process.stdout.write('schema.graphql is up to date\n');
        return 0;
      }
      process.stderr.write('schema.graphql is stale: run `npm run schema` and commit the result\n');
      return 1;
    }
    case 'migration:create': {
      const { createMigration } = await import('./db/migration-create.js');
      const { ensureServices } = await import('./config/embedded/index.js');
      const cfg = config();
      const s = await ensureServices({ databaseUrl: cfg.databaseUrl, redisUrl: 'redis://unused', dataDir: cfg.dataDir, database: 'signet_migrations', log: (m) => process.stderr.write(`signet: ${m}\n`) });
      try {
        const file = await createMigration(s.databaseUrl, rest[0]);
        process.stdout.write(file ? `created migrations/${file}: add it to migrations/index.ts\n` : 'no changes: entities match the snapshot\n');
      } finally {
        await s.stop();
      }
      return 0;
    }
  }
  return 1;
}

/** Graceful stop on SIGINT/SIGTERM, or when the supervising `signet start` goes away. */
function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const run = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    stop().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`signet: shutdown failed: ${(err as Error).message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', run);
  process.on('SIGTERM', run);
  process.on('disconnect', run);
  // A supervisor that died while this process was still starting (the worker registers only once
  // it runs) disconnected before the listener above existed: stop now instead of running orphaned.
  if (typeof process.send === 'function' && !process.connected) run();
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
}, (err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`signet: ${err.message}\n`);
  } else if (err instanceof EmbeddedServiceError) {
    process.stderr.write(`signet: ${err.message}\n`);
  } else {
    process.stderr.write(`signet: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(err as Error)?.stack}\n`);
  }
  process.exit(1);
});
