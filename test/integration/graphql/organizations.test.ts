import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';
import { registerSecret } from '../../helpers/secrets.js';

type Data = Record<string, Record<string, unknown> & { userErrors: Array<{ code: string; message: string; field: string[] | null }> }>;
const gid = (type: string, uuid: string) => `S1${Buffer.from(`${type}:${uuid}`).toString('base64url')}`;

describe('organizations: lifecycle, members, invitations, domains, ownership transfer, audit', () => {
  let s: TestServer;
  let t: TestTenant;
  let owner: string;
  let bob: string;
  let carol: string;
  const gql = async (q: string, v: Record<string, unknown> = {}, token = t.token) => {
    const r = await s.gql(q, v, { token });
    expect(r.errors).toBeUndefined();
    return r.data as Data;
  };
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    owner = gid('User', await createUser(s, t, { email: 'owner@example.com' }));
    bob = gid('User', await createUser(s, t, { email: 'bob@example.com' }));
    carol = gid('User', await createUser(s, t, { email: 'carol@example.com' }));
  });
  afterAll(async () => { await s.stop(); });

  const create = `mutation($i: OrganizationCreateInput!) { organizationCreate(input: $i) { organization { id organizationId name owner { email } } userErrors { code message field } } }`;

  it('creates, updates (events carry before/after) and deletes; another tenant sees null', async () => {
    const c = await gql(create, { i: { name: 'Acme', ownerId: owner } });
    expect(c.organizationCreate!.userErrors).toEqual([]);
    const org = c.organizationCreate!.organization as { id: string; owner: { email: string } };
    expect(org.owner.email).toBe('owner@example.com');
    const bad = await gql(create, { i: { name: ' ' } });
    expect(bad.organizationCreate!.userErrors).toEqual([{ code: 'NAME_INVALID', message: 'name must be 1-200 characters without control characters', field: ['input', 'name'] }]);
    const u = await gql(`mutation($id: ID!, $i: OrganizationUpdateInput!) { organizationUpdate(id: $id, input: $i) { organization { name } userErrors { code } } }`, { id: org.id, i: { name: 'Acme Inc' } });
    expect(u.organizationUpdate!.organization).toEqual({ name: 'Acme Inc' });
    const ev = await gql(`query($f: AuditEventFilter) { auditEvents(first: 5, filter: $f) { nodes { type payload actor { kind id } } } }`, { f: { types: ['Organization.Updated'] } });
    expect((ev.auditEvents!.nodes as Array<{ payload: Record<string, unknown> }>)[0]!.payload).toMatchObject({ changes: { name: { before: 'Acme', after: 'Acme Inc' } } });

    const other = await createTenant(s);
    const n = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: org.id }, { token: other.token });
    expect(n.data).toEqual({ node: null });
    const foreign = await s.gql(`mutation($id: ID!) { organizationDelete(id: $id) { deletedOrganizationId userErrors { code message } } }`, { id: org.id }, { token: other.token });
    expect(foreign.data).toEqual({ organizationDelete: { deletedOrganizationId: null, userErrors: [{ code: 'NOT_FOUND', message: 'organization not found' }] } });
    const d = await gql(`mutation($id: ID!) { organizationDelete(id: $id) { deletedOrganizationId userErrors { code } } }`, { id: org.id });
    expect(d.organizationDelete).toEqual({ deletedOrganizationId: org.id, userErrors: [] });
  });

  it('members with roles per organization; the owner cannot be removed; ownership moves in two steps', async () => {
    const org = (await gql(create, { i: { name: 'Two-step', ownerId: owner } })).organizationCreate!.organization as { id: string };
    const role = (await gql(`mutation { roleCreate(input: {name: "org-admin"}) { role { id } userErrors { code } } }`)).roleCreate!.role as { id: string };
    const add = `mutation($i: OrganizationMemberAddInput!) { organizationMemberAdd(input: $i) { member { user { email } roles { name } } userErrors { code message } } }`;
    expect((await gql(add, { i: { organizationId: org.id, userId: bob, roleIds: [role.id] } })).organizationMemberAdd).toEqual({ member: { user: { email: 'bob@example.com' }, roles: [{ name: 'org-admin' }] }, userErrors: [] });
    expect((await gql(add, { i: { organizationId: org.id, userId: bob } })).organizationMemberAdd!.userErrors).toEqual([{ code: 'ALREADY_MEMBER', message: 'the user is already a member of the organization' }]);
    const remove = `mutation($i: OrganizationMemberInput!) { organizationMemberRemove(input: $i) { userErrors { code message } } }`;
    expect((await gql(remove, { i: { organizationId: org.id, userId: owner } })).organizationMemberRemove!.userErrors).toEqual([{ code: 'OWNER_CANNOT_LEAVE', message: 'the owner cannot be removed; transfer ownership first' }]);
    const offer = `mutation($i: OrganizationOwnershipOfferInput!) { organizationOwnershipOffer(input: $i) { organization { pendingOwner { email } } userErrors { code message } } }`;
    expect((await gql(offer, { i: { organizationId: org.id, newOwnerId: carol } })).organizationOwnershipOffer!.userErrors).toEqual([{ code: 'NOT_MEMBER', message: 'ownership can only be offered to a member of the organization' }]);
    expect((await gql(offer, { i: { organizationId: org.id, newOwnerId: bob } })).organizationOwnershipOffer).toEqual({ organization: { pendingOwner: { email: 'bob@example.com' } }, userErrors: [] });
    const accept = `mutation($i: OrganizationOwnershipAcceptInput!) { organizationOwnershipAccept(input: $i) { organization { owner { email } pendingOwner { email } } userErrors { code message } } }`;
    expect((await gql(accept, { i: { organizationId: org.id, userId: carol } })).organizationOwnershipAccept!.userErrors).toEqual([{ code: 'NO_PENDING_TRANSFER', message: 'ownership of this organization was not offered to this user' }]);
    expect((await gql(accept, { i: { organizationId: org.id, userId: bob } })).organizationOwnershipAccept).toEqual({ organization: { owner: { email: 'bob@example.com' }, pendingOwner: null }, userErrors: [] });
    expect((await gql(remove, { i: { organizationId: org.id, userId: owner } })).organizationMemberRemove!.userErrors).toEqual([]);
    const ev = await gql(`query { auditEvents(first: 1, filter: {types: ["Organization.Ownership.Transferred"]}) { nodes { payload } } }`);
    expect((ev.auditEvents!.nodes as Array<{ payload: Record<string, unknown> }>)[0]!.payload).toMatchObject({ changes: { owner: { before: expect.any(String), after: expect.any(String) } } });
  });

  it('invitations: created with an expiry, token returned once, accepted by the invited user, revocable once', async () => {
    const org = (await gql(create, { i: { name: 'Invites' } })).organizationCreate!.organization as { id: string };
    const inv = `mutation($i: OrganizationInvitationCreateInput!) { organizationInvitationCreate(input: $i) { invitation { id email status expiresAt } plaintextToken userErrors { code message field } } }`;
    expect((await gql(inv, { i: { organizationId: org.id, email: 'carol@example.com', expiresInSeconds: 10 } })).organizationInvitationCreate!.userErrors)
      .toEqual([{ code: 'EXPIRY_INVALID', message: 'expiresInSeconds must be 60-2592000', field: ['input', 'expiresInSeconds'] }]);
    const created = (await gql(inv, { i: { organizationId: org.id, email: 'Carol@Example.com', expiresInSeconds: 3600 } })).organizationInvitationCreate!;
    const token = created.plaintextToken as string;
    registerSecret(inject('logDir'), token);
    expect(created.invitation).toMatchObject({ email: 'carol@example.com', status: 'PENDING' });
    const acceptQ = `mutation($i: OrganizationInvitationAcceptInput!) { organizationInvitationAccept(input: $i) { invitation { status } userErrors { code message } } }`;
    expect((await gql(acceptQ, { i: { token, userId: bob } })).organizationInvitationAccept!.userErrors).toEqual([{ code: 'INVITATION_EMAIL_MISMATCH', message: 'the invitation was sent to another email address' }]);
    expect((await gql(acceptQ, { i: { token, userId: carol } })).organizationInvitationAccept).toEqual({ invitation: { status: 'ACCEPTED' }, userErrors: [] });
    expect((await gql(acceptQ, { i: { token, userId: carol } })).organizationInvitationAccept!.userErrors).toEqual([{ code: 'INVITATION_NOT_PENDING', message: 'the invitation was already accepted' }]);
    const members = await gql(`query($id: ID!) { node(id: $id) { ... on Organization { members(first: 10) { nodes { user { email } } } invitations { status } } } }`, { id: org.id });
    expect(members.node).toEqual({ members: { nodes: [{ user: { email: 'carol@example.com' } }] }, invitations: [{ status: 'ACCEPTED' }] });
    const second = (await gql(inv, { i: { organizationId: org.id, email: 'dave@example.com' } })).organizationInvitationCreate!;
    registerSecret(inject('logDir'), second.plaintextToken as string);
    const revoke = `mutation($id: ID!) { organizationInvitationRevoke(id: $id) { invitation { status } userErrors { code message } } }`;
    const invId = (second.invitation as { id: string }).id;
    expect((await gql(revoke, { id: invId })).organizationInvitationRevoke).toEqual({ invitation: { status: 'REVOKED' }, userErrors: [] });
    expect((await gql(revoke, { id: invId })).organizationInvitationRevoke!.userErrors).toEqual([{ code: 'INVITATION_NOT_PENDING', message: 'the invitation was already revoked' }]);
  });

  it('domains: a TXT record to publish, verified by an operator, unique per tenant', async () => {
    const org = (await gql(create, { i: { name: 'Domains' } })).organizationCreate!.organization as { id: string };
    const add = `mutation($i: OrganizationDomainAddInput!) { organizationDomainAdd(input: $i) { domain { id domain verificationRecordName verificationRecordValue verified } userErrors { code message } } }`;
    const d = (await gql(add, { i: { organizationId: org.id, domain: 'Acme.Example.' } })).organizationDomainAdd!.domain as { id: string; domain: string; verificationRecordName: string; verificationRecordValue: string; verified: boolean };
    expect(d).toMatchObject({ domain: 'acme.example', verificationRecordName: '_signet-challenge.acme.example', verified: false });
    expect(d.verificationRecordValue).toMatch(/^signet-verification=[A-Za-z0-9_-]{32}$/);
    expect((await gql(add, { i: { organizationId: org.id, domain: 'acme.example' } })).organizationDomainAdd!.userErrors).toEqual([{ code: 'DOMAIN_TAKEN', message: 'domain "acme.example" is already claimed in this tenant' }]);
    expect((await gql(add, { i: { organizationId: org.id, domain: 'not a domain' } })).organizationDomainAdd!.userErrors).toEqual([{ code: 'DOMAIN_INVALID', message: 'domain must be a DNS name such as example.com' }]);
    const v = await gql(`mutation($id: ID!) { organizationDomainVerify(id: $id) { domain { verified } userErrors { code } } }`, { id: d.id });
    expect(v.organizationDomainVerify).toEqual({ domain: { verified: true }, userErrors: [] });
  });

  it('requires organizations:write for mutations', async () => {
    const tok = await s.token({ tenant: t.slug, clientId: t.managementClientId, clientSecret: t.managementClientSecret, scope: 'organizations:read' });
    const r = await s.gql(create, { i: { name: 'Nope' } }, { token: tok });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
