import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { registerSecret } from '../../helpers/secrets.js';
import { spawnWorker } from '../../helpers/processes.js';
import { startReceiver, until } from './receiver.js';

type Gql = { data?: Record<string, never>; errors?: Array<{ message: string; extensions?: { code?: string } }> };

describe('webhooks: endpoints in the graph, signed deliveries by the worker', () => {
  let s: TestServer;
  let worker: ReturnType<typeof spawnWorker>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let slug: string;
  let tenantId: string;

  const gql = async (query: string, variables?: Record<string, unknown>) => (await s.gql(query, variables, { tenant: slug })) as unknown as Gql & { data: Record<string, Record<string, unknown>> };
  const createEndpoint = async (path: string, input: Record<string, unknown> = {}) => {
    const r = await gql(`mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { endpoint { id url enabled eventTypes categories } secret userErrors { code message field } } }`,
      { input: { url: `${rx.base}${path}`, eventTypes: ['Tenant.Updated'], ...input } });
    const p = r.data.webhookEndpointCreate as { endpoint: { id: string }; secret: string; userErrors: unknown[] };
    expect(p.userErrors).toEqual([]);
    registerSecret(inject('logDir'), p.secret);
    return p;
  };
  let renames = 0;
  const rename = async () => {
    renames += 1;
    const r = await s.gql(`mutation($id: ID!, $name: String!) { tenantUpdate(id: $id, input: {name: $name}) { userErrors { code } } }`, { id: tenantId, name: `Hooks ${renames}` });
    expect(r.errors).toBeUndefined();
  };

  beforeAll(async () => {
    s = await startTestServer();
    worker = spawnWorker();
    rx = await startReceiver();
    slug = uniqueSlug('hooks');
    const c = await s.gql(`mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "Hooks", createManagementClient: false}) { tenant { id } } }`, { slug });
    tenantId = (c.data as { tenantCreate: { tenant: { id: string } } }).tenantCreate.tenant.id;
  });
  afterAll(async () => {
    await Promise.all([worker?.stop(), s?.stop(), rx?.close()]);
  });

  it('refuses a malformed URL, an unknown event type and a URL the outbound policy refuses, at creation', async () => {
    const create = async (input: Record<string, unknown>) => ((await gql(`mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { endpoint { id } secret userErrors { code message field } } }`, { input })).data.webhookEndpointCreate);
    expect(await create({ url: 'not a url' })).toEqual({ endpoint: null, secret: null, userErrors: [{ code: 'URL_INVALID', message: 'url must be an absolute http(s) URL of at most 2048 characters', field: ['input', 'url'] }] });
    expect(await create({ url: 'https://hooks.example.test/', eventTypes: ['Tenant.Updated', 'User.Exploded'] })).toEqual({ endpoint: null, secret: null,
      userErrors: [{ code: 'EVENT_TYPE_UNKNOWN', message: 'unknown event type "User.Exploded" (see the eventTypes query)', field: ['input', 'eventTypes', '1'] }] });
    expect(await create({ url: 'http://169.254.169.254/latest' })).toEqual({ endpoint: null, secret: null,
      userErrors: [{ code: 'URL_REFUSED', message: 'url is refused by the outbound policy: address 169.254.169.254 is metadata and may not be called', field: ['input', 'url'] }] });
    expect(await create({ url: 'http://0x0a.0.0.1/' })).toMatchObject({ userErrors: [{ code: 'URL_REFUSED', message: 'url is refused by the outbound policy: address 10.0.0.1 is private and may not be called' }] });
    const pol = await gql(`mutation { outboundPolicySet(target: WEBHOOK_DELIVERY, input: {allowedHostPatterns: ["*.example.test"]}) { policy { allowedHostPatterns isDefault } userErrors { code message } } }`);
    expect(pol.data.outboundPolicySet).toEqual({ policy: { allowedHostPatterns: ['*.example.test'], isDefault: false }, userErrors: [] });
    expect(await create({ url: 'https://hooks.other.test/' })).toMatchObject({ userErrors: [{ code: 'URL_REFUSED', message: 'url is refused by the outbound policy: host "hooks.other.test" matches none of the allowed host patterns' }] });
    const relax = await gql(`mutation { outboundPolicySet(target: WEBHOOK_DELIVERY, input: {allowedHostPatterns: [], blockPrivateIps: false}) { policy { isDefault } userErrors { code message field } } }`,);
    // The root client is a platform operator: it may relax; a tenant's own client may not (checked in the unit of the service).
    expect(relax.data.outboundPolicySet).toEqual({ policy: { isDefault: false }, userErrors: [] });
    const back = await gql(`mutation { outboundPolicySet(target: WEBHOOK_DELIVERY, input: {blockPrivateIps: true}) { userErrors { code } } }`);
    expect(back.data.outboundPolicySet).toEqual({ userErrors: [] });
  });

  it('delivers a signed event (Standard Webhooks, verified with the standardwebhooks library) and logs it', async () => {
    const { endpoint, secret } = await createEndpoint('/ok');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    await rename();
    const [msg] = await until(() => rx.at('/ok').length > 0 && rx.at('/ok'), 'a delivery to /ok');
    const verified = new Webhook(secret).verify(msg!.body, msg!.headers as Record<string, string>) as { type: string; data: { payload: { changes: { name: { after: string } } }; tenantId: string } };
    expect(verified.type).toBe('Tenant.Updated');
    expect(verified.data.payload.changes.name.after).toBe(`Hooks ${renames}`);
    expect(() => new Webhook('whsec_' + Buffer.alloc(24, 1).toString('base64')).verify(msg!.body, msg!.headers as Record<string, string>)).toThrow();
    expect(msg!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(msg)).not.toContain(secret);
    const read = async () => (await gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { consecutiveFailures stats { deliveries succeeded failed successRate } deliveries(first: 5) { nodes { webhookId eventType status attemptCount lastStatusCode attempts { number trigger succeeded statusCode responseExcerpt error latencyMs } } } } } }`, { id: endpoint.id })).data.node as { deliveries: { nodes: Array<{ status: string }> } };
    await until(async () => (await read()).deliveries.nodes[0]?.status === 'SUCCEEDED', 'the delivery to be logged');
    // Read again once it is logged: the fields of one response are separate statements, so the
    // poll that saw SUCCEEDED may have read the stats just before the worker's commit.
    const log = await read();
    expect(log).toMatchObject({ consecutiveFailures: 0, stats: { deliveries: 1, succeeded: 1, failed: 0, successRate: 1 } });
    const d = (log as unknown as { deliveries: { nodes: Array<Record<string, unknown> & { attempts: Array<Record<string, unknown>> }> } }).deliveries.nodes[0]!;
    expect(d).toMatchObject({ webhookId: msg!.headers['webhook-id'], eventType: 'Tenant.Updated', attemptCount: 1, lastStatusCode: 200 });
    expect(d.attempts).toEqual([{ number: 1, trigger: 'AUTO', succeeded: true, statusCode: 200, responseExcerpt: 'ok', error: null, latencyMs: expect.any(Number) }]);
  });

  it('retries with the same webhook-id until a 2xx; redirects are failures and are not followed', async () => {
    rx.on('/flaky', (_r, n) => (n === 1 ? { status: 500, body: 'boom' } : n === 2 ? { status: 302, headers: { location: `${rx.base}/elsewhere` } } : { status: 204 }));
    const { endpoint, secret } = await createEndpoint('/flaky');
    await rename();
    const msgs = await until(() => rx.at('/flaky').length >= 3 && rx.at('/flaky'), 'three attempts');
    expect(new Set(msgs.map((m) => m.headers['webhook-id'])).size).toBe(1);
    for (const m of msgs) new Webhook(secret).verify(m.body, m.headers as Record<string, string>);
    expect(rx.at('/elsewhere')).toEqual([]);
    const attempts = await until(async () => {
      const r = await gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { nodes { status attempts { number succeeded statusCode error responseExcerpt } } } } } }`, { id: endpoint.id });
      const d = (r.data.node as { deliveries: { nodes: Array<{ status: string; attempts: unknown[] }> } }).deliveries.nodes[0];
      return d?.status === 'SUCCEEDED' && d.attempts;
    }, 'the delivery to succeed');
    expect(attempts).toEqual([
      { number: 1, succeeded: false, statusCode: 500, error: 'receiver answered 500', responseExcerpt: 'boom' },
      { number: 2, succeeded: false, statusCode: 302, error: 'redirect (302) not followed', responseExcerpt: null },
      { number: 3, succeeded: true, statusCode: 204, error: null, responseExcerpt: null },
    ]);
  });

  it('honours 429 Retry-After', async () => {
    rx.on('/busy', (_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    await createEndpoint('/busy');
    await rename();
    const msgs = await until(() => rx.at('/busy').length >= 2 && rx.at('/busy'), 'the retry after 429');
    // Functional lower bound: the retry waited for Retry-After (2 s), not the 0.2 s schedule.
    expect(msgs[1]!.at - msgs[0]!.at).toBeGreaterThanOrEqual(1900);
  });

  it('disables the endpoint on 410 Gone, with an event', async () => {
    rx.on('/gone', () => ({ status: 410 }));
    const { endpoint } = await createEndpoint('/gone');
    await rename();
    const ep = await until(async () => {
      const r = await gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledReason } } }`, { id: endpoint.id });
      const n = r.data.node as { enabled: boolean };
      return !n.enabled && n;
    }, 'the endpoint to be disabled');
    expect(ep).toEqual({ enabled: false, disabledReason: 'GONE' });
    expect(rx.at('/gone')).toHaveLength(1);
    const ev = await gql(`{ auditEvents(first: 20, filter: {types: ["Webhook.Endpoint.Disabled"]}) { nodes { payload actor { kind id } } } }`);
    expect((ev.data.auditEvents as { nodes: Array<{ payload: { endpointId: string } }> }).nodes.map((n) => n.payload))
      .toContainEqual({ endpointId: expect.any(String), url: `${rx.base}/gone`, reason: 'gone' });
  });

  it('disables the endpoint after N consecutive failed attempts, with an event', async () => {
    rx.on('/down', () => ({ status: 503 }));
    const { endpoint } = await createEndpoint('/down');
    await rename();
    await rename();
    const ep = await until(async () => {
      const r = await gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledReason consecutiveFailures stats { failed successRate } } } }`, { id: endpoint.id });
      const n = r.data.node as { enabled: boolean };
      return !n.enabled && n;
    }, 'the endpoint to be disabled', 30_000);
    expect(ep).toMatchObject({ enabled: false, disabledReason: 'CONSECUTIVE_FAILURES', consecutiveFailures: 6 });
    expect(rx.at('/down')).toHaveLength(6);
  });

  it('rotates the secret: during the overlap both signatures are sent, the new secret is shown once', async () => {
    const { endpoint, secret: oldSecret } = await createEndpoint('/rotate');
    const r = await gql(`mutation($id: ID!) { webhookEndpointSecretRotate(id: $id) { endpoint { previousSecretExpiresAt } secret userErrors { code } } }`, { id: endpoint.id });
    const p = r.data.webhookEndpointSecretRotate as { secret: string; endpoint: { previousSecretExpiresAt: string } };
    registerSecret(inject('logDir'), p.secret);
    expect(p.secret).not.toBe(oldSecret);
    expect(new Date(p.endpoint.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 86_000_000);
    await rename();
    const [msg] = await until(() => rx.at('/rotate').length > 0 && rx.at('/rotate'), 'a delivery after rotation');
    expect(msg!.headers['webhook-signature']!.toString().split(' ')).toHaveLength(2);
    new Webhook(p.secret).verify(msg!.body, msg!.headers as Record<string, string>);
    new Webhook(oldSecret).verify(msg!.body, msg!.headers as Record<string, string>);
  });

  it('test send, manual redelivery (same webhook-id), update, disable and delete', async () => {
    const { endpoint, secret } = await createEndpoint('/manual');
    const t = await gql(`mutation($id: ID!) { webhookEndpointTest(id: $id) { delivery { eventType status attemptCount attempts { trigger statusCode } } userErrors { code } } }`, { id: endpoint.id });
    expect(t.data.webhookEndpointTest).toEqual({ delivery: { eventType: 'Webhook.Test', status: 'SUCCEEDED', attemptCount: 1, attempts: [{ trigger: 'TEST', statusCode: 200 }] }, userErrors: [] });
    const testMsg = rx.at('/manual')[0]!;
    expect((new Webhook(secret).verify(testMsg.body, testMsg.headers as Record<string, string>) as { type: string }).type).toBe('Webhook.Test');

    await rename();
    await until(() => rx.at('/manual').length >= 2, 'the event delivery');
    const list = await gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 5) { nodes { id eventType webhookId } } } } }`, { id: endpoint.id });
    const delivery = (list.data.node as { deliveries: { nodes: Array<{ id: string; eventType: string; webhookId: string }> } }).deliveries.nodes.find((d) => d.eventType === 'Tenant.Updated')!;
    const re = await gql(`mutation($id: ID!) { webhookDeliveryRedeliver(deliveryId: $id) { delivery { webhookId } userErrors { code } } }`, { id: delivery.id });
    expect(re.data.webhookDeliveryRedeliver).toEqual({ delivery: { webhookId: delivery.webhookId }, userErrors: [] });
    const again = await until(() => rx.at('/manual').length >= 3 && rx.at('/manual')[2], 'the redelivery');
    expect(again.headers['webhook-id']).toBe(delivery.webhookId);
    const testRedeliver = await gql(`mutation($id: ID!) { webhookDeliveryRedeliver(deliveryId: $id) { userErrors { code message field } } }`, { id: 'S1bm9wZQ' });
    expect(testRedeliver.data.webhookDeliveryRedeliver).toEqual({ userErrors: [{ code: 'DELIVERY_NOT_FOUND', message: 'webhook delivery not found', field: ['deliveryId'] }] });

    const up = await gql(`mutation($id: ID!) { webhookEndpointUpdate(id: $id, input: {categories: [SECURITY], eventTypes: [], description: "sec"}) { endpoint { eventTypes categories description } userErrors { code } } }`, { id: endpoint.id });
    expect(up.data.webhookEndpointUpdate).toEqual({ endpoint: { eventTypes: [], categories: ['SECURITY'], description: 'sec' }, userErrors: [] });
    const dis = await gql(`mutation($id: ID!) { webhookEndpointDisable(id: $id) { endpoint { enabled disabledReason } userErrors { code } } }`, { id: endpoint.id });
    expect(dis.data.webhookEndpointDisable).toEqual({ endpoint: { enabled: false, disabledReason: 'MANUAL' }, userErrors: [] });
    const del = await gql(`mutation($id: ID!) { webhookEndpointDelete(id: $id) { deletedEndpointId userErrors { code } } }`, { id: endpoint.id });
    expect(del.data.webhookEndpointDelete).toEqual({ deletedEndpointId: endpoint.id, userErrors: [] });
    const gone = await gql(`mutation($id: ID!) { webhookEndpointDelete(id: $id) { deletedEndpointId userErrors { code message } } }`, { id: endpoint.id });
    expect(gone.data.webhookEndpointDelete).toEqual({ deletedEndpointId: null, userErrors: [{ code: 'NOT_FOUND', message: 'webhook endpoint not found' }] });
    const types = await gql(`{ auditEvents(first: 50, filter: {types: ["Webhook.Endpoint.Created", "Webhook.Endpoint.Updated", "Webhook.Endpoint.Disabled", "Webhook.Endpoint.Deleted", "Webhook.Delivery.Redelivered"]}) { nodes { type payload } } }`);
    const mine = (types.data.auditEvents as { nodes: Array<{ type: string; payload: { endpointId: string } }> }).nodes.filter((n) => n.payload.endpointId && endpoint.id.length && JSON.stringify(n.payload).includes(rx.base + '/manual') || n.type === 'Webhook.Delivery.Redelivered' || n.type === 'Webhook.Endpoint.Updated');
    expect(mine.map((n) => n.type)).toEqual(expect.arrayContaining(['Webhook.Endpoint.Deleted', 'Webhook.Endpoint.Disabled', 'Webhook.Endpoint.Updated', 'Webhook.Delivery.Redelivered', 'Webhook.Endpoint.Created']));
  });

  it('needs webhooks:read / webhooks:write', async () => {
    const token = await s.rootToken('tenant:read');
    const r = await s.gql(`{ webhookEndpoints(first: 1) { nodes { id } } }`, undefined, { token });
    expect(r.errors?.[0]).toMatchObject({ message: 'this operation requires the scope "webhooks:read"', extensions: { code: 'FORBIDDEN' } });
    const w = await s.gql(`mutation { webhookEndpointCreate(input: {url: "https://hooks.example.test/"}) { secret } }`, undefined, { token });
    expect(w.errors?.[0]).toMatchObject({ message: 'this operation requires the scope "webhooks:write"', extensions: { code: 'FORBIDDEN' } });
  });
});
