import path from 'node:path';

/**
 * Environment parsing and validation. Every variable is read here and nowhere else; a bad value
 * yields one line naming the variable, what was wrong and what is expected, and boot stops.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  redisUrl?: string;
  dataDir: string;
  /** 32 raw bytes, or undefined when a dev key must be generated/loaded from dataDir. */
  masterKey?: Buffer;
  rootClientId?: string;
  rootClientSecret?: string;
  logLevel: string;
  /** Append logs to this file instead of stdout (tests use it to grep for leaked secrets). */
  logFile?: string;
  accessTokenTtlSeconds: number;
  auditRetentionDays: number;
  /** Active signing keys older than this are rotated by the worker's daily job. */
  keyRotationDays: number;
  /** GraphQL introspection (default: on outside production, off in production). */
  graphqlIntrospection: boolean;
  /** SIGNET_OUTBOUND_ALLOW_LOOPBACK: outbound calls (webhooks) may target 127.0.0.1/::1/localhost (tests, local development). */
  outboundAllowLoopback: boolean;
  /** Consecutive failed webhook attempts after which an endpoint is disabled. */
  webhookMaxConsecutiveFailures: number;
  /** Delays (ms) before each webhook retry; its length is the number of retries. */
  webhookRetryScheduleMs: number[];
  /** How long webhook delivery attempts are kept, in days. */
  webhookAttemptRetentionDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];

  const intVar = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}=${JSON.stringify(raw)} is not an integer between ${min} and ${max}`);
      return fallback;
    }
    return Number(raw);
  };

  const nodeEnvRaw = env.NODE_ENV || 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    problems.push(`NODE_ENV=${JSON.stringify(nodeEnvRaw)} must be one of development, production, test`);
  }
  const nodeEnv = (['development', 'production', 'test'].includes(nodeEnvRaw) ? nodeEnvRaw : 'development') as Config['nodeEnv'];

  const port = intVar('PORT', 4000, 0, 65535);

  let publicUrl = env.PUBLIC_URL || `http://localhost:${port}`;
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    if (u.search || u.hash || u.href.includes('?') || u.href.includes('#')) throw new Error('query');
    publicUrl = u.toString().replace(/\/+$/, '');
  } catch {
    problems.push(`PUBLIC_URL=${JSON.stringify(env.PUBLIC_URL)} must be an absolute http(s) URL without query or fragment`);
  }

  const urlVar = (name: string, schemes: string[]): string | undefined => {
    const raw = env[name];
    if (!raw) return undefined;
    try {
      const u = new URL(raw);
      if (!schemes.includes(u.protocol)) throw new Error('scheme');
      return raw;
    } catch {
      problems.push(`${name} must be a URL with scheme ${schemes.map((s) => s.replace(':', '://')).join(' or ')} (value not shown)`);
      return undefined;
    }
  };
  const databaseUrl = urlVar('DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = urlVar('REDIS_URL', ['redis:', 'rediss:']);

  const dataDir = path.resolve(cwd, env.SIGNET_DATA_DIR || '.signet');

  let masterKey: Buffer | undefined;
  if (env.SIGNET_MASTER_KEY) {
    masterKey = decodeKey(env.SIGNET_MASTER_KEY);
    if (!masterKey) problems.push('SIGNET_MASTER_KEY must be 32 bytes as 64 hex characters or 43/44 base64 characters (value not shown)');
  } else if (nodeEnv === 'production') {
    problems.push('SIGNET_MASTER_KEY is required when NODE_ENV=production (generate one with: openssl rand -hex 32)');
  }

  const rootClientId = env.SIGNET_ROOT_CLIENT_ID || undefined;
  if (rootClientId !== undefined && !/^[A-Za-z0-9._~-]{3,128}$/.test(rootClientId)) {
    problems.push('SIGNET_ROOT_CLIENT_ID must be 3-128 characters of A-Z a-z 0-9 . _ ~ -');
  }
  const rootClientSecret = env.SIGNET_ROOT_CLIENT_SECRET || undefined;
  if (rootClientSecret !== undefined && rootClientSecret.length < 16) {
    problems.push('SIGNET_ROOT_CLIENT_SECRET must be at least 16 characters (value not shown)');
  }
  if ((rootClientId === undefined) !== (rootClientSecret === undefined)) {
    problems.push('SIGNET_ROOT_CLIENT_ID and SIGNET_ROOT_CLIENT_SECRET must be set together');
  }

  const logLevel = env.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)} must be one of ${LOG_LEVELS.join(', ')}`);

  const accessTokenTtlSeconds = intVar('SIGNET_ACCESS_TOKEN_TTL', 3600, 60, 86_400);
  const auditRetentionDays = intVar('SIGNET_AUDIT_RETENTION_DAYS', 400, 1, 36_500);
  const keyRotationDays = intVar('SIGNET_KEY_ROTATION_DAYS', 90, 1, 3650);
  const introspectionRaw = env.SIGNET_GRAPHQL_INTROSPECTION;
  if (introspectionRaw !== undefined && introspectionRaw !== '' && !['true', 'false'].includes(introspectionRaw)) {
    problems.push(`SIGNET_GRAPHQL_INTROSPECTION=${JSON.stringify(introspectionRaw)} must be true or false`);
  }
  const graphqlIntrospection = introspectionRaw ? introspectionRaw === 'true' : nodeEnv !== 'production';

  const boolVar = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name}=${JSON.stringify(raw)} must be true or false`);
    return fallback;
  };
  const outboundAllowLoopback = boolVar('SIGNET_OUTBOUND_ALLOW_LOOPBACK', false);
  if (outboundAllowLoopback && nodeEnv === 'production') {
    problems.push('SIGNET_OUTBOUND_ALLOW_LOOPBACK=true is not allowed when NODE_ENV=production (it lets webhooks call this machine)');
  }
  const webhookMaxConsecutiveFailures = intVar('SIGNET_WEBHOOK_MAX_FAILURES', 50, 1, 10_000);
  const webhookAttemptRetentionDays = intVar('SIGNET_WEBHOOK_ATTEMPT_RETENTION_DAYS', 30, 1, 3650);
  // Standard Webhooks' recommended schedule: retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (~27.6 h in all).
  let webhookRetryScheduleMs = [5, 300, 1800, 7200, 18_000, 36_000, 36_000].map((s) => s * 1000);
  const scheduleRaw = env.SIGNET_WEBHOOK_RETRY_SCHEDULE;
  if (scheduleRaw) {
    const parts = scheduleRaw.split(',').map((x) => x.trim());
    if (parts.length > 20 || parts.some((x) => !/^\d+(\.\d+)?$/.test(x) || Number(x) > 86_400)) {
      problems.push(`SIGNET_WEBHOOK_RETRY_SCHEDULE=${JSON.stringify(scheduleRaw)} must be up to 20 comma-separated delays in seconds (each at most 86400)`);
    } else {
      webhookRetryScheduleMs = parts.map((x) => Math.round(Number(x) * 1000));
    }
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    nodeEnv, port, host: env.HOST || '0.0.0.0', publicUrl, databaseUrl, redisUrl, dataDir, masterKey,
    rootClientId, rootClientSecret, logLevel, logFile: env.SIGNET_LOG_FILE || undefined, accessTokenTtlSeconds, auditRetentionDays, keyRotationDays, graphqlIntrospection,
    outboundAllowLoopback, webhookMaxConsecutiveFailures, webhookRetryScheduleMs, webhookAttemptRetentionDays,
  };
}

