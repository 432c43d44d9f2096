import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, createClient, createTenant, createUser, hidden, hostedFlow, pkce, TestBrowser, type TestClient, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const gid = (type: string, uuid: string) => `S1${Buffer.from(`${type}:${uuid}`).toString('base64url')}`;

describe('MFA policy per organization: a sign-in naming an organization with mfaRequired needs a second factor', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let orgId: string;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    const sub = await createUser(s, t, { email: 'radia@example.com', password: 'spanning-tree-1985' });
    const r = await s.gql(`mutation($i: OrganizationCreateInput!) { organizationCreate(input: $i) { organization { organizationId mfaRequired } userErrors { code } } }`,
      { i: { name: 'Interconnect', ownerId: gid('User', sub), mfaRequired: true } }, { token: t.token });
    const org = (r.data as { organizationCreate: { organization: { organizationId: string; mfaRequired: boolean } } }).organizationCreate.organization;
    expect(org.mfaRequired).toBe(true);
    orgId = org.organizationId;
    c = await createClient(s, t, { skipConsent: true });
  });
  afterAll(async () => s?.stop());

  it('asks for enrolment when the request names the organization, and not otherwise', async () => {
    const { challenge } = pkce();
    const browser = new TestBrowser();
    const start = await browser.follow(authorizeUrl(t, c, { scope: 'openid', state: 'o', code_challenge: challenge, code_challenge_method: 'S256', organization: orgId }), s.publicUrl);
    expect(start.url).toContain('/login?login_challenge=');
    const html = await start.res.text();
    const form = new URLSearchParams({ login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), step: 'password', email: 'radia@example.com', password: 'spanning-tree-1985' });
    const after = await browser.follow(`${t.issuer}/login`, s.publicUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(after.res.status).toBe(200);
    expect(await after.res.text()).toContain('<h1>Set up two-step verification</h1>');

    // The same user, no organization: one factor is enough.
    const { challenge: ch2 } = pkce();
    const cb = await hostedFlow(s, new TestBrowser(), authorizeUrl(t, c, { scope: 'openid', state: 'p', code_challenge: ch2, code_challenge_method: 'S256' }), { email: 'radia@example.com', password: 'spanning-tree-1985' });
    expect(cb.searchParams.get('code')).toBeTruthy();
  });

  it('organizationUpdate turns the requirement off (Organization.Updated records the change)', async () => {
    const orgs = await s.gql(`query { organizations(first: 5) { nodes { id mfaRequired } } }`, {}, { token: t.token });
    const node = (orgs.data as { organizations: { nodes: { id: string; mfaRequired: boolean }[] } }).organizations.nodes[0]!;
    const r = await s.gql(`mutation($id: ID!, $i: OrganizationUpdateInput!) { organizationUpdate(id: $id, input: $i) { organization { mfaRequired } userErrors { code } } }`, { id: node.id, i: { mfaRequired: false } }, { token: t.token });
    expect((r.data as { organizationUpdate: { organization: { mfaRequired: boolean } } }).organizationUpdate.organization.mfaRequired).toBe(false);
  });
});
