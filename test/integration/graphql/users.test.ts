import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecret } from '../../helpers/secrets.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createTenant, type TestTenant } from '../../helpers/oauth-flow.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const USER_FIELDS = 'id subject email emailVerified name preferredUsername status phoneNumber phoneNumberVerified metadata address { locality country }';

describe('users: lifecycle, profile, invitations, password resets, search and bulk actions', () => {
  let s: TestServer;
  let t: TestTenant;
  let other: TestTenant;
  const runGql = async (query: string, variables?: Json, tenant: TestTenant = t): Promise<Json> => {
    const r = await s.gql(query, variables, { token: tenant.token });
    expect(r.errors).toBeUndefined();
    return r.data as Json;
  };
  const create = async (input: Json, tenant: TestTenant = t): Promise<Json> =>
    (await runGql(`mutation($input: UserCreateInput!) { userCreate(input: $input) { user { ${USER_FIELDS} } userErrors { code message field } } }`, { input }, tenant)).userCreate;
  const mailbox = async (to: string): Promise<Json[]> => (await runGql(`query($to: String) { devMailbox(to: $to, first: 5) { to subject text html } }`, { to })).devMailbox;
  const tokenIn = (text: string, label: string): string => {
    const m = new RegExp(`${label}: ([A-Za-z0-9_-]{43})`).exec(text);
    expect(m, `no "${label}" in mail`).not.toBeNull();
    registerSecret(inject('logDir'), m![1]!);
    return m![1]!;
  };
  const events = async (type: string): Promise<Json[]> =>
    (await runGql(`query($types: [String!]) { auditEvents(first: 50, filter: {types: $types}) { nodes { type targetId payload actor { kind id } } } }`, { types: [type] })).auditEvents.nodes;

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    other = await createTenant(s);
  });
  afterAll(async () => { await s.stop(); });

  it('creates with or without a password; pre-provisioned users are active without credentials', async () => {
    const a = await create({ email: 'Pre@Example.com', name: 'Pre Provisioned' });
    expect(a.userErrors).toEqual([]);
    expect(a.user).toMatchObject({ email: 'pre@example.com', status: 'ACTIVE', emailVerified: false });
    const dup = await create({ email: 'pre@example.com' });
    expect(dup.userErrors).toEqual([{ code: 'EMAIL_TAKEN', message: 'a user with this email already exists', field: ['input', 'email'] }]);
    const weak = await create({ email: 'weak@example.com', password: 'short' });
    expect(weak.userErrors).toEqual([{ code: 'PASSWORD_TOO_WEAK', message: 'password must be 8-1024 characters', field: ['input', 'password'] }]);
    const bad = await create({ email: 'x@example.com', website: 'javascript:alert(1)' });
    expect(bad.userErrors).toEqual([{ code: 'PROFILE_INVALID', message: 'website must be an absolute http(s) URL', field: ['input', 'website'] }]);
  });

  it('updates OIDC profile claims and metadata, recording before/after; node() of another tenant is null', async () => {
    const u = (await create({ email: 'grace@example.com', name: 'Grace' })).user;
    const r = (await runGql(`mutation($id: ID!, $input: UserUpdateInput!) { userUpdate(id: $id, input: $input) { user { ${USER_FIELDS} givenName locale zoneinfo birthdate website } userErrors { code message field } } }`, {
      id: u.id,
      input: { name: 'Grace Hopper', givenName: 'Grace', preferredUsername: 'amazing_grace', locale: 'en-US', zoneinfo: 'America/New_York', birthdate: '1906-12-09',
        website: 'https://example.com/grace', phoneNumber: '+1 555 0100', address: { locality: 'Arlington', country: 'US' }, metadata: { team: 'navy', level: 3 }, emailVerified: true },
    })).userUpdate;
    expect(r.userErrors).toEqual([]);
    expect(r.user).toMatchObject({ name: 'Grace Hopper', preferredUsername: 'amazing_grace', locale: 'en-US', birthdate: '1906-12-09', emailVerified: true,
      phoneNumber: '+1 555 0100', phoneNumberVerified: false, address: { locality: 'Arlington', country: 'US' }, metadata: { team: 'navy', level: 3 } });
    const updated = (await events('User.Updated')).find((e) => e.targetId === u.id)!;
    expect(updated.actor.kind).toBe('CLIENT');
    expect(updated.payload.changes.name).toEqual({ before: 'Grace', after: 'Grace Hopper' });
    expect(updated.payload.changes.metadata).toEqual({ before: null, after: { team: 'navy', level: 3 } });
    expect((await events('User.Email.Verified')).some((e) => e.targetId === u.id)).toBe(true);
    const badMeta = (await runGql(`mutation($id: ID!, $input: UserUpdateInput!) { userUpdate(id: $id, input: $input) { userErrors { code message field } } }`,
      { id: u.id, input: { metadata: { blob: 'x'.repeat(17_000) } } })).userUpdate;
    expect(badMeta.userErrors).toEqual([{ code: 'METADATA_INVALID', message: 'metadata must be at most 16384 bytes as JSON', field: ['input', 'metadata'] }]);
    expect((await runGql(`query($id: ID!) { node(id: $id) { id } }`, { id: u.id }, other)).node).toBeNull();
    const foreign = (await runGql(`mutation($id: ID!) { userSuspend(id: $id) { user { id } userErrors { code message field } } }`, { id: u.id }, other)).userSuspend;
    expect(foreign.userErrors).toEqual([{ code: 'NOT_FOUND', message: 'user not found', field: ['id'] }]);
  });

  it('invites by mail (dev mailbox); acceptance sets the password, verifies the email and activates; tokens work once', async () => {
    const inv = (await runGql(`mutation($input: UserInviteInput!) { userInvite(input: $input) { user { id status } invitationExpiresAt userErrors { code } } }`,
      { input: { email: 'invitee@example.com', name: 'Invitee', acceptUrl: 'https://app.example.com/accept' } })).userInvite;
    expect(inv.userErrors).toEqual([]);
    expect(inv.user.status).toBe('INVITED');
    const [mail] = await mailbox('invitee@example.com');
    expect(mail!.subject).toMatch(/^You are invited to /);
    const token = tokenIn(mail!.text, 'Invitation code');
    expect(mail!.text).toContain(`https://app.example.com/accept?token=${token}`);
    // Invited users cannot reset a password (no mail is sent).
    await runGql(`mutation { userPasswordResetRequest(input: {email: "invitee@example.com"}) { userErrors { code } } }`);
    expect(await mailbox('invitee@example.com')).toHaveLength(1);
    const accept = `mutation($input: UserInvitationAcceptInput!) { userInvitationAccept(input: $input) { user { id status emailVerified } userErrors { code message field } } }`;
    const weak = (await runGql(accept, { input: { token, password: 'short' } })).userInvitationAccept;
    expect(weak.userErrors[0].code).toBe('PASSWORD_TOO_WEAK');
    const ok = (await runGql(accept, { input: { token, password: 'invited password 1' } })).userInvitationAccept;
    expect(ok).toEqual({ user: { id: inv.user.id, status: 'ACTIVE', emailVerified: true }, userErrors: [] });
    const again = (await runGql(accept, { input: { token, password: 'invited password 2' } })).userInvitationAccept;
    expect(again.userErrors).toEqual([{ code: 'TOKEN_INVALID', message: 'invitation token is invalid, expired or already used', field: ['input', 'token'] }]);
    for (const type of ['User.Invited', 'User.Invitation.Accepted', 'User.Activated']) expect((await events(type)).some((e) => e.targetId === inv.user.id)).toBe(true);
    const invited = (await events('User.Invited')).find((e) => e.targetId === inv.user.id)!;
    expect(JSON.stringify(invited.payload)).not.toContain(token);
  });

  it('resets a password with a mailed single-use token, applying the tenant policy', async () => {
    await create({ email: 'reset@example.com', password: 'old password 1' });
    const none = (await runGql(`mutation { userPasswordResetRequest(input: {email: "nobody@example.com"}) { userErrors { code } } }`)).userPasswordResetRequest;
    expect(none.userErrors).toEqual([]);
    expect(await mailbox('nobody@example.com')).toEqual([]);
    await runGql(`mutation { userPasswordResetRequest(input: {email: "reset@example.com", resetUrl: "https://app.example.com/reset"}) { userErrors { code } } }`);
    const [mail] = await mailbox('reset@example.com');
    const token = tokenIn(mail!.text, 'Reset code');
    const complete = `mutation($input: UserPasswordResetCompleteInput!) { userPasswordResetComplete(input: $input) { user { email } userErrors { code message field } } }`;
    const ok = (await runGql(complete, { input: { token, password: 'new password 1' } })).userPasswordResetComplete;
    expect(ok).toEqual({ user: { email: 'reset@example.com' }, userErrors: [] });
    const reused = (await runGql(complete, { input: { token, password: 'new password 2' } })).userPasswordResetComplete;
    expect(reused.userErrors).toEqual([{ code: 'TOKEN_INVALID', message: 'password reset token is invalid, expired or already used', field: ['input', 'token'] }]);
    expect((await events('User.Password.Reset.Requested')).length).toBeGreaterThan(0);
    const changed = await events('User.Password.Changed');
    expect(JSON.stringify(changed)).not.toContain('new password');
  });

  it('searches by email, username or name (wildcards literal), filters by status and time, pages by keyset, counts exactly', async () => {
    const t2 = await createTenant(s);
    for (const [email, name, username] of [['alice@acme.test', 'Alice Adams', 'al_1'], ['bob@acme.test', 'Bob 100% Real', null], ['carol@other.test', 'Carol', 'alice_fan'], ['dave@other.test', 'Dave', null]] as const) {
      expect((await create({ email, name, preferredUsername: username }, t2)).userErrors).toEqual([]);
    }
    const q = `query($query: String, $filter: UserFilter, $first: Int, $after: String, $orderBy: UserOrder) { users(query: $query, filter: $filter, first: $first, after: $after, orderBy: $orderBy) { totalCount nodes { email } pageInfo { hasNextPage endCursor } } }`;
    const emails = async (v: Json) => (await runGql(q, v, t2)).users;
    expect((await emails({ query: 'ALICE' })).nodes.map((n: Json) => n.email).sort()).toEqual(['alice@acme.test', 'carol@other.test']);
    expect((await emails({ query: '100%' })).nodes.map((n: Json) => n.email)).toEqual(['bob@acme.test']);
    expect((await emails({ query: '_' })).nodes.map((n: Json) => n.email).sort()).toEqual(['alice@acme.test', 'carol@other.test']);
    expect((await emails({ query: 'acme' })).totalCount).toBe(2);
    const page1 = await emails({ first: 3, orderBy: { field: 'EMAIL', direction: 'ASC' } });
    expect(page1.nodes.map((n: Json) => n.email)).toEqual(['alice@acme.test', 'bob@acme.test', 'carol@other.test']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.totalCount).toBe(4);
    const page2 = await emails({ first: 3, after: page1.pageInfo.endCursor, orderBy: { field: 'EMAIL', direction: 'ASC' } });
    expect(page2.nodes.map((n: Json) => n.email)).toEqual(['dave@other.test']);
    expect((await emails({ filter: { createdAfter: new Date(Date.now() + 60_000).toISOString() } })).totalCount).toBe(0);
    const dave = (await runGql(`{ users(query: "dave") { nodes { id } } }`, undefined, t2)).users.nodes[0].id;
    await runGql(`mutation($id: ID!) { userSuspend(id: $id) { userErrors { code } } }`, { id: dave }, t2);
    expect((await emails({ filter: { status: ['SUSPENDED'] } })).nodes.map((n: Json) => n.email)).toEqual(['dave@other.test']);
    expect((await emails({ filter: { status: ['ACTIVE'] } })).totalCount).toBe(3);
  });

  it('bulk suspends, reactivates and deletes with per-index userErrors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create({ email: `bulk${i}@example.com`, name: `Bulk ${i}` })).user.id);
    const foreign = (await create({ email: 'foreign@example.com' }, other)).user.id;
    const input = { ids: [ids[0], 'not-an-id', ids[1], foreign, ids[2]] };
    const sus = (await runGql(`mutation($input: UsersBulkInput!) { usersBulkSuspend(input: $input) { users { id status } userErrors { code message field index id } } }`, { input })).usersBulkSuspend;
    expect(sus.users.map((u: Json) => u.status)).toEqual(['SUSPENDED', 'SUSPENDED', 'SUSPENDED']);
    expect(sus.userErrors).toEqual([
      { code: 'NOT_FOUND', message: 'user not found', field: ['input', 'ids', '1'], index: 1, id: 'not-an-id' },
      { code: 'NOT_FOUND', message: 'user not found', field: ['input', 'ids', '3'], index: 3, id: foreign },
    ]);
    const re = (await runGql(`mutation($input: UsersBulkInput!) { usersBulkReactivate(input: $input) { users { status } userErrors { index } } }`, { input: { ids } })).usersBulkReactivate;
    expect(re).toEqual({ users: [{ status: 'ACTIVE' }, { status: 'ACTIVE' }, { status: 'ACTIVE' }], userErrors: [] });
    const tooMany = (await runGql(`mutation($input: UsersBulkInput!) { usersBulkDelete(input: $input) { deletedUserIds userErrors { code message index } } }`, { input: { ids: Array.from({ length: 1001 }, () => ids[0]) } })).usersBulkDelete;
    expect(tooMany).toEqual({ deletedUserIds: [], userErrors: [{ code: 'BULK_LIMIT_EXCEEDED', message: 'at most 1000 ids per call', index: null }] });
    const del = (await runGql(`mutation($input: UsersBulkInput!) { usersBulkDelete(input: $input) { deletedUserIds userErrors { index } } }`, { input: { ids: [...ids, foreign] } })).usersBulkDelete;
    expect(del.deletedUserIds.sort()).toEqual([...ids].sort());
    expect(del.userErrors).toEqual([{ index: 3 }]);
    expect((await runGql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids })).nodes).toEqual([null, null, null]);
    expect((await runGql(`query($id: ID!) { node(id: $id) { id } }`, { id: foreign }, other)).node).toEqual({ id: foreign });
  });

  it('deleting a user removes personal data; the audit history keeps an opaque id and no email', async () => {
    const u = (await create({ email: 'forget.me@example.com', name: 'Forget Me' })).user;
    await runGql(`mutation($id: ID!) { userUpdate(id: $id, input: {name: "Forgotten Person"}) { userErrors { code } } }`, { id: u.id });
    const d = (await runGql(`mutation($id: ID!) { userDelete(id: $id) { deletedUserId userErrors { code } } }`, { id: u.id })).userDelete;
    expect(d).toEqual({ deletedUserId: u.id, userErrors: [] });
    const history = (await runGql(`{ auditEvents(first: 100) { nodes { type targetId payload actor { id } } } }`)).auditEvents.nodes as Json[];
    const text = JSON.stringify(history);
    expect(text).not.toContain('forget.me@example.com');
    expect(text).not.toContain('Forgotten Person');
    expect(text).not.toContain(u.subject);
    const deleted = history.find((e) => e.type === 'User.Deleted' && /^deleted:/.test(String(e.payload.userId)))!;
    expect(deleted.payload.userId).toMatch(/^deleted:[0-9a-f]{40}$/);
    expect(history.filter((e) => e.payload.userId === deleted.payload.userId).map((e) => e.type)).toEqual(expect.arrayContaining(['User.Deleted', 'User.Created', 'User.Updated']));
    const again = (await runGql(`mutation($id: ID!) { userDelete(id: $id) { deletedUserId userErrors { code message field } } }`, { id: u.id })).userDelete;
    expect(again).toEqual({ deletedUserId: null, userErrors: [{ code: 'NOT_FOUND', message: 'user not found', field: ['id'] }] });
  });

  it('needs users:read to list and users:write to change', async () => {
    const token = await s.token({ tenant: t.slug, clientId: t.managementClientId, clientSecret: t.managementClientSecret, scope: 'users:read' });
    const r = await s.gql(`mutation { userCreate(input: {email: "nope@example.com"}) { user { id } } }`, undefined, { token });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const l = await s.gql(`{ users(first: 1) { totalCount } }`, undefined, { token });
    expect(l.errors).toBeUndefined();
  });
});
