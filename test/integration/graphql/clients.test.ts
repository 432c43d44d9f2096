import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createClient, createTenant, tokenCall, type TestTenant } from '../../helpers/oauth-flow.js';
import { registerSecret } from '../../helpers/secrets.js';

const CREATE = `mutation($input: ClientCreateInput!) { clientCreate(input: $input) { client { id clientId redirectUris } plaintextSecret userErrors { code field message } } }`;

describe('applications (OAuth clients) in the graph', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
  });
  afterAll(async () => { await s.stop(); });

  const create = async (input: Record<string, unknown>) => {
    const r = await s.gql(CREATE, { input: { name: 'App', ...input } }, { token: t.token });
    const p = (r.data as { clientCreate: { client: { id: string; clientId: string } | null; plaintextSecret: string | null; userErrors: { code: string; field: string[]; message: string }[] } }).clientCreate;
    if (p.plaintextSecret) registerSecret(inject('logDir'), p.plaintextSecret);
    return p;
  };

  it('validates every field into userErrors (RFC 7591 metadata rules)', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ redirectUris: ['/relative'] }, 'REDIRECT_URI_INVALID', 'redirectUris must contain absolute URIs'],
      [{ redirectUris: ['https://app.example.com/cb#frag'] }, 'REDIRECT_URI_INVALID', 'redirectUris must not contain fragments'],
      [{ redirectUris: ['http://app.example.com/cb'] }, 'REDIRECT_URI_INVALID', 'redirectUris must use https (http only on a loopback address for native clients)'],
      [{ redirectUris: [] }, 'REDIRECT_URI_INVALID', 'authorization_code clients need at least one redirect URI'],
      [{ grantTypes: ['implicit'], redirectUris: ['https://a.example/cb'] }, 'GRANT_TYPES_INVALID', 'grantTypes must be a non-empty subset of authorization_code, refresh_token, client_credentials'],
      [{ confidential: false, grantTypes: ['client_credentials'] }, 'GRANT_TYPES_INVALID', 'public clients cannot use client_credentials'],
      [{ confidential: false, tokenEndpointAuthMethod: 'client_secret_basic', redirectUris: ['https://a.example/cb'] }, 'AUTH_METHOD_INVALID', 'public clients authenticate with none'],
      [{ tokenEndpointAuthMethod: 'private_key_jwt', redirectUris: ['https://a.example/cb'] }, 'JWKS_INVALID', 'private_key_jwt needs jwks or jwksUri'],
      [{ audiences: ['not a uri'], redirectUris: ['https://a.example/cb'] }, 'AUDIENCE_INVALID', 'audiences must be absolute URIs without fragments (RFC 8707)'],
      [{ name: '' , redirectUris: ['https://a.example/cb'] }, 'NAME_INVALID', 'name must be 1-200 characters without control characters'],
    ];
    cases.push([{ audiences: [`${s.publicUrl}/graphql`], grantTypes: ['client_credentials'] }, 'AUDIENCE_INVALID', 'client_credentials clients cannot use the management API audience; create a management client']);
    for (const [input, code, message] of cases) {
      const p = await create(input);
      expect(p.client).toBeNull();
      expect(p.userErrors[0]).toMatchObject({ code, message });
    }
    const native = await create({ applicationType: 'native', confidential: false, redirectUris: ['http://127.0.0.1/cb', 'com.example.app:/callback'] });
    expect(native.userErrors).toEqual([]);
    expect(native.plaintextSecret).toBeNull();
  });

  it('updates metadata (validated as a whole), disables, enables and deletes', async () => {
    const p = await create({ redirectUris: ['https://a.example/cb'] });
    const id = p.client!.id;
    const upd = await s.gql(`mutation($id: ID!, $input: ClientUpdateInput!) { clientUpdate(id: $id, input: $input) { client { name redirectUris } userErrors { code message } } }`,
      { id, input: { name: 'Renamed', redirectUris: ['https://b.example/cb'] } }, { token: t.token });
    expect((upd.data as { clientUpdate: unknown }).clientUpdate).toEqual({ client: { name: 'Renamed', redirectUris: ['https://b.example/cb'] }, userErrors: [] });
    const bad = await s.gql(`mutation($id: ID!, $input: ClientUpdateInput!) { clientUpdate(id: $id, input: $input) { client { name } userErrors { code } } }`,
      { id, input: { redirectUris: [] } }, { token: t.token });
    expect((bad.data as { clientUpdate: { userErrors: { code: string }[] } }).clientUpdate.userErrors[0]!.code).toBe('REDIRECT_URI_INVALID');
    const ttl = await s.gql(`mutation($id: ID!, $input: ClientUpdateInput!) { clientUpdate(id: $id, input: $input) { client { refreshTokenTtl refreshTokenIdleTtl } userErrors { code message } } }`,
      { id, input: { refreshTokenTtl: 86_400, refreshTokenIdleTtl: 3_600 } }, { token: t.token });
    expect((ttl.data as { clientUpdate: unknown }).clientUpdate).toEqual({ client: { refreshTokenTtl: 86_400, refreshTokenIdleTtl: 3_600 }, userErrors: [] });
    const badTtl = await s.gql(`mutation($id: ID!, $input: ClientUpdateInput!) { clientUpdate(id: $id, input: $input) { userErrors { code message } } }`,
      { id, input: { refreshTokenIdleTtl: 100_000 } }, { token: t.token });
    expect((badTtl.data as { clientUpdate: unknown }).clientUpdate).toEqual({ userErrors: [{ code: 'TTL_INVALID', message: 'refreshTokenIdleTtl must not exceed refreshTokenTtl' }] });
    const list = await s.gql(`{ clients(first: 100) { nodes { id name } } }`, undefined, { token: t.token });
    expect((list.data as { clients: { nodes: { id: string; name: string }[] } }).clients.nodes).toContainEqual({ id, name: 'Renamed' });
    const del = await s.gql(`mutation($id: ID!) { clientDelete(id: $id) { deletedClientId userErrors { code } } }`, { id }, { token: t.token });
    expect((del.data as { clientDelete: unknown }).clientDelete).toEqual({ deletedClientId: id, userErrors: [] });
    const again = await s.gql(`mutation($id: ID!) { clientDelete(id: $id) { deletedClientId userErrors { code message } } }`, { id }, { token: t.token });
    expect((again.data as { clientDelete: unknown }).clientDelete).toEqual({ deletedClientId: null, userErrors: [{ code: 'NOT_FOUND', message: 'client not found' }] });
  });

  it('rotates a secret with a grace period during which both work, and a disabled client gets invalid_client', async () => {
    const c = await createClient(s, t, { grantTypes: ['client_credentials'], redirectUris: [], scopes: ['api:read'], audiences: ['https://api.example.com'] });
    const node = await s.gql(`{ clients(first: 100) { nodes { id clientId } } }`, undefined, { token: t.token });
    const id = (node.data as { clients: { nodes: { id: string; clientId: string }[] } }).clients.nodes.find((n) => n.clientId === c.clientId)!.id;
    const rot = await s.gql(`mutation($input: ClientSecretRotateInput!) { clientSecretRotate(input: $input) { plaintextSecret previousSecretExpiresAt userErrors { code } } }`,
      { input: { id, gracePeriodSeconds: 600 } }, { token: t.token });
    const r = (rot.data as { clientSecretRotate: { plaintextSecret: string; previousSecretExpiresAt: string } }).clientSecretRotate;
    registerSecret(inject('logDir'), r.plaintextSecret);
    expect(new Date(r.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 500_000);
    const oldOk = await tokenCall(t, c, { grant_type: 'client_credentials' });
    const newOk = await tokenCall(t, { ...c, clientSecret: r.plaintextSecret }, { grant_type: 'client_credentials' });
    expect([oldOk.status, newOk.status]).toEqual([200, 200]);
    const now = await s.gql(`mutation($input: ClientSecretRotateInput!) { clientSecretRotate(input: $input) { plaintextSecret userErrors { code } } }`,
      { input: { id, gracePeriodSeconds: 0 } }, { token: t.token });
    const latest = (now.data as { clientSecretRotate: { plaintextSecret: string } }).clientSecretRotate.plaintextSecret;
    registerSecret(inject('logDir'), latest);
    expect((await tokenCall(t, { ...c, clientSecret: r.plaintextSecret }, { grant_type: 'client_credentials' })).body.error).toBe('invalid_client');
    expect((await tokenCall(t, { ...c, clientSecret: latest }, { grant_type: 'client_credentials' })).status).toBe(200);
    await s.gql(`mutation($id: ID!) { clientDisable(id: $id) { userErrors { code } } }`, { id }, { token: t.token });
    expect((await tokenCall(t, { ...c, clientSecret: latest }, { grant_type: 'client_credentials' })).body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    await s.gql(`mutation($id: ID!) { clientEnable(id: $id) { userErrors { code } } }`, { id }, { token: t.token });
    expect((await tokenCall(t, { ...c, clientSecret: latest }, { grant_type: 'client_credentials' })).status).toBe(200);
  });

  it('never exposes a secret on the Client type', async () => {
    const r = await s.gql(`{ __type(name: "Client") { fields { name } } }`, undefined, { token: t.token });
    const names = (r.data as { __type: { fields: { name: string }[] } }).__type.fields.map((f) => f.name);
    expect(names.filter((n) => /secret/i.test(n))).toEqual([]);
  });
});
