import path from 'node:path';
import { inject } from 'vitest';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig, type Config } from '../../src/config/env.js';
import { freePort } from '../../src/config/embedded/process-utils.js';
import { serve, type RunningServer } from '../../src/main.js';
import { registerSecret } from './secrets.js';
import { randomHex } from '../../src/crypto/random.js';

export interface TestServer {
  url: string;
  publicUrl: string;
  server: RunningServer;
  config: Config;
  stop(): Promise<void>;
  /** client_credentials token (registered for the log-leak check). */
  token(opts?: { clientId?: string; clientSecret?: string; scope?: string; tenant?: string; resource?: string }): Promise<string>;
  rootToken(scope?: string): Promise<string>;
  gql<R, V>(doc: TypedDocumentNode<R, V> | string, variables?: V, opts?: { token?: string | null; tenant?: string; headers?: Record<string, string> }): Promise<ExecutionResult<R> & { status: number; headers: Headers }>;
}

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    SIGNET_DATA_DIR: inject('dataDir'),
    SIGNET_MASTER_KEY: inject('masterKey'),
    SIGNET_ROOT_CLIENT_ID: inject('rootClientId'),
    SIGNET_ROOT_CLIENT_SECRET: inject('rootClientSecret'),
    SIGNET_LOG_FILE: path.join(inject('logDir'), `serve-${process.pid}-${randomHex(4)}.log`),
    // Webhook tests deliver to receivers on 127.0.0.1, and every test worker may pick their jobs:
    // all of them allow loopback and retry fast (0.2 s, 0.4 s, 0.8 s: 4 attempts), and disable an
    // endpoint after 6 consecutive failed attempts.
    SIGNET_OUTBOUND_ALLOW_LOOPBACK: 'true',
    SIGNET_WEBHOOK_RETRY_SCHEDULE: '0.2,0.4,0.8',
    SIGNET_WEBHOOK_MAX_FAILURES: '6',
    ...extra,
  };
}

/** An in-process `serve` on a free port, against the test database and Redis. */
/** `publicHost`: the host in PUBLIC_URL (the server always listens on 127.0.0.1). */
export async function startTestServer(opts: { env?: Record<string, string>; onQuery?: (sql: string) => void; publicHost?: string } = {}): Promise<TestServer> {
  const port = await freePort();
  const publicUrl = `http://${opts.publicHost ?? '127.0.0.1'}:${port}`;
  const config = loadConfig(testEnv({ PORT: String(port), PUBLIC_URL: publicUrl, HOST: '127.0.0.1', ...opts.env }));
  const server = await serve(config, { onQuery: opts.onQuery });
  const logDir = inject('logDir');

  const token: TestServer['token'] = async (o = {}) => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (o.scope) body.set('scope', o.scope);
    if (o.resource) body.set('resource', o.resource);
    const id = o.clientId ?? inject('rootClientId');
    const secret = o.clientSecret ?? inject('rootClientSecret');
    const res = await fetch(`${publicUrl}/t/${o.tenant ?? 'system'}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` },
      body,
    });
    const json = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!json.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(json)}`);
    registerSecret(logDir, json.access_token);
    return json.access_token;
  };

  let root: string | undefined;
  const t: TestServer = {
    url: publicUrl,
    publicUrl,
    server,
    config,
    stop: () => server.stop(),
    token,
    async rootToken(scope?: string) {
      if (scope) return token({ scope });
      root ??= await token();
      return root;
    },
    async gql(doc, variables, o = {}) {
      const bearer = o.token === undefined ? await t.rootToken() : o.token;
      const res = await fetch(`${publicUrl}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(o.tenant ? { 'signet-tenant': o.tenant } : {}),
          ...o.headers,
        },
        body: JSON.stringify({ query: typeof doc === 'string' ? doc : print(doc), variables }),
      });
      const json = (await res.json()) as ExecutionResult<never>;
      return { ...json, status: res.status, headers: res.headers };
    },
  };
  return t;
}

export function uniqueSlug(prefix = 't'): string {
  return `${prefix}-${randomHex(5)}`;
}
