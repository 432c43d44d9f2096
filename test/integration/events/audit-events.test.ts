import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { print } from 'graphql';
import { graphql } from '../../generated/index.js';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { registerSecret } from '../../helpers/secrets.js';
import { spawnServe, spawnWorker, type SpawnedServe } from '../../helpers/processes.js';

const AuditEvents = graphql(`
  query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      edges { cursor node { id type targetType targetId requestId payload occurredAt actor { kind id clientId } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const AuditEventRecorded = graphql(`
  subscription AuditEventRecorded($filter: AuditEventSubscriptionFilter) {
    auditEventRecorded(filter: $filter) { id type targetId requestId payload actor { kind clientId } }
  }
`);

const Rename = graphql(`
  mutation Rename($id: ID!, $input: TenantUpdateInput!) { tenantUpdate(id: $id, input: $input) { tenant { id } userErrors { code } } }
`);

function wsClient(url: string, token: string | undefined, extra: Record<string, string> = {}): Client {
  return createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { Authorization: `Bearer ${token}`, ...extra } : extra,
    retryAttempts: 0,
    lazy: true,
  });
}

function nextEvent<T>(client: Client, query: string, variables: Record<string, unknown>, onReady?: () => void, accept: (v: T) => boolean = () => true) {
  return new Promise<{ data?: T; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event within 15 s')), 15_000);
    const unsubscribe = client.subscribe<T>({ query, variables }, {
      next: (v) => {
        if (v.data && !accept(v.data as T)) return;
        clearTimeout(timer); unsubscribe(); resolve(v as never);
      },
      error: (e) => { clearTimeout(timer); reject(e); },
      complete: () => undefined,
    });
    onReady?.();
  });
}

describe('events backbone: outbox → worker relay → Redis pub/sub → graphql-ws', () => {
  let a: SpawnedServe;
  let b: SpawnedServe;
  let s: TestServer;
  let worker: ReturnType<typeof spawnWorker>;
  beforeAll(async () => {
    // One deployment: every process shares PUBLIC_URL, so a token from one is valid on all.
    s = await startTestServer();
    [a, b] = await Promise.all([spawnServe(s.publicUrl), spawnServe(s.publicUrl)]);
    worker = spawnWorker();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), worker?.stop(), s?.stop()]);
  });

  it('records the audit event of a mutation in the same transaction, queryable with filters', async () => {
    const slug = uniqueSlug('audit');
    const created = await s.gql(`mutation { tenantCreate(input: {slug: "${slug}", name: "Audited"}) { tenant { id } managementClient { plaintextSecret } } }`, undefined, { headers: { 'x-request-id': `req-${slug}` } });
    const t = (created.data as { tenantCreate: { tenant: { id: string }; managementClient: { plaintextSecret: string } } }).tenantCreate;
    registerSecret(inject('logDir'), t.managementClient.plaintextSecret);
    await s.gql(Rename, { id: t.tenant.id, input: { name: 'Audited 2' } });
    // Lifecycle events land in the actor's tenant (system); changes to a tenant in that tenant.
    const r = await s.gql(AuditEvents, { first: 50, filter: { types: ['Tenant.Created', 'Tenant.Updated'] } });
    const nodes = r.data!.auditEvents.edges.map((e) => e.node).filter((n) => n.targetId === t.tenant.id);
    expect(nodes.map((n) => n.type)).toEqual(['Tenant.Created']);
    // (the new tenant's own log also holds its provisioning: the management API resource and admin role)
    const own = await s.gql(AuditEvents, { first: 50, filter: { types: ['Tenant.Updated'] } }, { tenant: slug });
    expect(own.data!.auditEvents.edges.map((e) => e.node.type)).toEqual(['Tenant.Updated']);
    const [createdEv] = nodes;
    const updated = own.data!.auditEvents.edges[0]!.node;
    expect(createdEv!.requestId).toBe(`req-${slug}`);
    expect(createdEv!.actor).toEqual({ kind: 'CLIENT', id: 'test-root', clientId: 'test-root' });
    expect(createdEv!.payload).toEqual({ slug, name: 'Audited' });
    expect(updated!.payload).toEqual({ changes: { name: { before: 'Audited', after: 'Audited 2' } } });
    expect(JSON.stringify(createdEv)).not.toContain(t.managementClient.plaintextSecret);
    const future = await s.gql(AuditEvents, { first: 5, filter: { occurredAfter: new Date(Date.now() + 60_000).toISOString() } });
    expect(future.data!.auditEvents.edges).toEqual([]);
    const noScope = await s.gql(AuditEvents, { first: 5 }, { token: await s.rootToken('tenant:read') });
    expect(noScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('delivers an event caused on serve B to a subscriber on serve A', async () => {
    const token = await s.rootToken();
    const sub = wsClient(a.url, token);
    // graphql-ws does not acknowledge a subscribe: keep causing events on B (a new slug every
    // 500 ms, at most 16) until A's subscriber has seen one of them.
    const slugs: string[] = [];
    let received = false;
    const mutate = async () => {
      for (let i = 0; i < 16 && !received; i++) {
        const slug = uniqueSlug('live');
        slugs.push(slug);
        const res = await fetch(`${b.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: `mutation { tenantCreate(input: {slug: "${slug}", name: "Live"}) { tenant { id } managementClient { plaintextSecret } } }` }),
        });
        const json = (await res.json()) as { data: { tenantCreate: { managementClient: { plaintextSecret: string } } } };
        registerSecret(inject('logDir'), json.data.tenantCreate.managementClient.plaintextSecret);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const event = await nextEvent<{ auditEventRecorded: { type: string; payload: { slug: string } } }>(
      sub, print(AuditEventRecorded), { filter: { types: ['Tenant.Created'] } }, () => void mutate(),
      (d) => slugs.includes(d.auditEventRecorded.payload.slug),
    );
    received = true;
    expect(event.errors).toBeUndefined();
    expect(event.data?.auditEventRecorded.type).toBe('Tenant.Created');
    expect(slugs).toContain(event.data?.auditEventRecorded.payload.slug);
    await sub.dispose();
  });

  it('never delivers another tenant\'s events', async () => {
    const created = await s.gql(`mutation { tenantCreate(input: {slug: "${uniqueSlug('iso')}", name: "Iso"}) { tenant { id slug } managementClient { clientId plaintextSecret } } }`);
    const t = (created.data as { tenantCreate: { tenant: { id: string; slug: string }; managementClient: { clientId: string; plaintextSecret: string } } }).tenantCreate;
    registerSecret(inject('logDir'), t.managementClient.plaintextSecret);
    const tenantToken = await s.token({ tenant: t.tenant.slug, clientId: t.managementClient.clientId, clientSecret: t.managementClient.plaintextSecret });
    const sub = wsClient(a.url, tenantToken);
    const received: string[] = [];
    const unsubscribe = sub.subscribe<{ auditEventRecorded: { type: string; targetId: string } }>(
      { query: print(AuditEventRecorded) },
      { next: (v) => { received.push(v.data!.auditEventRecorded.targetId); }, error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 300));
    // A system-tenant event (created by the root client) must not reach tenant t's subscriber...
    const other = await s.gql(`mutation { tenantCreate(input: {slug: "${uniqueSlug('noise')}", name: "Noise"}) { managementClient { plaintextSecret } } }`);
    registerSecret(inject('logDir'), (other.data as { tenantCreate: { managementClient: { plaintextSecret: string } } }).tenantCreate.managementClient.plaintextSecret);
    // ...while its own tenant's events do (renamed until the subscriber has seen one: subscribes
    // are not acknowledged). Interleave noise from the system tenant each round.
    for (let i = 2; i < 20 && !received.length; i++) {
      await s.gql(Rename, { id: t.tenant.id, input: { name: `Iso ${i}` } }, { token: tenantToken });
      const noise = await s.gql(`mutation { tenantCreate(input: {slug: "${uniqueSlug('noise')}", name: "Noise"}) { managementClient { plaintextSecret } } }`);
      registerSecret(inject('logDir'), (noise.data as { tenantCreate: { managementClient: { plaintextSecret: string } } }).tenantCreate.managementClient.plaintextSecret);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(received.length).toBeGreaterThan(0);
    expect(new Set(received)).toEqual(new Set([t.tenant.id]));
    unsubscribe();
    await sub.dispose();
  });

  it('closes the socket with 4401 at connection init without a valid token', async () => {
    for (const token of [undefined, 'garbage']) {
      const client = wsClient(a.url, token);
      const err = await new Promise<{ code: number; reason: string }>((resolve) => {
        client.subscribe({ query: '{ viewer { subject } }' }, {
          next: () => undefined,
          error: (e) => resolve(e as { code: number; reason: string }),
          complete: () => resolve({ code: 0, reason: 'completed' }),
        });
      });
      expect(err.code).toBe(4401);
      await client.dispose();
    }
  });

  it('closes an open socket with 4401 when its token is revoked (RFC 7009)', async () => {
    const token = await s.token({ scope: 'events:subscribe audit:read' });
    const client = wsClient(a.url, token);
    let connected = false;
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      client.on('connected', () => { connected = true; });
      client.subscribe({ query: print(AuditEventRecorded) }, { next: () => undefined, error: (e) => resolve(e as { code: number; reason: string }), complete: () => resolve({ code: 0, reason: 'completed' }) });
    });
    for (let i = 0; i < 50 && !connected; i++) await new Promise((r) => setTimeout(r, 20));
    expect(connected).toBe(true);
    const revoked = await fetch(`${s.publicUrl}/t/system/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${inject('rootClientId')}:${inject('rootClientSecret')}`).toString('base64')}` },
      body: new URLSearchParams({ token }),
    });
    expect(revoked.status).toBe(200);
    // Bounded by the test's timeout, not by a timing assertion.
    expect(await closed).toMatchObject({ code: 4401, reason: 'Token revoked' });
    await client.dispose();
  }, 20_000);

  it('closes the socket with 4403 when a non-operator names another tenant in Signet-Tenant', async () => {
    const created = await s.gql(`mutation { tenantCreate(input: {slug: "${uniqueSlug('ws')}", name: "WS"}) { tenant { slug } managementClient { clientId plaintextSecret } } }`);
    const t = (created.data as { tenantCreate: { tenant: { slug: string }; managementClient: { clientId: string; plaintextSecret: string } } }).tenantCreate;
    registerSecret(inject('logDir'), t.managementClient.plaintextSecret);
    const tenantToken = await s.token({ tenant: t.tenant.slug, clientId: t.managementClient.clientId, clientSecret: t.managementClient.plaintextSecret });
    const client = wsClient(a.url, tenantToken, { 'Signet-Tenant': 'system' });
    const err = await new Promise<{ code: number; reason: string }>((resolve) => {
      client.subscribe({ query: '{ viewer { subject } }' }, { next: () => undefined, error: (e) => resolve(e as { code: number; reason: string }), complete: () => resolve({ code: 0, reason: '' }) });
    });
    expect(err.code).toBe(4403);
    expect(err.reason).toBe('only platform operators (system tenant, scope "platform:admin") may act in another tenant');
    await client.dispose();
  });

  it('answers FORBIDDEN on subscribe when the token lacks events:subscribe', async () => {
    const token = await s.rootToken('audit:read');
    const client = wsClient(a.url, token);
    const res = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: print(AuditEventRecorded) }, {
        next: (v) => resolve(v),
        error: (e) => resolve(e),
        complete: () => resolve('complete'),
      });
    });
    // Delivered as an execution result with errors (graphql-ws `next`), then the operation completes.
    const [err] = (res as { errors: { message: string; extensions?: { code?: string } }[] }).errors;
    expect(err!.extensions?.code).toBe('FORBIDDEN');
    expect(err!.message).toBe('this operation requires the scope "events:subscribe"');
    await client.dispose();
  });
});
