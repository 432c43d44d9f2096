import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startTestServer, uniqueSlug, type TestServer } from '../../helpers/server.js';
import { registerSecret } from '../../helpers/secrets.js';

const CREATE = `mutation($input: TenantCreateInput!) { tenantCreate(input: $input) { tenant { id slug } managementClient { plaintextSecret } userErrors { code } } }`;
type CreateResult = { tenantCreate: { tenant: { id: string; slug: string } | null; managementClient: { plaintextSecret: string } | null; userErrors: { code: string }[] } };

describe('Idempotency-Key on mutations', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  it('replays the first result for a retry with the same key and input, without repeating the effect', async () => {
    const key = `idem-${uniqueSlug()}`;
    const input = { slug: uniqueSlug('idem'), name: 'Once' };
    const first = await s.gql(CREATE, { input }, { headers: { 'idempotency-key': key } });
    const f = (first.data as CreateResult).tenantCreate;
    registerSecret(inject('logDir'), f.managementClient!.plaintextSecret);
    expect(f.userErrors).toEqual([]);
    const retry = await s.gql(CREATE, { input }, { headers: { 'idempotency-key': key } });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.data).toEqual(first.data);
    // Without the key the same input is a new request: the slug is taken now.
    const again = await s.gql(CREATE, { input });
    expect((again.data as CreateResult).tenantCreate.userErrors[0]!.code).toBe('SLUG_TAKEN');
    const audit = await s.gql(`query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) { nodes { targetId } } }`, { f: { types: ['Tenant.Created'] } });
    const created = (audit.data as { auditEvents: { nodes: { targetId: string }[] } }).auditEvents.nodes.filter((n) => n.targetId === f.tenant!.id);
    expect(created).toHaveLength(1);
  });

  it('refuses the same key with a different input', async () => {
    const key = `idem-${uniqueSlug()}`;
    const first = await s.gql(CREATE, { input: { slug: uniqueSlug('idem'), name: 'A' } }, { headers: { 'idempotency-key': key } });
    registerSecret(inject('logDir'), (first.data as CreateResult).tenantCreate.managementClient!.plaintextSecret);
    const other = await s.gql(CREATE, { input: { slug: uniqueSlug('idem'), name: 'B' } }, { headers: { 'idempotency-key': key } });
    expect(other.errors?.[0]?.message).toBe('Idempotency-Key was already used with a different request');
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect((other.data as { tenantCreate?: unknown } | undefined)?.tenantCreate ?? null).toBeNull();
  });

  it('keys are per caller: another client may use the same key', async () => {
    const key = `idem-${uniqueSlug()}`;
    const a = await s.gql(CREATE, { input: { slug: uniqueSlug('idem'), name: 'A' } }, { headers: { 'idempotency-key': key } });
    registerSecret(inject('logDir'), (a.data as CreateResult).tenantCreate.managementClient!.plaintextSecret);
    const t = (a.data as CreateResult).tenantCreate.tenant!;
    const tenantClientToken = await s.gql(`{ viewer { clientId } }`);
    expect(tenantClientToken.errors).toBeUndefined();
    const bad = await s.gql(CREATE, { input: { slug: uniqueSlug('idem'), name: 'x' } }, { headers: { 'idempotency-key': 'has space' } });
    expect(bad.errors?.[0]?.extensions?.reason).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(t.slug).toMatch(/^idem-/);
  });

  it('ignores the header on queries', async () => {
    const r = await s.gql(`{ viewer { clientId } }`, undefined, { headers: { 'idempotency-key': 'whatever' } });
    expect(r.errors).toBeUndefined();
    expect(r.headers.get('idempotent-replayed')).toBeNull();
  });
});
