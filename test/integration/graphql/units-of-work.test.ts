import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../generated/index.js';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { registerSecret } from '../../helpers/secrets.js';

const TenantsWithKeys = graphql(`
  query TenantsWithKeys($first: Int!) {
    tenants(first: $first) { nodes { slug issuer signingKeys { kid alg status } } }
  }
`);

describe('units of work: DataLoaders keep SQL statements constant per list query', () => {
  let s: TestServer;
  let statements: string[] = [];
  beforeAll(async () => {
    s = await startTestServer({ onQuery: (sql) => statements.push(sql) });
    for (let i = 0; i < 12; i++) {
      const r = await s.gql(`mutation { tenantCreate(input: {slug: "${uniqueSlug('uow')}", name: "UoW"}) { managementClient { plaintextSecret } userErrors { code } } }`);
      registerSecret(inject('logDir'), (r.data as { tenantCreate: { managementClient: { plaintextSecret: string } } }).tenantCreate.managementClient.plaintextSecret);
    }
    await s.rootToken();
  });
  afterAll(async () => { await s.stop(); });

  async function countFor(first: number): Promise<{ n: number; items: number }> {
    statements = [];
    const r = await s.gql(TenantsWithKeys, { first });
    expect(r.errors).toBeUndefined();
    const items = r.data!.tenants.nodes.length;
    for (const t of r.data!.tenants.nodes) expect(t.signingKeys.length).toBeGreaterThanOrEqual(2);
    return { n: statements.length, items };
  }

  it('runs the same number of statements for 2 tenants as for 12', async () => {
    const small = await countFor(2);
    const large = await countFor(12);
    expect(small.items).toBe(2);
    expect(large.items).toBe(12);
    expect(large.n).toBe(small.n);
    // tenants page + one batched signing-key load.
    expect(large.n).toBeLessThanOrEqual(2);
  });
});
