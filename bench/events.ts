/**
 * The events scenario of `npm run bench`: latency from a mutation to a graphql-ws subscriber
 * (p50/p99), and signed webhook deliveries per second to a local receiver. See bench/README.md.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Webhook } from 'standardwebhooks';
import { log, stopChild } from './proc.js';
import { startSignetWorker, type SignetServer, type SignetServices } from './signet-server.js';

export const LATENCY_TARGET_P99_MS = 50;
export const DELIVERIES_TARGET_PER_S = 1000;

export interface EventsReport {
  ran: boolean;
  error?: string;
  /** Events the earlier scenarios left in the outbox (no worker ran then), relayed before measuring. */
  backlog?: { events: number; seconds: number; perSecond: number };
  latency?: {
    samples: number;
    /** From sending the mutation to the event arriving at the subscriber. */
    mutationP50Ms: number;
    mutationP99Ms: number;
    /** From the event's occurredAt (recorded just before the commit) to the subscriber: commit → subscriber, an upper bound. */
    commitP50Ms: number;
    commitP99Ms: number;
    targetP99Ms: number;
    pass: boolean;
  };
  webhooks?: {
    deliveries: number;
    endpoints: number;
    seconds: number;
    perSecond: number;
    /** Between the 10 % and 90 % marks (steady state, without the relay's start-up). */
    steadyPerSecond: number;
    signatureVerified: boolean;
    target: number;
    pass: boolean;
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

async function token(signet: SignetServer): Promise<string> {
  const res = await fetch(`${signet.url}/t/system/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${signet.clientId}:${signet.clientSecret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  const j = (await res.json()) as { access_token?: string };
  if (!j.access_token) throw new Error(`token request failed: ${res.status}`);
  return j.access_token;
}

async function gql<T>(signet: SignetServer, bearer: string, query: string, variables: Record<string, unknown>, tenant?: string): Promise<T> {
  const res = await fetch(`${signet.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, ...(tenant ? { 'signet-tenant': tenant } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const j = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (j.errors?.length || !j.data) throw new Error(`GraphQL error: ${j.errors?.[0]?.message ?? res.status}`);
  return j.data;
}

async function createTenant(signet: SignetServer, bearer: string, prefix: string): Promise<{ id: string; slug: string }> {
  const slug = `${prefix}-${Date.now().toString(36)}`;
  const d = await gql<{ tenantCreate: { tenant: { id: string } } }>(signet, bearer,
    'mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "Bench", createManagementClient: false}) { tenant { id } } }', { slug });
  return { id: d.tenantCreate.tenant.id, slug };
}

/** The row id inside a global id (`S1` + base64url("Tenant:<uuid>")). */
const rawId = (globalId: string) => Buffer.from(globalId.slice(2), 'base64url').toString('utf8').split(':')[1]!;

async function measureLatency(signet: SignetServer, bearer: string, samples: number): Promise<NonNullable<EventsReport['latency']>> {
  const tenant = await createTenant(signet, bearer, 'bench-events');
  const waiting = new Map<string, (at: number, occurredAt: string) => void>();
  const ws = createClient({
    url: `${signet.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0,
    connectionParams: { Authorization: `Bearer ${bearer}`, 'Signet-Tenant': tenant.slug },
  });
  ws.subscribe<{ securityEvents: { occurredAt: string; payload: { changes: { name: { after: string } } } } }>(
    { query: 'subscription { securityEvents(filter: {types: ["Tenant.Updated"]}) { occurredAt payload } }' },
    {
      next: (v) => {
        const at = Date.now();
        const e = v.data?.securityEvents;
        if (e) waiting.get(e.payload.changes.name.after)?.(at, e.occurredAt);
      },
      error: (err) => log(`events: subscription error ${JSON.stringify(err).slice(0, 200)}`),
      complete: () => undefined,
    },
  );
  await new Promise((r) => setTimeout(r, 500));
  const mutation: number[] = [];
  const commit: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const name = `Bench ${i}`;
    const arrived = new Promise<{ at: number; occurredAt: string }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`event ${i} not received within 10 s`)), 10_000);
      waiting.set(name, (at, occurredAt) => { clearTimeout(t); resolve({ at, occurredAt }); });
    });
    const sent = Date.now();
    await gql(signet, bearer, 'mutation($id: ID!, $name: String!) { tenantUpdate(id: $id, input: {name: $name}) { userErrors { code } } }',
      { id: tenant.id, name }, tenant.slug);
    const { at, occurredAt } = await arrived;
    waiting.delete(name);
    if (i < 20) continue; // warm-up
    mutation.push(at - sent);
    commit.push(Math.max(0, at - Date.parse(occurredAt)));
  }
  await ws.dispose();
  const commitP99Ms = pct(commit, 99);
  return {
    samples, mutationP50Ms: pct(mutation, 50), mutationP99Ms: pct(mutation, 99), commitP50Ms: pct(commit, 50), commitP99Ms,
    targetP99Ms: LATENCY_TARGET_P99_MS, pass: commitP99Ms < LATENCY_TARGET_P99_MS,
  };
}

async function measureWebhooks(services: SignetServices, signet: SignetServer, bearer: string, events: number, endpoints: number): Promise<NonNullable<EventsReport['webhooks']>> {
  const seen = new Set<string>();
  const marks: number[] = [];
  let sample: { body: string; headers: http.IncomingHttpHeaders } | undefined;
  const total = events * endpoints;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => { done = r; });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(204).end();
      const key = `${req.url}|${String(req.headers['webhook-id'])}`;
      if (seen.has(key)) return;
      seen.add(key);
      marks.push(performance.now());
      if (!sample) sample = { body: Buffer.concat(chunks).toString(), headers: req.headers };
      if (seen.size === total) done();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const tenant = await createTenant(signet, bearer, 'bench-hooks');
    let secret = '';
    for (let i = 0; i < endpoints; i++) {
      const d = await gql<{ webhookEndpointCreate: { secret: string | null; userErrors: Array<{ message: string }> } }>(signet, bearer,
        'mutation($url: String!) { webhookEndpointCreate(input: {url: $url, eventTypes: ["Tenant.Updated"]}) { secret userErrors { message } } }',
        { url: `${base}/e${i}` }, tenant.slug);
      if (!d.webhookEndpointCreate.secret) throw new Error(`webhookEndpointCreate: ${d.webhookEndpointCreate.userErrors[0]?.message}`);
      if (i === 0) secret = d.webhookEndpointCreate.secret;
    }
    // Committed events, as a burst of mutations would leave them in the outbox.
    const db = new pg.Client({ connectionString: services.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const start = performance.now();
    try {
      await db.query(
        `insert into audit_event (id, tenant_id, type, actor_kind, actor_id, payload, occurred_at)
         select gen_random_uuid(), $1, 'Tenant.Updated', 'system', 'bench',
                jsonb_build_object('changes', jsonb_build_object('name', jsonb_build_object('before', 'a', 'after', 'b' || g))), now()
           from generate_series(1, $2::int) g`, [rawId(tenant.id), events]);
      await db.query('notify signet_outbox');
    } finally {
      await db.end().catch(() => undefined);
    }
    const timeout = setTimeout(() => done(), 300_000);
    await finished;
    clearTimeout(timeout);
    if (seen.size < total) throw new Error(`only ${seen.size} of ${total} deliveries within 300 s`);
    const seconds = (marks[marks.length - 1]! - start) / 1000;
    const lo = marks[Math.floor(total * 0.1)]!;
    const hi = marks[Math.floor(total * 0.9)]!;
    let signatureVerified = false;
    if (sample && sample.headers['webhook-id']) {
      new Webhook(secret).verify(sample.body, sample.headers as Record<string, string>);
      signatureVerified = true;
    }
    const perSecond = total / seconds;
    return {
      deliveries: total, endpoints, seconds, perSecond, steadyPerSecond: (Math.floor(total * 0.9) - Math.floor(total * 0.1)) / ((hi - lo) / 1000),
      signatureVerified, target: DELIVERIES_TARGET_PER_S, pass: perSecond >= DELIVERIES_TARGET_PER_S,
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Waits (at most 5 minutes) until the worker has relayed every committed event. */
async function drainBacklog(services: SignetServices): Promise<{ events: number; seconds: number; perSecond: number }> {
  const db = new pg.Client({ connectionString: services.databaseUrl });
  await db.connect();
  try {
    const pending = async () => Number((await db.query<{ n: string }>('select count(*) as n from audit_event where relayed_at is null')).rows[0]!.n);
    const events = await pending();
    const t0 = performance.now();
    for (let left = events; left > 0; left = await pending()) {
      if (performance.now() - t0 > 300_000) throw new Error(`the relay left ${left} of ${events} backlog events after 5 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - t0) / 1000;
    return { events, seconds, perSecond: seconds > 0 ? events / seconds : 0 };
  } finally {
    await db.end();
  }
}

export async function runEventsScenario(services: SignetServices, signet: SignetServer, opts: { latencySamples: number; webhookEvents: number; webhookEndpoints: number }): Promise<EventsReport> {
  const report: EventsReport = { ran: false };
  let worker: Awaited<ReturnType<typeof startSignetWorker>> | undefined;
  try {
    log('events: starting signet worker');
    worker = await startSignetWorker(services, signet);
    // The earlier scenarios ran without a worker, so their events (a Login.Succeeded and a
    // Token.Issued per flow, …) wait in the outbox; a live subscriber would see them first.
    report.backlog = await drainBacklog(services);
    if (report.backlog.events) log(`events: relayed a backlog of ${report.backlog.events} events in ${report.backlog.seconds.toFixed(1)} s (${report.backlog.perSecond.toFixed(0)}/s)`);
    const bearer = await token(signet);
    log(`events: ${opts.latencySamples} sequential mutations, latency to a graphql-ws subscriber`);
    report.latency = await measureLatency(signet, bearer, opts.latencySamples);
    log(`events: p50 ${report.latency.commitP50Ms.toFixed(1)} ms, p99 ${report.latency.commitP99Ms.toFixed(1)} ms (commit → subscriber)`);
    log(`events: ${opts.webhookEvents} events × ${opts.webhookEndpoints} endpoints of signed webhook deliveries`);
    report.webhooks = await measureWebhooks(services, signet, bearer, opts.webhookEvents, opts.webhookEndpoints);
    log(`events: ${report.webhooks.perSecond.toFixed(0)} deliveries/s (steady ${report.webhooks.steadyPerSecond.toFixed(0)}/s)`);
    report.ran = true;
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    log(`events: ${report.error}`);
  } finally {
    if (worker) await stopChild(worker);
  }
  return report;
}

export function formatEvents(r: EventsReport): string {
  const lines = ['Events (worker relay → Redis → graphql-ws; webhook worker → local receiver)'];
  if (r.backlog?.events) lines.push(`  backlog left by the earlier scenarios: ${r.backlog.events} events relayed in ${r.backlog.seconds.toFixed(1)} s (${r.backlog.perSecond.toFixed(0)}/s) before measuring`);
  const v = (pass: boolean | undefined) => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL');
  if (r.latency) {
    const l = r.latency;
    lines.push(`  mutation → subscriber  ${l.samples} samples: mutation sent → event p50 ${l.mutationP50Ms.toFixed(1)} ms, p99 ${l.mutationP99Ms.toFixed(1)} ms;`
      + ` commit → event p50 ${l.commitP50Ms.toFixed(1)} ms, p99 ${l.commitP99Ms.toFixed(1)} ms  target p99 < ${l.targetP99Ms} ms  ${v(l.pass)}`);
  }
  if (r.webhooks) {
    const w = r.webhooks;
    lines.push(`  signed webhook deliveries  ${w.deliveries} (${w.deliveries / w.endpoints} events × ${w.endpoints} endpoints) in ${w.seconds.toFixed(1)} s: `
      + `${w.perSecond.toFixed(0)}/s overall, ${w.steadyPerSecond.toFixed(0)}/s steady; signature ${w.signatureVerified ? 'verified (standardwebhooks)' : 'not verified'}`
      + `  target >= ${w.target}/s  ${v(w.pass)}`);
  }
  if (r.error) lines.push(`  problem: ${r.error}`);
  return lines.join('\n');
}
