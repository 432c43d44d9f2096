import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { registerSecret } from '../../helpers/secrets.js';

type R = { data: Record<string, Record<string, unknown> | null>; errors?: unknown[] };

describe('webhooks: tenant isolation and policy relaxation', () => {
  let s: TestServer;
  const tenants: Array<{ slug: string; token: string }> = [];

  beforeAll(async () => {
    s = await startTestServer();
    for (const name of ['A', 'B']) {
      const slug = uniqueSlug(`iso${name.toLowerCase()}`);
      const c = await s.gql(`mutation($slug: String!) { tenantCreate(input: {slug: $slug, name: "${name}"}) { managementClient { clientId plaintextSecret } } }`, { slug });
      const mc = (c.data as { tenantCreate: { managementClient: { clientId: string; plaintextSecret: string } } }).tenantCreate.managementClient;
      registerSecret(inject('logDir'), mc.plaintextSecret);
      tenants.push({ slug, token: await s.token({ tenant: slug, clientId: mc.clientId, clientSecret: mc.plaintextSecret }) });
    }
  });
  afterAll(async () => { await s?.stop(); });

  const as = async (i: number, query: string, variables?: Record<string, unknown>) => (await s.gql(query, variables, { token: tenants[i]!.token })) as unknown as R;

  it('a tenant neither sees nor changes another tenant\'s endpoints', async () => {
    const created = await as(0, `mutation { webhookEndpointCreate(input: {url: "http://127.0.0.1:9/hook"}) { endpoint { id } secret userErrors { code } } }`);
    const p = created.data.webhookEndpointCreate as { endpoint: { id: string }; secret: string };
    registerSecret(inject('logDir'), p.secret);
    const id = p.endpoint.id;
    expect((await as(1, `query($id: ID!) { node(id: $id) { id } }`, { id })).data.node).toBeNull();
    expect((await as(1, `{ webhookEndpoints(first: 10) { nodes { id } } }`)).data.webhookEndpoints).toEqual({ nodes: [] });
    for (const m of ['webhookEndpointDisable', 'webhookEndpointDelete', 'webhookEndpointTest']) {
      const r = await as(1, `mutation($id: ID!) { ${m}(id: $id) { userErrors { code message } } }`, { id });
      expect(r.data[m]).toEqual({ userErrors: [{ code: 'NOT_FOUND', message: 'webhook endpoint not found' }] });
    }
    const rot = await as(1, `mutation($id: ID!) { webhookEndpointSecretRotate(id: $id) { secret userErrors { code } } }`, { id });
    expect(rot.data.webhookEndpointSecretRotate).toEqual({ secret: null, userErrors: [{ code: 'NOT_FOUND' }] });
    expect(((await as(0, `{ webhookEndpoints(first: 10) { nodes { id enabled } } }`)).data.webhookEndpoints as { nodes: unknown[] }).nodes).toEqual([{ id, enabled: true }]);
  });

  it('a tenant may narrow its outbound policy but not turn an address block off', async () => {
    const r = await as(0, `mutation { outboundPolicySet(target: WEBHOOK_DELIVERY, input: {blockPrivateIps: false}) { policy { blockPrivateIps } userErrors { code message field } } }`);
    expect(r.data.outboundPolicySet).toEqual({ policy: null, userErrors: [{ code: 'RELAXATION_FORBIDDEN', message: 'only a platform operator may turn blockPrivateIps off', field: ['input', 'blockPrivateIps'] }] });
    const bad = await as(0, `mutation { outboundPolicySet(target: WEBHOOK_DELIVERY, input: {requestTimeoutSeconds: 60}) { userErrors { code message field } } }`);
    expect(bad.data.outboundPolicySet).toEqual({ userErrors: [{ code: 'VALUE_INVALID', message: 'requestTimeoutSeconds must be between 1 and 30', field: ['input', 'requestTimeoutSeconds'] }] });
    const ok = await as(0, `mutation { outboundPolicySet(target: WEBHOOK_DELIVERY, input: {allowedPorts: [443], allowedSchemes: ["https"]}) { policy { allowedPorts allowedSchemes isDefault } userErrors { code } } }`);
    expect(ok.data.outboundPolicySet).toEqual({ policy: { allowedPorts: [443], allowedSchemes: ['https'], isDefault: false }, userErrors: [] });
    const other = await as(1, `{ outboundPolicy(target: WEBHOOK_DELIVERY) { isDefault allowedPorts } }`);
    expect(other.data.outboundPolicy).toEqual({ isDefault: true, allowedPorts: [80, 443, 8080, 8443] });
    const refused = await as(0, `mutation { webhookEndpointCreate(input: {url: "http://hooks.example.test/"}) { userErrors { code message } } }`);
    expect(refused.data.webhookEndpointCreate).toEqual({ userErrors: [{ code: 'URL_REFUSED', message: 'url is refused by the outbound policy: scheme "http" is not allowed by the outbound policy' }] });
  });
});
