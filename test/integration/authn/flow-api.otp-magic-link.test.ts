import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeIn, FlowClient, lastMail, lastSms, updateSettings } from '../../helpers/authn.js';
import { auditEvents } from '../../helpers/oauth-assertions.js';
import { createTenant, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * Codes and links sent by the engine (src/modules/authn/authn.engine.ts sendCode / verifyOtp):
 * email and SMS one-time codes as a first factor, magic links, an email code as a second factor,
 * and the rules around them (single use, 10-minute expiry, five wrong answers end the flow,
 * unknown addresses answered alike and sent nothing). The link itself is opened in a browser by
 * the hosted pages (GET /t/{slug}/login/magic), tested with them.
 */
describe('flow API: email / SMS one-time codes and magic links', () => {
  let s: TestServer;
  /** First factors: password, email code, SMS code, magic link. */
  let t: TestTenant;
  /** MFA required; email codes allowed as a second factor. */
  let mfa: TestTenant;

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'email_otp', 'phone_otp', 'magic_link'] });
    mfa = await createTenant(s);
    await updateSettings(s, mfa, { authenticationMethods: ['password', 'email_otp'], mfaPolicy: 'REQUIRED', mfaMethods: ['totp', 'email_otp'] });
  });
  afterAll(async () => s?.stop());

  const FIRST = ['password', 'email_otp', 'phone_otp', 'magic_link'];

  interface UserState { emailVerified: boolean; phoneNumberVerified: boolean; sessions: { nodes: { id: string }[] } }

  async function user(tt: TestTenant, input: Record<string, unknown>, update?: Record<string, unknown>): Promise<{ id: string; subject: string }> {
    const r = await s.gql(`mutation($input: UserCreateInput!) { userCreate(input: $input) { user { id subject } userErrors { message } } }`, { input }, { token: tt.token });
    const u = (r.data as { userCreate: { user: { id: string; subject: string } | null; userErrors: unknown[] } }).userCreate;
    expect(u.userErrors).toEqual([]);
    if (update) {
      const up = await s.gql(`mutation($id: ID!, $input: UserUpdateInput!) { userUpdate(id: $id, input: $input) { userErrors { message field } } }`, { id: u.user!.id, input: update }, { token: tt.token });
      expect(up.errors).toBeUndefined();
      expect((up.data as { userUpdate: { userErrors: unknown[] } }).userUpdate.userErrors).toEqual([]);
    }
    return u.user!;
  }

  async function userState(tt: TestTenant, id: string): Promise<UserState> {
    const r = await s.gql(`query($id: ID!) { node(id: $id) { ... on User { emailVerified phoneNumberVerified sessions(first: 5) { nodes { id } } } } }`, { id }, { token: tt.token });
    expect(r.errors).toBeUndefined();
    return (r.data as { node: UserState }).node;
  }

  async function flow(tt: TestTenant): Promise<FlowClient> {
    const f = new FlowClient(s, tt);
    expect((await f.start()).status).toBe(201);
    return f;
  }

  /** A 6-digit code other than `code`. */
  const not = (code: string, k = 1) => String((Number(code) + k) % 1_000_000).padStart(6, '0');

  /** Pushes a pending code's expiry into the past (waiting 10 minutes is not an option). */
  async function expireCode(flowId: string): Promise<void> {
    const em = s.server.container.orm.em.fork();
    const res = await em.getConnection().execute(`update login_flow set otp = jsonb_set(otp, '{expiresAt}', to_jsonb(extract(epoch from now())::int - 1)) where id = ? and otp is not null`, [flowId], 'run') as { affectedRows?: number };
    expect(res.affectedRows).toBe(1);
  }

  it('email code as the first factor: sent by mail, proves the address, signs in once', async () => {
    const u = await user(t, { email: 'kim@example.com' });
    const f = await flow(t);
    const sent = await f.authenticate({ method: 'email_otp', email: ' Kim@Example.com ' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ state: 'identify', user: null, amr: [], methods: FIRST, pending: { channel: 'email_otp', destination: 'k***@example.com' } });
    const expiresIn = Date.parse((sent.body.pending as { expires_at: string }).expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);

    const mail = await lastMail(s, t, 'kim@example.com');
    const code = codeIn(mail?.subject);
    expect(mail!.text).toContain(`Your sign-in code for Tenant ${t.slug} is ${code}. It expires in 10 minutes.`);
    expect((await userState(t, u.id)).emailVerified).toBe(false);

    const ok = await f.verifyOtp(code);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'authenticated', user: { id: u.subject, email: 'kim@example.com' }, amr: ['otp', 'email'], acr: 'urn:signet:acr:sfa', pending: null, methods: ['complete'] });
    // Used once: the same code again is out of order (nothing is pending any more).
    const again = await f.verifyOtp(code);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('step_out_of_order');

    const done = await f.complete();
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ user_id: u.subject, session: { id: expect.any(String) } });
    const after = await userState(t, u.id);
    expect(after.emailVerified).toBe(true);
    expect(after.sessions.nodes).toHaveLength(1);
  });

  it('resend: a new code replaces the pending one, sent to the same place, within the same send limits; an unknown address is answered alike and sent nothing', async () => {
    const u = await user(t, { email: 'rae@example.com' });
    const f = await flow(t);
    // Nothing pending yet: out of order.
    const early = await f.resend();
    expect(early.status).toBe(409);
    expect(early.body.error).toBe('step_out_of_order');

    await f.authenticate({ method: 'email_otp', email: 'rae@example.com' });
    const first = codeIn((await lastMail(s, t, 'rae@example.com'))?.subject);
    const again = await f.resend();
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'identify', pending: { channel: 'email_otp', destination: 'r***@example.com' } });
    const second = codeIn((await lastMail(s, t, 'rae@example.com'))?.subject);
    expect(second).not.toBe(first);
    // The first code was replaced: a wrong answer now.
    expect((await f.verifyOtp(first)).body.error).toBe('invalid_code');
    expect((await f.verifyOtp(second)).body).toMatchObject({ state: 'authenticated', user: { id: u.subject } });

    // An unknown address: the same answers, nothing sent; the send limit counts its resends too.
    const g = await flow(t);
    const asked = await g.authenticate({ method: 'email_otp', email: 'nobody-here@example.com' });
    const resent = await g.resend();
    expect(resent.status).toBe(200);
    expect(resent.body.pending).toMatchObject({ channel: 'email_otp', destination: 'n***@example.com' });
    expect(Object.keys(resent.body).sort()).toEqual(Object.keys(asked.body).sort());
    expect(await lastMail(s, t, 'nobody-here@example.com')).toBeUndefined();
    for (let i = 0; i < 3; i++) expect((await g.resend()).status).toBe(200);
    const refused = await g.resend();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_attempts');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // A magic link too: a new link (a new token) by mail, the flow still waiting for it.
    const m = await flow(t);
    await m.authenticate({ method: 'magic_link', email: 'rae@example.com' });
    const linkOf = async () => new URL(/https?:\/\/\S+/.exec((await lastMail(s, t, 'rae@example.com'))!.text)![0]).searchParams.get('token');
    const before = await linkOf();
    expect((await m.resend()).body).toMatchObject({ state: 'identify', pending: { channel: 'magic_link' } });
    const after = await linkOf();
    expect(after).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after).not.toBe(before);
  });

  it('SMS code as the first factor, for a verified phone number only', async () => {
    const u = await user(t, { email: 'pat@example.com' }, { phoneNumber: '+15550001111', phoneNumberVerified: true });
    await user(t, { email: 'unverified-phone@example.com' }, { phoneNumber: '+15550002222' });

    const f = await flow(t);
    const sent = await f.authenticate({ method: 'phone_otp', phone_number: '+1 (555) 000-1111' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ state: 'identify', pending: { channel: 'phone_otp', destination: '+1******1111' } });
    const sms = await lastSms(s, t, '+15550001111');
    expect(sms).toMatch(/^\d{6} is your Tenant .+ sign-in code\. It expires in 10 minutes\.$/);
    const ok = await f.verifyOtp(codeIn(sms));
    expect(ok.body).toMatchObject({ state: 'authenticated', user: { id: u.subject }, amr: ['sms'], acr: 'urn:signet:acr:sfa' });
    expect((await f.complete()).status).toBe(200);

    // A number that is on an account but not verified signs nobody in, and gets no SMS.
    const g = await flow(t);
    const unverified = await g.authenticate({ method: 'phone_otp', phone_number: '+15550002222' });
    expect(unverified.status).toBe(200);
    expect(unverified.body).toMatchObject({ state: 'identify', pending: { channel: 'phone_otp', destination: '+1******2222' } });
    expect(await lastSms(s, t, '+15550002222')).toBeUndefined();
    expect((await g.verifyOtp('123456')).body.error).toBe('invalid_code');

    // Not an E.164 number: bad input, nothing pending.
    const h = await flow(t);
    const bad = await h.authenticate({ method: 'phone_otp', phone_number: '555-0001111' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_request', error_description: 'enter the phone number in international format (+15551234567)' });
    expect((await h.status()).body.pending).toBeNull();
  });

  it('magic link: the mail carries a single-use link to {issuer}/login/magic; the flow waits for it and takes no code', async () => {
    const u = await user(t, { email: 'mia@example.com' });
    const f = await flow(t);
    const sent = await f.authenticate({ method: 'magic_link', email: 'mia@example.com' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ state: 'identify', user: null, pending: { channel: 'magic_link', destination: 'm***@example.com' } });
    const mail = await lastMail(s, t, 'mia@example.com');
    expect(mail!.subject).toBe(`Sign in to Tenant ${t.slug}`);
    const links = [...mail!.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
    expect(links).toHaveLength(1);
    const link = new URL(links[0]!);
    expect(`${link.origin}${link.pathname}`).toBe(`${t.issuer}/login/magic`);
    expect([...link.searchParams.keys()]).toEqual(['token']);
    expect(link.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail!.text).toContain('It works once and expires in 10 minutes.');

    // The link is not a code: verify-otp and complete are out of order, and the flow is unchanged.
    const code = await f.verifyOtp('123456');
    expect(code.status).toBe(409);
    expect(code.body).toEqual({ error: 'step_out_of_order', error_description: 'no code was sent at this step; ask for one first' });
    expect((await f.complete()).body).toEqual({ error: 'step_out_of_order', error_description: 'sign in first' });
    expect((await f.status()).body).toMatchObject({ state: 'identify', user: null, pending: { channel: 'magic_link' } });

    // Asking again sends a new link (a new token; the flow keeps only the newest).
    await f.authenticate({ method: 'magic_link', email: 'mia@example.com' });
    const second = new URL(/https?:\/\/\S+/.exec((await lastMail(s, t, 'mia@example.com'))!.text)![0]);
    expect(second.searchParams.get('token')).not.toBe(link.searchParams.get('token'));
    const sentEvents = await auditEvents(s, t.token, ['MagicLink.Sent']);
    expect(sentEvents.filter((e) => e.payload.userId === u.subject)).toHaveLength(2);
    expect((await userState(t, u.id)).sessions.nodes).toEqual([]);
  });

  it('email code as a second factor when MFA is required: password, then a code to the verified address', async () => {
    const u = await user(mfa, { email: 'sam@example.com', password: 'sams-first-factor-1', emailVerified: true });
    const f = await flow(mfa);
    const pwd = await f.authenticate({ method: 'password', email: 'sam@example.com', password: 'sams-first-factor-1' });
    expect(pwd.body).toMatchObject({ state: 'second_factor', amr: ['pwd'], mfa_required: true, mfa_reasons: ['tenant_policy'], methods: ['email_otp'] });
    // Completing now, or a magic link (a first factor), is out of order.
    expect((await f.complete()).body.error).toBe('step_out_of_order');
    expect((await f.authenticate({ method: 'magic_link', email: 'sam@example.com' })).body.error).toBe('step_out_of_order');

    // The address comes from the account, not from the request.
    const sent = await f.authenticate({ method: 'email_otp', email: 'attacker@example.com' });
    expect(sent.body).toMatchObject({ state: 'second_factor', pending: { channel: 'email_otp', destination: 's***@example.com' } });
    expect(await lastMail(s, mfa, 'attacker@example.com')).toBeUndefined();
    const code = codeIn((await lastMail(s, mfa, 'sam@example.com'))?.subject);

    const wrong = await f.verifyOtp(not(code));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_code');
    const ok = await f.verifyOtp(code);
    expect(ok.body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'otp', 'email', 'mfa'], acr: 'urn:signet:acr:mfa' });
    expect((await f.complete()).status).toBe(200);

    const events = await auditEvents(s, mfa.token, ['Mfa.Challenge.Issued', 'Mfa.Challenge.Failed', 'Mfa.Challenge.Verified']);
    expect(events.map((e) => [e.type, e.payload.factor, e.payload.userId])).toEqual([
      ['Mfa.Challenge.Verified', 'email_otp', u.subject],
      ['Mfa.Challenge.Failed', 'email_otp', u.subject],
      ['Mfa.Challenge.Issued', 'email_otp', u.subject],
    ]);
  });

  it('an email code is not a second factor after an email code: MFA then asks to enrol an authenticator app', async () => {
    await user(mfa, { email: 'eve@example.com', emailVerified: true });
    const f = await flow(mfa);
    await f.authenticate({ method: 'email_otp', email: 'eve@example.com' });
    const first = await f.verifyOtp(codeIn((await lastMail(s, mfa, 'eve@example.com'))?.subject));
    expect(first.body).toMatchObject({ state: 'enroll_mfa', amr: ['otp', 'email'], methods: ['totp'], mfa_required: true });
    expect((await f.authenticate({ method: 'email_otp' })).body.error).toBe('step_out_of_order');
  });

  describe('wrong, expired, reused and malformed codes', () => {
    it('malformed codes are bad input (400 invalid_request) and do not count; a wrong code is 401 invalid_code; the account is unchanged', async () => {
      const u = await user(t, { email: 'lee@example.com' });
      const f = await flow(t);

      // Before any code was sent.
      const early = await f.verifyOtp('123456');
      expect(early.status).toBe(409);
      expect(early.body.error).toBe('step_out_of_order');

      await f.authenticate({ method: 'email_otp', email: 'lee@example.com' });
      const code = codeIn((await lastMail(s, t, 'lee@example.com'))?.subject);
      for (const bad of ['abc', '12345', '1234567', '12a456', '']) {
        const r = await f.verifyOtp(bad);
        expect(r.status).toBe(400);
        expect(r.body).toEqual({ error: 'invalid_request', error_description: 'enter the 6-digit code' });
      }
      for (let k = 1; k <= 4; k++) {
        const r = await f.verifyOtp(not(code, k));
        expect(r.status).toBe(401);
        expect(r.body).toEqual({ error: 'invalid_code', error_description: 'the code is not right' });
      }
      const meanwhile = await userState(t, u.id);
      expect(meanwhile).toEqual({ emailVerified: false, phoneNumberVerified: false, sessions: { nodes: [] } });
      expect((await f.status()).body).toMatchObject({ state: 'identify', user: null, amr: [], pending: { channel: 'email_otp' } });

      // Five malformed and four wrong answers: the flow is still alive (malformed ones did not count).
      const ok = await f.verifyOtp(` ${code.slice(0, 3)} ${code.slice(3)} `);
      expect(ok.body).toMatchObject({ state: 'authenticated', amr: ['otp', 'email'] });
      // Reused after success: nothing is pending any more.
      expect((await f.verifyOtp(code)).body.error).toBe('step_out_of_order');
    });

    it('an expired code is refused with code_expired, then cleared (a new code is needed); the account is unchanged', async () => {
      const u = await user(t, { email: 'lou@example.com' });
      const f = await flow(t);
      const sent = await f.authenticate({ method: 'email_otp', email: 'lou@example.com' });
      const code = codeIn((await lastMail(s, t, 'lou@example.com'))?.subject);
      await expireCode(sent.body.flow_id as string);

      const expired = await f.verifyOtp(code);
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({ error: 'code_expired', error_description: 'the code has expired; ask for a new one' });
      expect((await f.status()).body).toMatchObject({ state: 'identify', pending: null });
      expect((await f.verifyOtp(code)).body.error).toBe('step_out_of_order');
      expect(await userState(t, u.id)).toEqual({ emailVerified: false, phoneNumberVerified: false, sessions: { nodes: [] } });

      // A new code works; the old one is not it.
      await f.authenticate({ method: 'email_otp', email: 'lou@example.com' });
      const fresh = codeIn((await lastMail(s, t, 'lou@example.com'))?.subject);
      if (fresh !== code) expect((await f.verifyOtp(code)).body.error).toBe('invalid_code');
      expect((await f.verifyOtp(fresh)).body).toMatchObject({ state: 'authenticated', user: { id: u.subject } });
    });

    it('a code belongs to the flow it was sent for', async () => {
      await user(t, { email: 'ray@example.com' });
      const a = await flow(t);
      await a.authenticate({ method: 'email_otp', email: 'ray@example.com' });
      const codeA = codeIn((await lastMail(s, t, 'ray@example.com'))?.subject);
      const b = await flow(t);
      await b.authenticate({ method: 'email_otp', email: 'ray@example.com' });
      const codeB = codeIn((await lastMail(s, t, 'ray@example.com'))?.subject);
      if (codeA !== codeB) expect((await b.verifyOtp(codeA)).body.error).toBe('invalid_code');
      expect((await a.verifyOtp(codeA)).body.state).toBe('authenticated');
      expect((await b.verifyOtp(codeB)).body.state).toBe('authenticated');
    });

    it('five wrong codes destroy the flow (410 flow_failed): the right code no longer helps', async () => {
      const u = await user(t, { email: 'max@example.com' });
      const f = await flow(t);
      await f.authenticate({ method: 'email_otp', email: 'max@example.com' });
      const code = codeIn((await lastMail(s, t, 'max@example.com'))?.subject);
      const answers = [];
      for (let k = 1; k <= 5; k++) answers.push(await f.verifyOtp(not(code, k)));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 410]);
      expect(answers[4]!.body).toEqual({ error: 'flow_failed', error_description: 'too many wrong answers: this sign-in was stopped; start again' });

      for (const r of [await f.verifyOtp(code), await f.status(), await f.authenticate({ method: 'email_otp', email: 'max@example.com' }), await f.complete()]) {
        expect(r.status).toBe(410);
        expect(r.body.error).toBe('flow_failed');
      }
      expect(await userState(t, u.id)).toEqual({ emailVerified: false, phoneNumberVerified: false, sessions: { nodes: [] } });
      const failed = (await auditEvents(s, t.token, ['Login.Failed'])).map((e) => e.payload.reason);
      expect(failed.slice(0, 5)).toEqual(['too_many_failures', 'invalid_code', 'invalid_code', 'invalid_code', 'invalid_code']);
    });
  });

  describe('unknown addresses', () => {
    it('an unknown email gets the same answer as a known one, no mail, and its codes all fail alike', async () => {
      await user(t, { email: 'kate@example.com' });
      const known = await flow(t);
      const unknown = await flow(t);
      const a = await known.authenticate({ method: 'email_otp', email: 'kate@example.com' });
      const b = await unknown.authenticate({ method: 'email_otp', email: 'kurt@example.com' });
      const comparable = (body: Record<string, unknown>) => {
        const { flow_id: _id, expires_at: _exp, pending, ...rest } = body as Record<string, unknown> & { pending: Record<string, unknown> };
        const { expires_at: _pexp, ...p } = pending;
        return { ...rest, pending: p };
      };
      expect(a.status).toBe(200);
      expect(b.status).toBe(a.status);
      expect(comparable(b.body)).toEqual(comparable(a.body));
      expect(await lastMail(s, t, 'kate@example.com')).toBeDefined();
      expect(await lastMail(s, t, 'kurt@example.com')).toBeUndefined();

      const wrongKnown = await known.verifyOtp(not(codeIn((await lastMail(s, t, 'kate@example.com'))?.subject)));
      const wrongUnknown = await unknown.verifyOtp('000000');
      expect({ status: wrongUnknown.status, body: wrongUnknown.body }).toEqual({ status: wrongKnown.status, body: wrongKnown.body });
      // No code can prove an address nobody owns: five answers end the flow.
      for (let k = 1; k <= 4; k++) await unknown.verifyOtp(String(k).padStart(6, '0'));
      expect((await unknown.status()).status).toBe(410);
    });

    it('the same for magic links and SMS codes', async () => {
      await user(t, { email: 'nia@example.com' }, { phoneNumber: '+15550003333', phoneNumberVerified: true });
      const pairs: Array<[Record<string, unknown>, Record<string, unknown>]> = [
        [{ method: 'magic_link', email: 'nia@example.com' }, { method: 'magic_link', email: 'noa@example.com' }],
        [{ method: 'phone_otp', phone_number: '+15550003333' }, { method: 'phone_otp', phone_number: '+15559993333' }],
      ];
      for (const [knownInput, unknownInput] of pairs) {
        const a = await (await flow(t)).authenticate(knownInput);
        const b = await (await flow(t)).authenticate(unknownInput);
        expect(b.status).toBe(a.status);
        expect((b.body.pending as { destination: string }).destination).toBe((a.body.pending as { destination: string }).destination);
        expect({ ...b.body, flow_id: null, expires_at: null, pending: { ...(b.body.pending as object), expires_at: null } })
          .toEqual({ ...a.body, flow_id: null, expires_at: null, pending: { ...(a.body.pending as object), expires_at: null } });
      }
      expect(await lastMail(s, t, 'nia@example.com')).toBeDefined();
      expect(await lastMail(s, t, 'noa@example.com')).toBeUndefined();
      expect(await lastSms(s, t, '+15550003333')).toBeDefined();
      expect(await lastSms(s, t, '+15559993333')).toBeUndefined();
    });
  });
});
