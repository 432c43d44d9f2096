import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupDataDirs, cliEnv, runCli } from '../../helpers/cli.js';

/**
 * A bad environment variable stops `signet serve` with exit 1 and one line naming the variable
 * (under an "invalid configuration:" header), before anything starts. Secret-bearing values are
 * never echoed: every case also carries valid-looking secrets that must not appear in the output.
 */
const canary = {
  masterKey: randomBytes(32).toString('hex'),
  rootSecret: `canary-root-${randomBytes(12).toString('hex')}`,
  dbPassword: `canarydb${randomBytes(8).toString('hex')}`,
  redisPassword: `canaryredis${randomBytes(8).toString('hex')}`,
  badMasterKey: randomBytes(31).toString('hex'),
  shortRootSecret: `cn${randomBytes(5).toString('hex')}`,
};

const untouched = path.resolve('.signet/cli-config-must-not-exist');

/** Valid values for every secret-bearing variable; each case overrides what it tests. */
const secretsEnv = {
  SIGNET_MASTER_KEY: canary.masterKey,
  SIGNET_ROOT_CLIENT_ID: 'canary-root',
  SIGNET_ROOT_CLIENT_SECRET: canary.rootSecret,
  DATABASE_URL: `postgres://signet:${canary.dbPassword}@127.0.0.1:9/signet`,
  REDIS_URL: `redis://:${canary.redisPassword}@127.0.0.1:9`,
  SIGNET_DATA_DIR: untouched,
};

interface Case { name: string; env: Record<string, string | undefined>; variable: string; line: string }

const cases: Case[] = [
  { name: 'PORT=abc', env: { PORT: 'abc' }, variable: 'PORT', line: 'PORT="abc" is not an integer between 0 and 65535' },
  { name: 'PORT=70000', env: { PORT: '70000' }, variable: 'PORT', line: 'PORT="70000" is not an integer between 0 and 65535' },
  { name: 'PUBLIC_URL=ftp://x', env: { PUBLIC_URL: 'ftp://x' }, variable: 'PUBLIC_URL', line: 'PUBLIC_URL="ftp://x" must be an absolute http(s) URL without query or fragment' },
  { name: 'LOG_LEVEL=loud', env: { LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL', line: 'LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent' },
  {
    name: 'SIGNET_MASTER_KEY=short', env: { SIGNET_MASTER_KEY: 'short' }, variable: 'SIGNET_MASTER_KEY',
    line: 'SIGNET_MASTER_KEY must be 32 bytes as 64 hex characters or 43/44 base64 characters (value not shown)',
  },
  {
    name: 'SIGNET_MASTER_KEY of 31 bytes', env: { SIGNET_MASTER_KEY: canary.badMasterKey }, variable: 'SIGNET_MASTER_KEY',
    line: 'SIGNET_MASTER_KEY must be 32 bytes as 64 hex characters or 43/44 base64 characters (value not shown)',
  },
  {
    name: 'NODE_ENV=production without SIGNET_MASTER_KEY', env: { NODE_ENV: 'production', SIGNET_MASTER_KEY: undefined }, variable: 'SIGNET_MASTER_KEY',
    line: 'SIGNET_MASTER_KEY is required when NODE_ENV=production (generate one with: openssl rand -hex 32)',
  },
  {
    name: 'SIGNET_ROOT_CLIENT_ID without SIGNET_ROOT_CLIENT_SECRET', env: { SIGNET_ROOT_CLIENT_SECRET: undefined }, variable: 'SIGNET_ROOT_CLIENT_ID',
    line: 'SIGNET_ROOT_CLIENT_ID and SIGNET_ROOT_CLIENT_SECRET must be set together',
  },
  {
    name: 'SIGNET_ROOT_CLIENT_SECRET too short', env: { SIGNET_ROOT_CLIENT_SECRET: canary.shortRootSecret }, variable: 'SIGNET_ROOT_CLIENT_SECRET',
    line: 'SIGNET_ROOT_CLIENT_SECRET must be at least 16 characters (value not shown)',
  },
  {
    name: 'DATABASE_URL with a foreign scheme', env: { DATABASE_URL: `mysql://signet:${canary.dbPassword}@127.0.0.1/signet` }, variable: 'DATABASE_URL',
    line: 'DATABASE_URL must be a URL with scheme postgres:// or postgresql:// (value not shown)',
  },
  {
    name: 'REDIS_URL with a foreign scheme', env: { REDIS_URL: `http://:${canary.redisPassword}@127.0.0.1:9` }, variable: 'REDIS_URL',
    line: 'REDIS_URL must be a URL with scheme redis:// or rediss:// (value not shown)',
  },
];

function expectNoSecret(text: string): void {
  for (const [k, v] of Object.entries(canary)) expect(text, `output contains the ${k} value`).not.toContain(v);
  expect(text).not.toMatch(/\bshort\b/); // SIGNET_MASTER_KEY=short
}

describe('configuration validation (signet serve)', () => {
  afterAll(() => cleanupDataDirs([untouched]));

  it.each(cases)('$name: exit 1 with one line naming the variable, no secret shown', async ({ env, variable, line }) => {
    const r = await runCli(['serve'], cliEnv('config', { ...secretsEnv, ...env }), 20_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`signet: invalid configuration:\n  - ${line}\n`);
    expect(r.stderr.split('\n').filter((l) => l.includes(variable))).toHaveLength(1);
    expectNoSecret(r.stdout + r.stderr);
    expect(fs.existsSync(untouched)).toBe(false);
  });

  it('reports every bad variable at once, one line each', async () => {
    const r = await runCli(['serve'], cliEnv('config', { ...secretsEnv, PORT: 'abc', LOG_LEVEL: 'loud', SIGNET_MASTER_KEY: 'short' }), 20_000);
    expect(r.code).toBe(1);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems).toHaveLength(3);
    for (const v of ['PORT=', 'LOG_LEVEL=', 'SIGNET_MASTER_KEY ']) expect(problems.filter((l) => l.includes(v))).toHaveLength(1);
    expectNoSecret(r.stdout + r.stderr);
  });

  it('`signet start` with a bad variable exits 1 before creating the data dir or starting services', async () => {
    const r = await runCli(['start'], cliEnv('config', { PORT: 'abc', SIGNET_DATA_DIR: untouched }), 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('signet: invalid configuration:\n  - PORT="abc" is not an integer between 0 and 65535\n');
    expect(fs.existsSync(untouched)).toBe(false);
  });
});
