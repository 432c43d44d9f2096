import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../../src/crypto/totp.js';
import { base32, codeIn, FlowClient, lastMail, updateSettings } from '../../helpers/authn.js';
import { auditEvents, introspect, loginAndRedeem } from '../../helpers/oauth-assertions.js';
import { createClient, createTenant, createUser, hidden, TestBrowser, tokenCall, type TestClient, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * Account recovery through the flow API (src/app/recovery-routes.ts,
 * src/modules/authn/recovery.service.ts): a mailed code (or its link), the second factor when
 * the user has one, a policy-checked new password; then sessions, consents and refresh tokens
 * revoked (tenant setting), the lockout cleared, events recorded; unknown addresses answered
 * alike with no mail.
 */
describe('account recovery (flow API)', () => {
  let s: TestServer;
  let t: TestTenant;
  let client: TestClient;

  const step = (f: FlowClient, name: string, body: Record<string, unknown>) => f.call('POST', `recovery/${name}`, body);
  const not = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  async function started(tt: TestTenant): Promise<FlowClient> {
    const f = new FlowClient(s, tt);
    const r = await f.call('POST', 'recovery/start', {});
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ purpose: 'recovery', state: 'identify', step: 'email', pending: null });
    return f;
  }

  async function signIn(tt: TestTenant, email: string, password: string): Promise<Record<string, unknown>> {
    const f = new FlowClient(s, tt);
    await f.start();
    return (await f.authenticate({ method: 'password', email, password })).body;
  }

  async function sessionsOf(tt: TestTenant, email: string): Promise<unknown[]> {
    const r = await s.gql(`query($q: String) { users(first: 1, query: $q) { nodes { sessions(first: 10) { nodes { id } } } } }`, { q: email }, { token: tt.token });
    expect(r.errors).toBeUndefined();
    return (r.data as { users: { nodes: { sessions: { nodes: unknown[] } }[] } }).users.nodes[0]!.sessions.nodes;
  }

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { passwordMinLength: 12 });
    client = await createClient(s, t);
  });
  afterAll(async () => s?.stop());

  it('resets a forgotten password with the mailed code: policy checked, sessions and refresh tokens revoked, lockout cleared', async () => {
    const userId = await createUser(s, t, { email: 'hedy@example.com', password: 'frequency-hopping-1942' });
    const tokens = await loginAndRedeem(s, t, client, new TestBrowser(), { email: 'hedy@example.com', password: 'frequency-hopping-1942' }, { scope: 'openid offline_access' });
    expect(typeof tokens.refresh_token).toBe('string');
    expect(await sessionsOf(t, 'hedy@example.com')).toHaveLength(1);
    // Locked out by wrong passwords.
    for (let i = 0; i < 6; i++) await signIn(t, 'hedy@example.com', `wrong-password-${i}`);
    expect((await signIn(t, 'hedy@example.com', 'frequency-hopping-1942')).error).toBe('too_many_attempts');

    const f = await started(t);
    expect(await step(f, 'code', { code: '123456' })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    expect(await step(f, 'email', { email: 'nope' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const sent = await step(f, 'email', { email: 'Hedy@Example.com' });
    expect(sent.body).toMatchObject({ step: 'code', pending: { channel: 'email', destination: 'h***@example.com' } });
    const mail = await lastMail(s, t, 'hedy@example.com');
    expect(mail?.subject).toMatch(/^\d{6} is your Tenant .+ password reset code$/);
    const code = codeIn(mail?.text);
    expect(mail?.text).toContain(`${t.issuer}/recover/verify?code=${code}`);

    expect(await step(f, 'code', { code: 'abc' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await step(f, 'code', { code: not(code) })).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect(await step(f, 'password', { password: 'something-new-12345' })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    expect((await step(f, 'code', { code })).body).toMatchObject({ step: 'password', pending: null, password_policy: { min_length: 12 } });
    expect((await step(f, 'code', { code })).status).toBe(409);

    expect(await step(f, 'password', { password: 'short' })).toMatchObject({ status: 400, body: { error: 'password_policy', error_description: 'password must be 12-1024 characters' } });
    // Still the old password (and still locked).
    expect((await signIn(t, 'hedy@example.com', 'frequency-hopping-1942')).error).toBe('too_many_attempts');

    const done = await step(f, 'password', { password: 'spread-spectrum-1962' });
    expect(done).toMatchObject({ status: 200, body: { state: 'completed', user_id: userId, sessions_revoked: true } });
    expect((await f.call('GET', 'recovery')).status).toBe(404);

    // The lockout is cleared; the new password works, the old one does not.
    expect((await signIn(t, 'hedy@example.com', 'spread-spectrum-1962')).state).toBe('authenticated');
    expect((await signIn(t, 'hedy@example.com', 'frequency-hopping-1942')).error).toBe('invalid_credentials');
    // Sessions ended; the refresh token and access token are dead.
    expect(await sessionsOf(t, 'hedy@example.com')).toEqual([]);
    const refreshed = await tokenCall(t, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refreshed.body.error).toBe('invalid_grant');
    expect((await introspect(t, client, tokens.access_token)).body).toEqual({ active: false });

    const requested = await auditEvents(s, t.token, ['User.Password.Reset.Requested']);
    expect(requested.filter((e) => e.payload.userId === userId)).toHaveLength(1);
    const completed = await auditEvents(s, t.token, ['User.Password.Reset.Completed']);
    expect(completed.find((e) => e.payload.userId === userId)?.payload).toEqual({ userId, sessionsRevoked: true });
  });

  it('resend: a new code and link to the address given replace the old ones (same limits); unknown addresses alike; the hosted code page offers it', async () => {
    await createUser(s, t, { email: 'grace@example.com', password: 'compiler-first-1952' });
    const f = await started(t);
    expect(await step(f, 'resend', {})).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    await step(f, 'email', { email: 'grace@example.com' });
    const first = codeIn((await lastMail(s, t, 'grace@example.com'))?.subject);
    const again = await step(f, 'resend', {});
    expect(again).toMatchObject({ status: 200, body: { step: 'code', pending: { channel: 'email', destination: 'g***@example.com' } } });
    const second = codeIn((await lastMail(s, t, 'grace@example.com'))?.subject);
    expect(second).not.toBe(first);
    expect(await step(f, 'code', { code: first })).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect((await step(f, 'code', { code: second })).body).toMatchObject({ step: 'password' });

    const ghost = await started(t);
    await step(ghost, 'email', { email: 'nobody-recovers@example.com' });
    expect(await step(ghost, 'resend', {})).toMatchObject({ status: 200, body: { step: 'code', pending: { destination: 'n***@example.com' } } });
    expect(await lastMail(s, t, 'nobody-recovers@example.com')).toBeUndefined();

    // The hosted code page carries the button.
    const b = new TestBrowser();
    const page = await b.follow(`${t.issuer}/recover`, s.publicUrl);
    const csrf = hidden(await page.res.text(), 'csrf_token');
    const sent = await b.submit(`${t.issuer}/recover`, s.publicUrl, { csrf_token: csrf, step: 'email', email: 'grace@example.com' });
    const codePage = await sent.res.text();
    expect(codePage).toContain('Send a new code');
    const resent = await b.submit(`${t.issuer}/recover`, s.publicUrl, { csrf_token: csrf, step: 'resend' });
    expect(resent.res.status).toBe(200);
    expect(await resent.res.text()).toContain('Enter your code');
    const third = codeIn((await lastMail(s, t, 'grace@example.com'))?.subject);
    expect(third).not.toBe(second);
  });

  it('answers an unknown address exactly like a known one and mails nothing; wrong codes end the flow after five', async () => {
    await createUser(s, t, { email: 'known@example.com', password: 'known-password-123' });
    const known = await started(t);
    const unknown = await started(t);
    const a = await step(known, 'email', { email: 'known@example.com' });
    const b = await step(unknown, 'email', { email: 'ghost@example.com' });
    const shape = (v: Record<string, unknown>) => ({ ...v, flow_id: '', expires_at: '', pending: { ...(v.pending as object), destination: '', expires_at: '' } });
    expect(a.status).toBe(b.status);
    expect(shape(a.body)).toEqual(shape(b.body));
    expect(await lastMail(s, t, 'ghost@example.com')).toBeUndefined();

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await step(unknown, 'code', { code: `20000${i}` }));
    expect(answers[0]).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect(answers[4]).toMatchObject({ status: 410, body: { error: 'flow_failed' } });
    expect((await unknown.call('GET', 'recovery')).status).toBe(410);
  });

  it('asks for the second factor when the user has one (TOTP or a recovery code)', async () => {
    const mfa = await createTenant(s);
    await updateSettings(s, mfa, { mfaPolicy: 'REQUIRED' });
    await createUser(s, mfa, { email: 'radia@example.com', password: 'spanning-tree-1985' });
    // Enrol TOTP at the first sign-in (policy), keep the recovery codes.
    const login = new FlowClient(s, mfa);
    await login.start();
    await login.authenticate({ method: 'password', email: 'radia@example.com', password: 'spanning-tree-1985' });
    const secret = base32((await login.enroll()).body.secret as string);
    const codes = (await login.authenticate({ method: 'totp', code: totp(secret, Date.now()) })).body.recovery_codes as string[];

    const f = await started(mfa);
    await step(f, 'email', { email: 'radia@example.com' });
    const proven = await step(f, 'code', { code: codeIn((await lastMail(s, mfa, 'radia@example.com'))?.text) });
    expect(proven.body).toMatchObject({ step: 'second_factor', methods: ['totp', 'recovery_code'] });
    expect(await step(f, 'password', { password: 'a-new-password-1' })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    expect(await step(f, 'second_factor', { method: 'sms', code: '123456' })).toMatchObject({ status: 403, body: { error: 'method_not_allowed' } });
    expect(await step(f, 'second_factor', { method: 'totp', code: 'x' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await step(f, 'second_factor', { method: 'recovery_code', code: 'not-a-code' })).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect((await step(f, 'second_factor', { method: 'recovery_code', code: codes[0] })).body.step).toBe('password');
    expect((await step(f, 'password', { password: 'a-new-password-1' })).body.state).toBe('completed');

    // Again with TOTP (the next time step: the enrolment's code cannot be replayed); a used recovery code is refused.
    const g = await started(mfa);
    await step(g, 'email', { email: 'radia@example.com' });
    await step(g, 'code', { code: codeIn((await lastMail(s, mfa, 'radia@example.com'))?.text) });
    expect(await step(g, 'second_factor', { method: 'recovery_code', code: codes[0] })).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect((await step(g, 'second_factor', { method: 'totp', code: totp(secret, Date.now() + 30_000) })).body.step).toBe('password');
    expect((await step(g, 'password', { password: 'another-password-2' })).body.state).toBe('completed');
  });

  it('keeps sessions when the tenant says so; guest accounts cannot be recovered', async () => {
    const keep = await createTenant(s);
    await updateSettings(s, keep, { recoveryRevokesSessions: false });
    await createUser(s, keep, { email: 'joan@example.com', password: 'first-password-1' });
    const login = new FlowClient(s, keep);
    await login.start();
    await login.authenticate({ method: 'password', email: 'joan@example.com', password: 'first-password-1' });
    await login.complete();
    const f = await started(keep);
    await step(f, 'email', { email: 'joan@example.com' });
    await step(f, 'code', { code: codeIn((await lastMail(s, keep, 'joan@example.com'))?.text) });
    expect((await step(f, 'password', { password: 'second-password-2' })).body).toMatchObject({ state: 'completed', sessions_revoked: false });
    expect(await sessionsOf(keep, 'joan@example.com')).toHaveLength(1);

    // A guest's placeholder address is no address.
    const g = await started(keep);
    expect(await step(g, 'email', { email: 'anonymous+00000000-0000-0000-0000-000000000000@anonymous.invalid' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
