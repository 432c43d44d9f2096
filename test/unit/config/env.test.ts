import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/env.js';

const CWD = '/srv/signet';
const HEX_KEY = 'a'.repeat(64);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, CWD);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig (config/env)', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({}, CWD);
    expect(c.nodeEnv).toBe('development');
    expect(c.port).toBe(4000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.publicUrl).toBe('http://localhost:4000');
    expect(c.dataDir).toBe(path.resolve(CWD, '.signet'));
    expect(c.masterKey).toBeUndefined();
    expect(c.logLevel).toBe('info');
    expect(c.accessTokenTtlSeconds).toBe(3600);
    expect(c.auditRetentionDays).toBe(400);
  });

  it('derives the default PUBLIC_URL from PORT', () => {
    expect(loadConfig({ PORT: '8080' }, CWD).publicUrl).toBe('http://localhost:8080');
  });

  describe('PUBLIC_URL normalisation', () => {
    it.each([
      ['https://id.example.com/', 'https://id.example.com'],
      ['https://id.example.com', 'https://id.example.com'],
      ['https://id.example.com/auth/', 'https://id.example.com/auth'],
      ['https://id.example.com/auth//', 'https://id.example.com/auth'],
      ['HTTPS://ID.Example.COM/', 'https://id.example.com'],
      ['https://id.example.com:443/', 'https://id.example.com'],
      ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ])('%s → %s', (raw, expected) => {
      expect(loadConfig({ PUBLIC_URL: raw }, CWD).publicUrl).toBe(expected);
    });

    it.each([
      ['ftp://id.example.com'],
      ['id.example.com'],
      ['https://id.example.com/?x=1'],
      ['https://id.example.com/#top'],
    ])('refuses %s with one problem line', (raw) => {
      expect(problemsOf({ PUBLIC_URL: raw })).toEqual([`PUBLIC_URL=${JSON.stringify(raw)} must be an absolute http(s) URL without query or fragment`]);
    });

    it.each([['https://id.example.com/?'], ['https://id.example.com/#']])('refuses %s (an empty query or fragment is still one)', (raw) => {
      // new URL() reports an empty search/hash for a bare "?"/"#", yet toString() keeps it: the
      // issuer would become "https://id.example.com/?/t/system".
      expect(problemsOf({ PUBLIC_URL: raw })).toEqual([`PUBLIC_URL=${JSON.stringify(raw)} must be an absolute http(s) URL without query or fragment`]);
    });
  });

  describe('one clear problem line per bad variable', () => {
    it.each<[string, Record<string, string>, string]>([
      ['NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV="staging" must be one of development, production, test'],
      ['PORT (not a number)', { PORT: 'http' }, 'PORT="http" is not an integer between 0 and 65535'],
      ['PORT (too large)', { PORT: '70000' }, 'PORT="70000" is not an integer between 0 and 65535'],
      ['PORT (negative)', { PORT: '-1' }, 'PORT="-1" is not an integer between 0 and 65535'],
      ['DATABASE_URL', { DATABASE_URL: 'mysql://u:hunter2@db/signet' }, 'DATABASE_URL must be a URL with scheme postgres:// or postgresql:// (value not shown)'],
      ['DATABASE_URL (not a URL)', { DATABASE_URL: 'hunter2' }, 'DATABASE_URL must be a URL with scheme postgres:// or postgresql:// (value not shown)'],
      ['REDIS_URL', { REDIS_URL: 'http://cache:6379' }, 'REDIS_URL must be a URL with scheme redis:// or rediss:// (value not shown)'],
      ['SIGNET_MASTER_KEY', { SIGNET_MASTER_KEY: 'too-short-secret' }, 'SIGNET_MASTER_KEY must be 32 bytes as 64 hex characters or 43/44 base64 characters (value not shown)'],
      ['SIGNET_ROOT_CLIENT_ID', { SIGNET_ROOT_CLIENT_ID: 'bad id!', SIGNET_ROOT_CLIENT_SECRET: 's'.repeat(20) }, 'SIGNET_ROOT_CLIENT_ID must be 3-128 characters of A-Z a-z 0-9 . _ ~ -'],
      ['SIGNET_ROOT_CLIENT_SECRET', { SIGNET_ROOT_CLIENT_ID: 'root', SIGNET_ROOT_CLIENT_SECRET: 'short-secret' }, 'SIGNET_ROOT_CLIENT_SECRET must be at least 16 characters (value not shown)'],
      ['SIGNET_ROOT_CLIENT_ID alone', { SIGNET_ROOT_CLIENT_ID: 'root' }, 'SIGNET_ROOT_CLIENT_ID and SIGNET_ROOT_CLIENT_SECRET must be set together'],
      ['SIGNET_ROOT_CLIENT_SECRET alone', { SIGNET_ROOT_CLIENT_SECRET: 's'.repeat(20) }, 'SIGNET_ROOT_CLIENT_ID and SIGNET_ROOT_CLIENT_SECRET must be set together'],
      ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent'],
      ['SIGNET_ACCESS_TOKEN_TTL', { SIGNET_ACCESS_TOKEN_TTL: '30' }, 'SIGNET_ACCESS_TOKEN_TTL="30" is not an integer between 60 and 86400'],
      ['SIGNET_ACCESS_TOKEN_TTL (decimal)', { SIGNET_ACCESS_TOKEN_TTL: '3600.5' }, 'SIGNET_ACCESS_TOKEN_TTL="3600.5" is not an integer between 60 and 86400'],
      ['SIGNET_AUDIT_RETENTION_DAYS', { SIGNET_AUDIT_RETENTION_DAYS: '0' }, 'SIGNET_AUDIT_RETENTION_DAYS="0" is not an integer between 1 and 36500'],
    ])('%s', (_name, env, line) => {
      expect(problemsOf(env)).toEqual([line]);
    });

    it('never echoes secret values in problem lines', () => {
      const problems = problemsOf({
        DATABASE_URL: 'mysql://u:hunter2-db@db/signet', REDIS_URL: 'http://:hunter2-redis@cache',
        SIGNET_MASTER_KEY: 'hunter2-master', SIGNET_ROOT_CLIENT_ID: 'root', SIGNET_ROOT_CLIENT_SECRET: 'hunter2',
      });
      expect(problems).toHaveLength(4);
      for (const p of problems) expect(p).not.toContain('hunter2');
    });

    it('reports every problem at once, each on its own line of the message', () => {
      let err: ConfigError | undefined;
      try {
        loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', NODE_ENV: 'staging' }, CWD);
      } catch (e) {
        err = e as ConfigError;
      }
      expect(err?.problems).toHaveLength(3);
      expect(err?.message).toBe([
        'invalid configuration:',
        '  - NODE_ENV="staging" must be one of development, production, test',
        '  - PORT="x" is not an integer between 0 and 65535',
        '  - LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent',
      ].join('\n'));
    });
  });

  describe('SIGNET_MASTER_KEY', () => {
    it('is required in production', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['SIGNET_MASTER_KEY is required when NODE_ENV=production (generate one with: openssl rand -hex 32)']);
    });

    it('is optional outside production', () => {
      expect(loadConfig({ NODE_ENV: 'test' }, CWD).masterKey).toBeUndefined();
    });

    it('accepts 64 hex characters', () => {
      const c = loadConfig({ NODE_ENV: 'production', SIGNET_MASTER_KEY: HEX_KEY }, CWD);
      expect(c.masterKey).toEqual(Buffer.alloc(32, 0xaa));
    });

    it('accepts base64 and base64url of 32 bytes', () => {
      const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i));
      for (const raw of [bytes.toString('base64'), bytes.toString('base64url'), ` ${bytes.toString('base64')}\n`]) {
        expect(loadConfig({ SIGNET_MASTER_KEY: raw }, CWD).masterKey).toEqual(bytes);
      }
    });

    it('refuses 31 or 33 bytes', () => {
      for (const raw of ['a'.repeat(62), 'a'.repeat(66), Buffer.alloc(33).toString('base64')]) {
        expect(problemsOf({ SIGNET_MASTER_KEY: raw })).toEqual(['SIGNET_MASTER_KEY must be 32 bytes as 64 hex characters or 43/44 base64 characters (value not shown)']);
      }
    });
  });

  it('reads the remaining variables', () => {
    const c = loadConfig({
      NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'postgresql://db/signet', REDIS_URL: 'rediss://cache:6380',
      SIGNET_DATA_DIR: 'data', SIGNET_ROOT_CLIENT_ID: 'root.client', SIGNET_ROOT_CLIENT_SECRET: 'x'.repeat(16),
      SIGNET_ACCESS_TOKEN_TTL: '60', SIGNET_AUDIT_RETENTION_DAYS: '36500', SIGNET_LOG_FILE: '/tmp/x.log',
    }, CWD);
    expect(c).toMatchObject({
      nodeEnv: 'test', port: 0, host: '127.0.0.1', databaseUrl: 'postgresql://db/signet', redisUrl: 'rediss://cache:6380',
      dataDir: path.resolve(CWD, 'data'), rootClientId: 'root.client', rootClientSecret: 'x'.repeat(16), logLevel: 'warn',
      accessTokenTtlSeconds: 60, auditRetentionDays: 36500, logFile: '/tmp/x.log',
    });
  });
});
