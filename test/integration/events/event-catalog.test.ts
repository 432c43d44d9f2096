import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../generated/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const EventTypes = graphql(`
  query EventTypes($category: EventCategory) { eventCatalogVersion eventTypes(category: $category) { name description category severity } }
`);

describe('eventTypes query', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s?.stop(); });

  it('lists the catalog with description, category and severity for any valid management token', async () => {
    const r = await s.gql(EventTypes, {}, { token: await s.rootToken('tenant:read') });
    expect(r.errors).toBeUndefined();
    expect(r.data!.eventCatalogVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.data!.eventTypes).toContainEqual({ name: 'RefreshToken.Reused', category: 'SECURITY', severity: 'CRITICAL', description: 'A rotated refresh token was presented again; its whole family was revoked.' });
    expect(new Set(r.data!.eventTypes.map((e) => e.category))).toEqual(new Set(['AUTHENTICATION', 'MFA', 'USERS', 'ADMINISTRATION', 'SECURITY', 'ORGANIZATIONS', 'VAULT', 'WALLET', 'CHAIN', 'SSO', 'COMMERCE']));
    const wallet = await s.gql(EventTypes, { category: 'WALLET' as never });
    expect(wallet.data!.eventTypes.map((e) => e.name)).toEqual(['Wallet.Created', 'Wallet.Transaction.Signed', 'Wallet.Transaction.Rejected', 'Wallet.Budget.Exceeded']);
  });

  it('needs a token', async () => {
    const r = await s.gql(EventTypes, {}, { token: null });
    expect(r.status).toBe(401);
  });
});