function decodeKey(raw: string): Buffer | undefined {
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const buf = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return buf.length === 32 ? buf : undefined;
  }
  return undefined;
}

/** The documented variables, for `signet <cmd> --help`. */
export const ENV_HELP = `Environment:
  PORT                        HTTP port (default 4000)
  PUBLIC_URL                  external base URL (default http://localhost:$PORT)
  DATABASE_URL                PostgreSQL URL; unset: a private PostgreSQL under SIGNET_DATA_DIR
  REDIS_URL                   Redis URL; unset: a private redis-server under SIGNET_DATA_DIR
  HOST                        interface to listen on (default 0.0.0.0)
  SIGNET_DATA_DIR             data folder for private services and dev keys (default .signet/)
  SIGNET_MASTER_KEY           32-byte key (hex or base64) encrypting private keys at rest
  SIGNET_ROOT_CLIENT_ID       root management client id (with SIGNET_ROOT_CLIENT_SECRET)
  SIGNET_ROOT_CLIENT_SECRET   root management client secret (>= 16 characters)
  SIGNET_ACCESS_TOKEN_TTL     access token lifetime in seconds (default 3600)
  SIGNET_AUDIT_RETENTION_DAYS audit/outbox retention in days (default 400)
  SIGNET_KEY_ROTATION_DAYS    rotate active signing keys older than this (default 90)
  SIGNET_GRAPHQL_INTROSPECTION true|false (default: false in production, true otherwise)
  SIGNET_OUTBOUND_ALLOW_LOOPBACK  true: webhooks may call 127.0.0.1/::1/localhost (tests, development; default false)
  SIGNET_WEBHOOK_MAX_FAILURES consecutive failed webhook attempts that disable an endpoint (default 50)
  SIGNET_WEBHOOK_RETRY_SCHEDULE  webhook retry delays in seconds (default 5,300,1800,7200,18000,36000,36000)
  SIGNET_WEBHOOK_ATTEMPT_RETENTION_DAYS  how long webhook delivery attempts are kept (default 30)
  SIGNET_LOG_FILE             append JSON logs to this file instead of stdout
  LOG_LEVEL                   fatal|error|warn|info|debug|trace|silent (default info)
  NODE_ENV                    development|production|test`;
