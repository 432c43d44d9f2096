import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, ensureServices } from '../../src/config/embedded/index.js';
import { loadConfig } from '../../src/config/env.js';
import { migrateAndBootstrap } from '../../src/migrate.js';
import { randomToken } from '../../src/crypto/random.js';
import { findLeakedSecrets } from './secrets.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    rootClientId: string;
    rootClientSecret: string;
    masterKey: string;
    logDir: string;
    dataDir: string;
  }
}

/**
 * Starts PostgreSQL and Redis exactly as `npm start` does (or uses DATABASE_URL / REDIS_URL),
 * creates a fresh `signet_test` database, migrates and bootstraps it. At the end, fails the run
 * if any registered secret (root secret, issued tokens, generated client secrets) appears in
 * any log file written during the run.
 */
export default async function setup(project: TestProject) {
  // SIGNET_TEST_DATA_DIR lets two test runs on one machine use separate private services.
  const dataDir = path.resolve(process.env.SIGNET_TEST_DATA_DIR || '.signet/test');
  const logDir = path.join(dataDir, 'logs');
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(logDir, { recursive: true });
  const services = await ensureServices({
    databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL, dataDir, database: 'postgres', fast: true,
    log: (m) => process.stderr.write(`test services: ${m}\n`),
  });
  try {
    await prepare(project, services, dataDir, logDir);
  } catch (err) {
    await services.stop();
    throw err;
  }
  return async () => {
    await services.stop();
    const { leaks, scannedBytes, secrets } = findLeakedSecrets(logDir);
    // Servers ran (tokens were issued) but nothing was logged: the check would be vacuous.
    if (scannedBytes === 0 && secrets > 1) throw new Error('secret-leak check: no log output was written during the test run');
    if (leaks.length) throw new Error(`secret-leak check: secrets found in logs:\n${leaks.join('\n')}`);
    process.stderr.write(`secret-leak check: scanned ${scannedBytes} bytes of logs, no secret or token found (${secrets} registered)\n`);
  };
}

async function prepare(project: TestProject, services: { databaseUrl: string; redisUrl: string }, dataDir: string, logDir: string) {
  const admin = new URL(services.databaseUrl);
  admin.pathname = '/postgres';
  await ensureDatabase(admin.toString(), 'signet_test', { recreate: true });
  const dbUrl = new URL(services.databaseUrl);
  dbUrl.pathname = '/signet_test';
  const databaseUrl = dbUrl.toString();

  if (!process.env.REDIS_URL) {
    const { Redis } = await import('ioredis');
    const r = new Redis(services.redisUrl);
    await r.flushall();
    await r.quit();
  }

  const rootClientId = 'test-root';
  const rootClientSecret = randomToken(32);
  const masterKey = Buffer.from(randomToken(32), 'base64url').subarray(0, 32).toString('hex');
  fs.writeFileSync(path.join(logDir, 'secrets.txt'), `${rootClientSecret}\n`);
  const config = loadConfig({
    NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL: services.redisUrl, SIGNET_DATA_DIR: dataDir,
    SIGNET_ROOT_CLIENT_ID: rootClientId, SIGNET_ROOT_CLIENT_SECRET: rootClientSecret, SIGNET_MASTER_KEY: masterKey,
  });
  await migrateAndBootstrap(config);

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', services.redisUrl);
  project.provide('rootClientId', rootClientId);
  project.provide('rootClientSecret', rootClientSecret);
  project.provide('masterKey', masterKey);
  project.provide('logDir', logDir);
  project.provide('dataDir', dataDir);
}
