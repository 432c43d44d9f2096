import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Webhook } from 'standardwebhooks';
import { ensureDatabase } from '../../../src/config/embedded/index.js';
import { freePort } from '../../../src/config/embedded/process-utils.js';
import { loadConfig } from '../../../src/config/env.js';
import { migrateAndBootstrap } from '../../../src/migrate.js';
import { randomHex } from '../../../src/crypto/random.js';
import { testEnv } from '../../helpers/server.js';
import { registerSecret } from '../../helpers/secrets.js';
import { startReceiver, until } from './receiver.js';

/**
 * Faults with real processes, in a deployment of their own (a private database and a private
 * redis-server on a fixed port, so no other test's worker touches its outbox or queues):
 * Redis stopped and started again, a worker SIGKILLed in the middle of a delivery.
 */
const CLI = path.resolve('dist/src/cli.js');

describe('faults: Redis down, worker killed mid-delivery', () => {
  const dir = path.resolve(`.signet/faults-${randomHex(5)}`);
  let redisPort: number;
  let redis: ChildProcess | undefined;
  let databaseUrl: string;
  let env: Record<string, string>;
  let serveUrl: string;
  let serve: ChildProcess;
  const workers: ChildProcess[] = [];
  let db: pg.Client;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;

  const startRedis = async () => {
    redis = spawn('redis-server', [path.join(dir, 'redis.conf')], { stdio: 'ignore', cwd: dir });
    await until(async () => {
      const { Redis } = await import('ioredis');
      const r = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      r.on('error', () => undefined);
      try { await r.connect(); return (await r.ping()) === 'PONG'; } catch { return false; } finally { r.disconnect(); }
    }, 'redis-server to start');
  };
  const stopRedis = async () => {
    const r = redis!;
    const exited = new Promise((res) => r.once('exit', res));
    r.kill('SIGTERM');
    await exited;
    redis = undefined;
  };
  const spawnProc = (cmd: 'serve' | 'worker', extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [CLI, cmd], { env: { ...process.env, ...env, ...testEnv({ ...env, ...extra }) }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.resume();
    return child;
  };
  const stop = (c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill(signal);
  });
  const gql = async (query: string, variables?: Record<string, unknown>, tenant?: string) => {
    const res = await fetch(`${serveUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(tenant ? { 'signet-tenant': tenant } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data: Record<string, Record<string, unknown>>; errors?: unknown[] };
  };
  let tenantId: string;
  let slug: string;
  let n = 0;
  const rename = async () => {
    n += 1;
    const r = await gql(`mutation($id: ID!, $name: String!) { tenantUpdate(id: $id, input: {name: $name}) { userErrors { code } } }`, { id: tenantId, name: `Fault ${n}` });
    expect(r.errors).toBeUndefined();
    return `Fault ${n}`;
  };
  const unrelayed = async () => Number((await db.query(`select count(*) as n from audit_event where relayed_at is null`)).rows[0].n);

  beforeAll(async () => {
    fs.mkdirSync(dir, { recursive: true });
    redisPort = await freePort();
    fs.writeFileSync(path.join(dir, 'redis.conf'), [`port ${redisPort}`, 'bind 127.0.0.1', `dir ${dir}`, 'appendonly yes', 'appendfsync always', 'save ""', 'maxmemory-policy noeviction', 'logfile ""'].join('\n') + '\n');
    await startRedis();
    const admin = new URL(inject('databaseUrl'));
    admin.pathname = '/postgres';
    const name = `signet_faults_${randomHex(4)}`;
    await ensureDatabase(admin.toString(), name, { recreate: true });
    const u = new URL(inject('databaseUrl'));
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    const port = await freePort();
    serveUrl = `http://127.0.0.1:${port}`;
    env = { DATABASE_URL: databaseUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}`, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: serveUrl, LOG_LEVEL: 'info' };
    await migrateAndBootstrap(loadConfig(testEnv(env)));
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    serve = spawnProc('serve');
    await until(async () => (await fetch(`${serveUrl}/readyz`).catch(() => undefined))?.status === 200, 'serve to be ready', 30_000);
    workers.push(spawnProc('worker'));
    rx = await startReceiver();
    const t = await fetch(`${serveUrl}/t/system/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${inject('rootClientId')}:${inject('rootClientSecret')}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    token = ((await t.json()) as { access_token: string }).access_token;
    registerSecret(inject('logDir'), token);
    slug = `faults-${randomHex(4)}`;
    const c = await gql(`mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "Faults", createManagementClient: false}) { tenant { id } } }`, { slug });
    tenantId = (c.data.tenantCreate as { tenant: { id: string } }).tenant.id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...workers.map((w) => stop(w, 'SIGKILL')), serve && stop(serve), rx?.close()]);
    await db?.end();
    if (redis) await stopRedis();
    const admin = new pg.Client({ connectionString: Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString() });
    await admin.connect();
    await admin.query(`drop database if exists "${new URL(databaseUrl).pathname.slice(1)}" with (force)`).catch(() => undefined);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('with Redis stopped, mutations work and events wait in the outbox; after Redis returns they reach webhooks and subscribers, none lost', async () => {
    const e = await gql(`mutation($url: String!) { webhookEndpointCreate(input: {url: $url, eventTypes: ["Tenant.Updated"]}) { secret userErrors { code } } }`, { url: `${rx.base}/outage` }, slug);
    const secret = (e.data.webhookEndpointCreate as { secret: string }).secret;
    registerSecret(inject('logDir'), secret);
    const seen: string[] = [];
    const ws = createClient({ url: `${serveUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { Authorization: `Bearer ${token}`, 'Signet-Tenant': slug } });
    ws.subscribe<{ securityEvents: { payload: { changes: { name: { after: string } } } } }>(
      { query: `subscription { securityEvents(filter: {types: ["Tenant.Updated"]}) { payload } }` },
      { next: (v) => { if (v.data) seen.push(v.data.securityEvents.payload.changes.name.after); }, error: () => undefined, complete: () => undefined },
    );
    // A fresh subscription starts "now" and graphql-ws does not acknowledge a subscribe: rename
    // until the subscriber sees an event, so it is surely live before the outage.
    const before: string[] = [];
    const deadline = Date.now() + 60_000;
    while (!seen.length) {
      if (Date.now() > deadline) throw new Error('the subscription never received an event');
      before.push(await rename());
      const wait = Date.now() + 1000;
      while (!seen.length && Date.now() < wait) await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => rx.at('/outage').length >= before.length, 'the webhooks before the outage', 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const seenBefore = seen.length;

    await stopRedis();
    const during = [await rename(), await rename(), await rename()];
    await new Promise((r) => setTimeout(r, 1500));
    expect(await unrelayed()).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(seenBefore);
    expect(rx.at('/outage')).toHaveLength(before.length);

    await startRedis();
    await until(() => during.every((d) => seen.includes(d)), 'the subscriber to receive the events of the outage', 30_000);
    await until(() => rx.at('/outage').length >= before.length + during.length, 'the webhooks of the outage', 30_000);
    const bodies = rx.at('/outage').map((m) => (new Webhook(secret).verify(m.body, m.headers as Record<string, string>) as { data: { payload: { changes: { name: { after: string } } } } }).data.payload.changes.name.after);
    expect(new Set(bodies)).toEqual(new Set([...before, ...during]));
    expect(seen.filter((x) => during.includes(x)).sort()).toEqual([...during].sort());
    await until(async () => (await unrelayed()) === 0, 'the outbox to drain');
    await ws.dispose();
  }, 150_000);

  it('a worker SIGKILLed mid-delivery: another worker retries it, the receiver sees the same webhook-id', async () => {
    rx.on('/slow', (_r, i) => (i === 1 ? 'hang' : { status: 200 }));
    const e = await gql(`mutation($url: String!) { webhookEndpointCreate(input: {url: $url, eventTypes: ["Tenant.Updated"]}) { secret userErrors { code } } }`, { url: `${rx.base}/slow` }, slug);
    registerSecret(inject('logDir'), (e.data.webhookEndpointCreate as { secret: string }).secret);
    await rename();
    const [firstTry] = await until(() => rx.at('/slow').length > 0 && rx.at('/slow'), 'the first attempt to reach the receiver');
    await stop(workers[0]!, 'SIGKILL');
    workers.push(spawnProc('worker'));
    const retry = await until(() => rx.at('/slow').length >= 2 && rx.at('/slow')[1], 'another worker to retry the stalled delivery', 45_000);
    expect(retry.headers['webhook-id']).toBe(firstTry!.headers['webhook-id']);
    const row = await until(async () => {
      const r = await db.query(`select status, attempt_count from webhook_delivery where event_id = $1`, [firstTry!.headers['webhook-id']]);
      return r.rows[0]?.status === 'succeeded' && r.rows[0];
    }, 'the delivery to be logged as succeeded');
    expect(row).toEqual({ status: 'succeeded', attempt_count: 1 });
  }, 90_000);

  it('a graceful stop (SIGTERM) finishes the delivery in flight and leaves no stalled job', async () => {
    rx.on('/graceful', () => ({ status: 200, body: 'late', delayMs: 1500 }));
    const e = await gql(`mutation($url: String!) { webhookEndpointCreate(input: {url: $url, eventTypes: ["Tenant.Updated"]}) { secret userErrors { code } } }`, { url: `${rx.base}/graceful` }, slug);
    registerSecret(inject('logDir'), (e.data.webhookEndpointCreate as { secret: string }).secret);
    await rename();
    const [req] = await until(() => rx.at('/graceful').length > 0 && rx.at('/graceful'), 'the delivery to be in flight');
    const worker = workers[workers.length - 1]!;
    const exit = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exit).toBe(0);
    const eventId = String(req!.headers['webhook-id']);
    const { rows } = await db.query(`select d.status, d.attempt_count, d.endpoint_id from webhook_delivery d where d.event_id = $1 and d.endpoint_id in (select id from webhook_endpoint where url = $2)`, [eventId, `${rx.base}/graceful`]);
    expect(rows.map((r: { status: string; attempt_count: number }) => [r.status, r.attempt_count])).toEqual([['succeeded', 1]]);
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const connection = new Redis({ port: redisPort, host: '127.0.0.1', maxRetriesPerRequest: null });
    const queue = new Queue('webhook-delivery', { connection, prefix: 'signet-bull' });
    expect(await queue.getJobState(`${eventId}-${rows[0].endpoint_id as string}`)).toBe('completed');
    expect(await queue.getActiveCount()).toBe(0);
    await queue.close();
    connection.disconnect();
    expect(rx.at('/graceful')).toHaveLength(1);
  }, 60_000);
});
