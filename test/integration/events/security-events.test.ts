import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { spawnWorker } from '../../helpers/processes.js';

const SUB = `subscription($filter: SecurityEventFilter, $after: ID) {
  securityEvents(filter: $filter, afterEventId: $after) { id type category severity payload }
}`;

interface Ev { id: string; type: string; category: string; severity: string; payload: { changes?: { name: { after: string } } } }

function client(url: string, token: string, tenant: string): Client {
  return createClient({
    url: url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: true,
    connectionParams: { Authorization: `Bearer ${token}`, 'Signet-Tenant': tenant },
  });
}

function collect(c: Client, variables: Record<string, unknown>) {
  const events: Ev[] = [];
  const errors: unknown[] = [];
  const stop = c.subscribe<{ securityEvents: Ev }>({ query: SUB, variables }, {
    next: (v) => { if (v.errors) errors.push(...v.errors); else events.push(v.data!.securityEvents); },
    error: (e) => errors.push(e),
    complete: () => undefined,
  });
  return { events, errors, stop };
}

async function until(f: () => boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('securityEvents subscription: filtered, tenant-scoped, resumable without gap or duplicate', () => {
  let s: TestServer;
  let worker: ReturnType<typeof spawnWorker>;
  let slug: string;
  let tenantId: string;
  let token: string;
  let n = 0;
  const rename = async () => {
    n += 1;
    const r = await s.gql(`mutation($id: ID!, $name: String!) { tenantUpdate(id: $id, input: {name: $name}) { userErrors { code } } }`, { id: tenantId, name: `Name ${n}` });
    expect(r.errors).toBeUndefined();
    return `Name ${n}`;
  };
  const names = (evs: Ev[]) => evs.map((e) => e.payload.changes!.name.after);
  /** graphql-ws does not acknowledge a subscribe: rename until every collector has seen an event, then start clean. */
  const prime = async (...subs: Array<{ events: unknown[] }>) => {
    const deadline = Date.now() + 30_000;
    while (subs.some((x) => !x.events.length)) {
      if (Date.now() > deadline) throw new Error('the subscription never went live');
      await rename();
      const wait = Date.now() + 1000;
      while (subs.some((x) => !x.events.length) && Date.now() < wait) await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const x of subs) x.events.length = 0;
  };

  beforeAll(async () => {
    s = await startTestServer();
    worker = spawnWorker();
    slug = uniqueSlug('sec');
    const c = await s.gql(`mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "Sec", createManagementClient: false}) { tenant { id } } }`, { slug });
    tenantId = (c.data as { tenantCreate: { tenant: { id: string } } }).tenantCreate.tenant.id;
    token = await s.rootToken();
  });
  afterAll(async () => {
    await Promise.all([worker?.stop(), s?.stop()]);
  });

  it('filters by type, category and minimum severity, with catalog category and severity on each event', async () => {
    const c = client(s.url, token, slug);
    const byType = collect(c, { filter: { types: ['Tenant.Updated'] } });
    const byCategory = collect(c, { filter: { categories: ['ADMINISTRATION'] } });
    const severe = collect(c, { filter: { minSeverity: 'WARNING' } });
    await prime(byType, byCategory);
    const name = await rename();
    await until(() => byType.events.length > 0 && byCategory.events.length > 0, 'the filtered events');
    expect(byType.events[0]).toMatchObject({ type: 'Tenant.Updated', category: 'ADMINISTRATION', severity: 'INFO' });
    expect(names(byType.events)).toEqual([name]);
    expect(names(byCategory.events)).toEqual([name]);
    await new Promise((r) => setTimeout(r, 300));
    expect(severe.events).toEqual([]);
    await c.dispose();
  });

  it('replays what a reconnecting client missed, then goes live: no gap, no duplicate', async () => {
    const first = client(s.url, token, slug);
    const a = collect(first, { filter: { types: ['Tenant.Updated'] } });
    await prime(a);
    const before = [await rename(), await rename(), await rename()];
    await until(() => a.events.length >= 3, 'the first three events');
    expect(names(a.events)).toEqual(before);
    const lastSeen = a.events[2]!.id;
    await first.dispose();

    // Missed while disconnected (some relayed before the reconnect, some maybe after).
    const missed = [await rename(), await rename(), await rename()];
    const second = client(s.url, token, slug);
    const b = collect(second, { filter: { types: ['Tenant.Updated'] }, after: lastSeen });
    const meanwhile = [await rename(), await rename()];
    await until(() => b.events.length >= 5, 'the replayed and live events');
    await new Promise((r) => setTimeout(r, 500));
    expect(b.errors).toEqual([]);
    expect(names(b.events)).toEqual([...missed, ...meanwhile]);
    expect(new Set(b.events.map((e) => e.id)).size).toBe(5);
    await second.dispose();
  });

  it('per-object subscription: tenantUpdated(id) sees only changes to that tenant', async () => {
    const c = client(s.url, token, slug);
    const got: string[] = [];
    const stop = c.subscribe<{ tenantUpdated: { type: string; payload: { changes: { name: { after: string } } } } }>(
      { query: 'subscription($id: ID!) { tenantUpdated(id: $id) { type payload } }', variables: { id: tenantId } },
      { next: (v) => { if (v.data) got.push(v.data.tenantUpdated.payload.changes.name.after); }, error: () => undefined, complete: () => undefined },
    );
    await prime({ events: got });
    const name = await rename();
    await until(() => got.length > 0, 'the tenantUpdated event');
    expect(got).toEqual([name]);
    stop();
    await c.dispose();
  });

  it('refuses an unknown resume point, unknown types, and a token without events:subscribe', async () => {
    const c = client(s.url, token, slug);
    const bad = collect(c, { after: 'S1QXVkaXRFdmVudDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA' });
    const unknown = collect(c, { filter: { types: ['User.Exploded'] } });
    await until(() => bad.errors.length > 0 && unknown.errors.length > 0, 'the errors');
    expect(bad.errors[0]).toMatchObject({ message: 'afterEventId names no event of this tenant that can be resumed from', extensions: { code: 'BAD_USER_INPUT' } });
    expect(unknown.errors[0]).toMatchObject({ message: 'unknown event type "User.Exploded"', extensions: { code: 'BAD_USER_INPUT' } });
    await c.dispose();
    const weak = client(s.url, await s.rootToken('audit:read'), 'system');
    const forbidden = collect(weak, {});
    await until(() => forbidden.errors.length > 0, 'FORBIDDEN');
    expect(forbidden.errors[0]).toMatchObject({ message: 'this operation requires the scope "events:subscribe"', extensions: { code: 'FORBIDDEN' } });
    await weak.dispose();
  });
});
