import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createTenant, type TestTenant } from '../../helpers/oauth-flow.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const UsersWithSessions = `query($first: Int!) {
  users(first: $first, orderBy: {field: EMAIL, direction: ASC}) {
    totalCount
    nodes { email sessions(first: 5) { nodes { userAgent } pageInfo { hasNextPage } } consents { clientId clientName } }
  }
}`;

describe('units of work: users with their sessions and consents cost a fixed number of statements', () => {
  let s: TestServer;
  let t: TestTenant;
  let statements: string[] = [];
  beforeAll(async () => {
    s = await startTestServer({ onQuery: (sql) => statements.push(sql) });
    t = await createTenant(s);
    const tenantId = (await s.server.container.issuers.findBySlug(t.slug))!.tenantId;
    for (let i = 0; i < 100; i++) {
      const r = await s.gql(`mutation($email: String!) { userCreate(input: {email: $email}) { user { subject } } }`, { email: `uow${String(i).padStart(3, '0')}@example.com` }, { token: t.token });
      const subject = (r.data as Json).userCreate.user.subject as string;
      if (i % 3 === 0) {
        for (let k = 0; k < 2; k++) {
          await s.server.container.ports.sessions.create(tenantId, { subject, authTime: Math.floor(Date.now() / 1000), acr: null, amr: ['pwd'], ttlSeconds: 3600, ip: '203.0.113.9', userAgent: `agent-${k}` });
        }
      }
    }
  });
  afterAll(async () => { await s.stop(); });

  async function countFor(first: number): Promise<{ n: number; items: number; sessions: number }> {
    statements = [];
    const r = await s.gql(UsersWithSessions, { first }, { token: t.token });
    expect(r.errors).toBeUndefined();
    const nodes = (r.data as Json).users.nodes as Json[];
    return { n: statements.length, items: nodes.length, sessions: nodes.reduce((a, u) => a + u.sessions.nodes.length, 0) };
  }

  it('runs the same statements for 5 users as for 100', async () => {
    const small = await countFor(5);
    const large = await countFor(100);
    expect(small.items).toBe(5);
    expect(large.items).toBe(100);
    expect(large.sessions).toBe(68);
    expect(large.n).toBe(small.n);
    // users page + COUNT + one batched sessions query + one batched consents query.
    expect(large.n).toBeLessThanOrEqual(4);
  });
});
