import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../../src/crypto/totp.js';
import { base32, FlowClient, updateSettings } from '../../helpers/authn.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('flow API: password + TOTP (RFC 6238) with MFA required by tenant policy', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { mfaPolicy: 'REQUIRED' });
  });
  afterAll(async () => s?.stop());

  it('enrols TOTP at first sign-in, shows recovery codes once, then asks for the code on the next sign-in', async () => {
    await createUser(s, t, { email: 'grace@example.com', password: 'cobol-compiler-1959' });
    const f = new FlowClient(s, t);
    const started = await f.start();
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ state: 'identify', methods: ['password'], user: null });
    expect(started.headers.get('cache-control')).toBe('no-store');

    const pwd = await f.authenticate({ method: 'password', email: 'grace@example.com', password: 'cobol-compiler-1959' });
    expect(pwd.status).toBe(200);
    expect(pwd.body).toMatchObject({ state: 'enroll_mfa', methods: ['totp'], mfa_required: true, mfa_reasons: ['tenant_policy'], amr: ['pwd'] });

    // Completing now is out of order and changes nothing.
    expect((await f.complete()).body).toMatchObject({ error: 'step_out_of_order' });

    const enrol = await f.enroll();
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]+&issuer=/);
    expect(enrol.body.qr_svg).toMatch(/^<svg/);
    const secret = base32(enrol.body.secret as string);

    const wrong = await f.authenticate({ method: 'totp', code: '000000' === totp(secret, Date.now()) ? '111111' : '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_code');

    const ok = await f.authenticate({ method: 'totp', code: totp(secret, Date.now()) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:signet:acr:mfa' });
    const codes = ok.body.recovery_codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const done = await f.complete();
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ session: { id: expect.any(String) } });
    expect(f.cookies.get('signet_session')).toBeTruthy();
    // The flow is finished: it cannot be completed twice.
    expect((await f.complete()).status).toBe(404);

    // Next sign-in: the second factor is asked (not enrolment); the same TOTP code is refused (RFC 6238 §5.2).
    const g = new FlowClient(s, t);
    await g.start();
    const second = await g.authenticate({ method: 'password', email: 'grace@example.com', password: 'cobol-compiler-1959' });
    expect(second.body).toMatchObject({ state: 'second_factor', methods: ['totp', 'recovery_code'] });
    const replay = await g.authenticate({ method: 'totp', code: totp(secret, Date.now()) });
    expect(replay.status).toBe(401);
    const rc = await g.authenticate({ method: 'recovery_code', code: codes[0] });
    expect(rc.body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'rc', 'mfa'] });

    // A recovery code works once.
    const h = new FlowClient(s, t);
    await h.start();
    await h.authenticate({ method: 'password', email: 'grace@example.com', password: 'cobol-compiler-1959' });
    expect((await h.authenticate({ method: 'recovery_code', code: codes[0] })).body.error).toBe('invalid_code');
    expect((await h.authenticate({ method: 'recovery_code', code: codes[1] })).body.state).toBe('authenticated');
  });

  it('destroys the half-finished login after five wrong second-factor answers', async () => {
    await createUser(s, t, { email: 'ada@example.com', password: 'analytical-engine-1843' });
    const f = new FlowClient(s, t);
    await f.start();
    await f.authenticate({ method: 'password', email: 'ada@example.com', password: 'analytical-engine-1843' });
    await f.enroll();
    const answers = [];
    // Well-formed wrong codes (a malformed one is bad input, answered without counting).
    for (let i = 0; i < 5; i++) answers.push(await f.authenticate({ method: 'totp', code: `12345${i}` }));
    expect(answers[0]!.status).toBe(401);
    expect(answers[4]!.body.error).toBe('flow_failed');
    const after = await f.status();
    expect(after.status).toBe(410);
    expect(after.body.error).toBe('flow_failed');
  });
});

describe('graph: administrators list and reset users\' second factors', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { mfaPolicy: 'REQUIRED' });
  });
  afterAll(async () => s?.stop());

  it('User.authenticators lists TOTP and recovery codes (no secret); userAuthenticatorDelete makes the user enrol again', async () => {
    const subject = await createUser(s, t, { email: 'hedy@example.com', password: 'frequency-hopping-42' });
    const f = new FlowClient(s, t);
    await f.start();
    await f.authenticate({ method: 'password', email: 'hedy@example.com', password: 'frequency-hopping-42' });
    const secret = base32((await f.enroll()).body.secret as string);
    expect((await f.authenticate({ method: 'totp', code: totp(secret, Date.now()) })).body.state).toBe('authenticated');

    const list = await s.gql(`query { users(first: 5) { nodes { subject anonymous authenticators { id kind name remaining lastUsedAt } } } }`, {}, { token: t.token });
    const user = (list.data as { users: { nodes: { subject: string; anonymous: boolean; authenticators: { id: string; kind: string; remaining: number | null }[] }[] } }).users.nodes.find((u) => u.subject === subject)!;
    expect(user.anonymous).toBe(false);
    expect(user.authenticators.map((a) => [a.kind, a.remaining])).toEqual([['TOTP', null], ['RECOVERY_CODES', 10]]);
    expect(JSON.stringify(list.data)).not.toContain(f.flowToken);

    const del = `mutation($input: UserAuthenticatorDeleteInput!) { userAuthenticatorDelete(input: $input) { deletedAuthenticatorId userErrors { code field } } }`;
    const userId = (await s.gql(`query { users(first: 5) { nodes { id subject } } }`, {}, { token: t.token })).data as { users: { nodes: { id: string; subject: string }[] } };
    const gid = userId.users.nodes.find((u) => u.subject === subject)!.id;
    const unknown = await s.gql(del, { input: { userId: gid, authenticatorId: 'S1QXV0aGVudGljYXRvcjowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA' } }, { token: t.token });
    expect((unknown.data as { userAuthenticatorDelete: { userErrors: unknown[] } }).userAuthenticatorDelete.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'authenticatorId'] }]);
    const removed = await s.gql(del, { input: { userId: gid, authenticatorId: user.authenticators[0]!.id } }, { token: t.token });
    expect((removed.data as { userAuthenticatorDelete: { deletedAuthenticatorId: string } }).userAuthenticatorDelete.deletedAuthenticatorId).toBe(user.authenticators[0]!.id);

    // Recovery codes alone still answer the second factor; without them the user enrols again.
    const g = new FlowClient(s, t);
    await g.start();
    expect((await g.authenticate({ method: 'password', email: 'hedy@example.com', password: 'frequency-hopping-42' })).body).toMatchObject({ state: 'second_factor', methods: ['recovery_code'] });
    await s.gql(del, { input: { userId: gid, authenticatorId: user.authenticators[1]!.id } }, { token: t.token });
    const h = new FlowClient(s, t);
    await h.start();
    expect((await h.authenticate({ method: 'password', email: 'hedy@example.com', password: 'frequency-hopping-42' })).body).toMatchObject({ state: 'enroll_mfa' });
  });
});
