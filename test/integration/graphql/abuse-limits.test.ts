import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { LIMITS } from '../../../src/graph/limits.js';

describe('GraphQL abuse limits (depth, aliases, cost, tokens), over HTTP and WebSocket', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  it('accepts an ordinary query', async () => {
    const r = await s.gql('{ viewer { tenant { signingKeys { kid } } } }');
    expect(r.errors).toBeUndefined();
  });

  it('refuses a document deeper than the limit', async () => {
    let sel = 'leaf';
    for (let i = 0; i < LIMITS.maxDepth; i++) sel = `f${i} { ${sel} }`;
    const r = await s.gql(`{ ${sel} }`);
    expect(r.status).toBe(400);
    expect(r.errors?.map((e) => e.message)).toContain(`query depth ${LIMITS.maxDepth + 1} exceeds the limit of ${LIMITS.maxDepth}`);
  });

  it('refuses more aliases than the limit', async () => {
    const aliases = Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: viewer { subject }`).join(' ');
    const r = await s.gql(`{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toBe(`the document uses ${LIMITS.maxAliases + 1} aliases; the limit is ${LIMITS.maxAliases}`);
  });

  it('refuses a document whose estimated cost is over the limit', async () => {
    const page = 'tenants(first: 100) { nodes { slug name signingKeys { kid alg status createdAt } } }';
    const r = await s.gql(`{ ${Array.from({ length: 20 }, (_, i) => `t${i}: ${page}`).join(' ')} }`);
    expect(r.status).toBe(400);
    // 20 aliases × (1 + 100 × (nodes 1 + slug 1 + name 1 + signingKeys 1 + 4 leaves)) = 16,020.
    expect(r.errors?.[0]?.message).toBe('query cost 16020 exceeds the limit of 10000');
    const ok = await s.gql(`{ ${page} }`);
    expect(ok.errors).toBeUndefined();
  });

  it('refuses a document with more tokens than the limit', async () => {
    const fields = Array.from({ length: LIMITS.maxTokens }, () => 'subject').join(' ');
    const r = await s.gql(`{ viewer { ${fields} } }`);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/^Syntax Error: Document contains more th\w+ 5000 tokens/);
  });

  it('applies the same limits to subscriptions over graphql-ws', async () => {
    const token = await s.rootToken();
    const client = createWsClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
    const aliases = Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: auditEventRecorded { id }`).join(' ');
    const res = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: `subscription { ${aliases} }` }, { next: resolve, error: resolve, complete: () => resolve('complete') });
    });
    expect(JSON.stringify(res)).toContain(`the document uses ${LIMITS.maxAliases + 1} aliases`);
    await client.dispose();
  });
});
