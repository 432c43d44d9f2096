import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** GraphQL over HTTP at /graphql: GET with a query string, CSRF prevention, methods and bodies. */
describe('GraphQL over HTTP (/graphql)', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer();
    token = await s.rootToken();
  });
  afterAll(async () => { await s.stop(); });

  const get = (search: string, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/graphql${search}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  it('answers a query sent by GET in the query string, variables and operation name included', async () => {
    const params = new URLSearchParams({
      query: 'query Who($slug: String!) { viewer { clientId } tenant(slug: $slug) { slug } __typename } query Other { __typename }',
      variables: JSON.stringify({ slug: 'system' }), operationName: 'Who',
    });
    const r = await get(`?${params}`, { 'apollo-require-preflight': 'true' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await r.json()).toEqual({ data: { viewer: { clientId: 'test-root' }, tenant: { slug: 'system' }, __typename: 'Query' } });
  });

  it('refuses a GET without a preflight-forcing header (CSRF prevention) and a mutation by GET', async () => {
    const simple = await get(`?${new URLSearchParams({ query: '{ __typename }' })}`);
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF/);
    const mutation = await get(`?${new URLSearchParams({ query: 'mutation { tenantCreate(input: {name: "By GET", slug: "by-get"}) { userErrors { code } } }' })}`, { 'apollo-require-preflight': 'true' });
    expect(mutation.status).toBe(405);
    const check = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ tenant(slug: "by-get") { id } }' }) });
    expect(await check.json()).toEqual({ data: { tenant: null } });
  });

  it('refuses a POST whose body is not JSON, and an empty query string by GET, with 400 and no stack', async () => {
    const bad = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).not.toMatch(/at .+\.js:\d+/);
    const empty = await get('?', { 'apollo-require-preflight': 'true' });
    expect(empty.status).toBe(400);
  });
});
