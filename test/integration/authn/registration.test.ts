import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeIn, FlowClient, lastMail, lastSms, updateSettings } from '../../helpers/authn.js';
import { auditEvents } from '../../helpers/oauth-assertions.js';
import { createTenant, createUser, hidden, TestBrowser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * Self-registration through the flow API (src/app/registration-routes.ts,
 * src/modules/authn/registration.service.ts): the tenant's steps in order, each required,
 * optional or hidden; bad input answered with specific errors and no account; a taken address
 * never revealed; the account signed in at the end.
 */
describe('self-registration (flow API)', () => {
  let s: TestServer;
  /** Every step required, terms URL, stricter password policy. */
  let full: TestTenant;
  /** Sign-up off. */
  let closed: TestTenant;

  interface UserRow { id: string; subject: string; email: string; emailVerified: boolean; givenName: string | null; familyName: string | null; name: string | null; phoneNumber: string | null; phoneNumberVerified: boolean }

  async function usersNamed(tt: TestTenant, query: string): Promise<UserRow[]> {
    const r = await s.gql(`query($q: String) { users(first: 10, query: $q) { nodes { id subject email emailVerified givenName familyName name phoneNumber phoneNumberVerified } } }`, { q: query }, { token: tt.token });
    expect(r.errors).toBeUndefined();
    return (r.data as { users: { nodes: UserRow[] } }).users.nodes;
  }

  const step = (f: FlowClient, name: string, body: Record<string, unknown>) => f.call('POST', `registration/${name}`, body);
  const not = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  async function started(tt: TestTenant): Promise<FlowClient> {
    const f = new FlowClient(s, tt);
    const r = await f.call('POST', 'registration/start', {});
    expect(r.status).toBe(201);
    f.flowToken = r.body.flow_token as string;
    return f;
  }

  beforeAll(async () => {
    s = await startTestServer();
    full = await createTenant(s);
    await updateSettings(s, full, {
      selfRegistration: true, termsUrl: 'https://example.com/terms', passwordMinLength: 12, passwordRequireClasses: ['digit'],
      registrationSteps: { emailVerification: 'REQUIRED', terms: 'REQUIRED', profile: 'REQUIRED', phoneVerification: 'REQUIRED', credentials: 'REQUIRED' },
    });
    closed = await createTenant(s);
  });
  afterAll(async () => s?.stop());

  it('is refused where the tenant does not allow sign-up (flow API and page)', async () => {
    const f = new FlowClient(s, closed);
    const r = await f.call('POST', 'registration/start', {});
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'registration_disabled', error_description: 'this tenant does not allow sign-up' });
    expect((await f.start({ purpose: 'registration' })).body.error).toBe('registration_disabled');
    const page = await fetch(`${closed.issuer}/register`);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Sign-up is not available');
  });

  it('walks every required step in order, refusing bad input at each, and signs the new user in', async () => {
    const f = await started(full);
    const first = await f.call('GET', 'registration');
    expect(first.body).toMatchObject({
      purpose: 'registration', kind: 'registration', state: 'identify', step: 'email', terms_url: 'https://example.com/terms',
      password_policy: { min_length: 12, require_classes: ['digit'] },
      steps: [
        { name: 'email', requirement: 'required', status: 'pending' }, { name: 'email_verification', requirement: 'required', status: 'pending' },
        { name: 'terms', requirement: 'required', status: 'pending' }, { name: 'profile', requirement: 'required', status: 'pending' },
        { name: 'phone_verification', requirement: 'required', status: 'pending' }, { name: 'credentials', requirement: 'required', status: 'pending' },
      ],
    });
    // A step out of order, an unknown step, a malformed address.
    expect(await step(f, 'terms', { accept: true })).toMatchObject({ status: 409, body: { error: 'step_out_of_order', error_description: 'the "email" step comes next, not "terms"' } });
    expect(await step(f, 'nickname', {})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await step(f, 'email', { email: 'not-an-address' })).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'enter a valid email address' } });
    expect(await step(f, 'email', { skip: true })).toMatchObject({ status: 400, body: { error_description: 'the "email" step is required and cannot be skipped' } });

    const email = await step(f, 'email', { email: 'Katherine@Example.com' });
    expect(email.status).toBe(200);
    expect(email.body).toMatchObject({ step: 'email_verification', email: 'katherine@example.com', pending: { channel: 'email', destination: 'k***@example.com' } });
    const mail = await lastMail(s, full, 'katherine@example.com');
    expect(mail?.subject).toMatch(/^\d{6} is your Tenant .+ verification code$/);
    const code = codeIn(mail?.text);

    expect(await step(f, 'email_verification', { code: '12ab' })).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'enter the 6-digit code' } });
    expect(await step(f, 'email_verification', { code: not(code) })).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect(await step(f, 'email_verification', { skip: true })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await step(f, 'email_verification', { code })).body).toMatchObject({ step: 'terms', pending: null });
    // The code worked once: the step is done, answering it again is out of order.
    expect((await step(f, 'email_verification', { code })).body.error).toBe('step_out_of_order');

    expect(await step(f, 'terms', { accept: false })).toMatchObject({ status: 400, body: { error_description: 'accept the terms of service to continue' } });
    expect((await step(f, 'terms', { accept: true })).body.step).toBe('profile');

    expect(await step(f, 'profile', { given_name: 'Katherine' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await step(f, 'profile', { given_name: 'Katherine', family_name: 'Johnson' })).body.step).toBe('phone_verification');

    expect(await step(f, 'phone_verification', { phone_number: '555-1234' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await step(f, 'phone_verification', { code: '123456' })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    const phone = await step(f, 'phone_verification', { phone_number: '+1 555 010 7788' });
    expect(phone.body).toMatchObject({ step: 'phone_verification', pending: { channel: 'sms' } });
    const smsCode = codeIn(await lastSms(s, full, '+15550107788'));
    expect((await step(f, 'phone_verification', { code: smsCode })).body.step).toBe('credentials');

    // Nothing exists before the last step; a weak password changes nothing.
    expect(await step(f, 'credentials', { password: 'short1' })).toMatchObject({ status: 400, body: { error: 'password_policy', error_description: 'password must be 12-1024 characters' } });
    expect(await step(f, 'credentials', { password: 'no-digits-in-here' })).toMatchObject({ status: 400, body: { error: 'password_policy', error_description: 'password must contain a digit' } });
    expect(await usersNamed(full, 'katherine@example.com')).toEqual([]);
    expect((await f.complete()).body.error).toBe('step_out_of_order');

    const done = await step(f, 'credentials', { password: 'orbital-mechanics-1962' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'authenticated', step: 'complete', user_id: expect.any(String) });
    const [user] = await usersNamed(full, 'katherine@example.com');
    expect(user).toMatchObject({
      subject: done.body.user_id, emailVerified: true, givenName: 'Katherine', familyName: 'Johnson', name: 'Katherine Johnson',
      phoneNumber: '+15550107788', phoneNumberVerified: true,
    });

    const complete = await f.complete();
    expect(complete.status).toBe(200);
    expect(complete.body).toMatchObject({ session: { id: expect.any(String) }, user_id: done.body.user_id });
    expect(f.cookies.get('signet_session')).toBeTruthy();

    const events = await auditEvents(s, full.token, ['User.Registered']);
    expect(events.find((e) => e.payload.userId === done.body.user_id)?.payload).toEqual({
      userId: done.body.user_id, email: 'katherine@example.com', steps: ['email', 'email_verification', 'terms', 'profile', 'phone_verification', 'credentials'],
    });

    // The new account signs in with its password.
    const login = new FlowClient(s, full);
    await login.start();
    expect((await login.authenticate({ method: 'password', email: 'katherine@example.com', password: 'orbital-mechanics-1962' })).body.state).toBe('authenticated');
  });

  it('resend: a new email or SMS code replaces the pending one (same limits); nothing to resend is out of order; the hosted code page offers it', async () => {
    const f = await started(full);
    expect(await step(f, 'resend', {})).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    await step(f, 'email', { email: 'mary@example.com' });
    const first = codeIn((await lastMail(s, full, 'mary@example.com'))?.subject);
    const again = await step(f, 'resend', {});
    expect(again).toMatchObject({ status: 200, body: { step: 'email_verification', pending: { channel: 'email', destination: 'm***@example.com' } } });
    const second = codeIn((await lastMail(s, full, 'mary@example.com'))?.subject);
    expect(second).not.toBe(first);
    expect(await step(f, 'email_verification', { code: first })).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect((await step(f, 'email_verification', { code: second })).body.step).toBe('terms');
    // Terms and profile have no code: nothing to send.
    expect(await step(f, 'resend', {})).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    await step(f, 'terms', { accept: true });
    await step(f, 'profile', { given_name: 'Mary', family_name: 'Jackson' });
    await step(f, 'phone_verification', { phone_number: '+1 555 010 4321' });
    const sms1 = codeIn(await lastSms(s, full, '+15550104321'));
    expect((await step(f, 'resend', {})).body).toMatchObject({ step: 'phone_verification', pending: { channel: 'sms' } });
    const sms2 = codeIn(await lastSms(s, full, '+15550104321'));
    expect(sms2).not.toBe(sms1);
    expect((await step(f, 'phone_verification', { code: sms2 })).body.step).toBe('credentials');

    // The hosted sign-up's code page carries the button, and it sends a new code.
    const b = new TestBrowser();
    const first2 = await b.follow(`${full.issuer}/register`, s.publicUrl);
    const csrf = hidden(await first2.res.text(), 'csrf_token');
    const post = (fields: Record<string, string>) => b.submit(`${full.issuer}/register`, s.publicUrl, { csrf_token: csrf, ...fields });
    const codePage = await (await post({ step: 'email', email: 'mary-hosted@example.com' })).res.text();
    expect(codePage).toContain('Send a new code');
    const before = codeIn((await lastMail(s, full, 'mary-hosted@example.com'))?.subject);
    const resent = await post({ step: 'resend' });
    expect(resent.res.status).toBe(200);
    expect(await resent.res.text()).toContain('Verify your email');
    expect(codeIn((await lastMail(s, full, 'mary-hosted@example.com'))?.subject)).not.toBe(before);
  });

  it('does not reveal a taken address: same answers, a "you already have an account" mail, nothing created', async () => {
    await createUser(s, full, { email: 'dorothy@example.com', password: 'fortran-for-everyone-1' });
    const known = await started(full);
    const unknown = await started(full);
    const a = await step(known, 'email', { email: 'dorothy@example.com' });
    const b = await step(unknown, 'email', { email: 'mary@example.com' });
    expect(a.status).toBe(b.status);
    const shape = (v: Record<string, unknown>) => ({ ...v, flow_id: '', expires_at: '', email: '', pending: { ...(v.pending as object), destination: '', expires_at: '' } });
    expect(shape(a.body)).toEqual(shape(b.body));

    const mail = await lastMail(s, full, 'dorothy@example.com');
    expect(mail?.subject).toMatch(/^You already have a Tenant .+ account$/);
    expect(mail?.text).toContain(`${full.issuer}/recover`);
    expect(mail?.text).not.toMatch(/\b\d{6}\b/);

    // Every code is wrong for the taken address, exactly like a mistyped one; the fifth ends the flow.
    const wrong = [];
    for (let i = 0; i < 5; i++) wrong.push(await step(known, 'email_verification', { code: `10000${i}` }));
    expect(wrong[0]).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect(wrong[4]).toMatchObject({ status: 410, body: { error: 'flow_failed' } });
    expect((await known.call('GET', 'registration')).status).toBe(410);
    expect((await usersNamed(full, 'dorothy@example.com'))).toHaveLength(1);
  });

  it('skips optional steps, leaves hidden ones out, and needs a password when the email was not verified', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, {
      selfRegistration: true,
      registrationSteps: { emailVerification: 'OPTIONAL', terms: 'HIDDEN', profile: 'OPTIONAL', phoneVerification: 'HIDDEN', credentials: 'OPTIONAL' },
    });
    const f = await started(t);
    expect((await f.call('GET', 'registration')).body.steps).toEqual([
      { name: 'email', requirement: 'required', status: 'pending' }, { name: 'email_verification', requirement: 'optional', status: 'pending' },
      { name: 'profile', requirement: 'optional', status: 'pending' }, { name: 'credentials', requirement: 'optional', status: 'pending' },
    ]);
    await step(f, 'email', { email: 'annie@example.com' });
    expect(await step(f, 'terms', { accept: true })).toMatchObject({ status: 403, body: { error: 'method_not_allowed', error_description: 'the "terms" step is not part of this sign-up' } });
    expect((await step(f, 'email_verification', { skip: true })).body).toMatchObject({ step: 'profile', pending: null });
    expect((await step(f, 'profile', { skip: true })).body.step).toBe('credentials');
    expect(await step(f, 'credentials', { skip: true })).toMatchObject({
      status: 400, body: { error: 'invalid_request', error_description: 'choose a password: without a verified email address it is the only way to sign in' },
    });
    const done = await step(f, 'credentials', { password: 'easley-rocket-1955' });
    expect(done.body).toMatchObject({ state: 'authenticated', steps: [{ status: 'done' }, { status: 'skipped' }, { status: 'skipped' }, { status: 'done' }] });
    expect((await usersNamed(t, 'annie@example.com'))[0]).toMatchObject({ emailVerified: false, givenName: null });
    expect((await f.complete()).body.session).toBeDefined();

    // With the email verified, the password may be skipped (email codes sign in).
    const g = await started(t);
    await step(g, 'email', { email: 'evelyn@example.com' });
    await step(g, 'email_verification', { code: codeIn((await lastMail(s, t, 'evelyn@example.com'))?.text) });
    await step(g, 'profile', { given_name: 'Evelyn', family_name: 'Boyd' });
    expect((await step(g, 'credentials', { skip: true })).body.state).toBe('authenticated');
    expect((await usersNamed(t, 'evelyn@example.com'))[0]).toMatchObject({ emailVerified: true, name: 'Evelyn Boyd' });
  });

  it('ends without an account when a taken address skips verification (the owner is mailed)', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, { selfRegistration: true, registrationSteps: { emailVerification: 'OPTIONAL', profile: 'HIDDEN', credentials: 'REQUIRED' } });
    await createUser(s, t, { email: 'christine@example.com', password: 'original-password-1' });
    const f = await started(t);
    await step(f, 'email', { email: 'christine@example.com' });
    await step(f, 'email_verification', { skip: true });
    const end = await step(f, 'credentials', { password: 'attacker-chosen-1' });
    expect(end.body).toMatchObject({ state: 'completed', step: null, outcome: 'check_email' });
    expect((await f.complete()).status).toBe(404);
    // The owner's password is unchanged.
    const login = new FlowClient(s, t);
    await login.start();
    expect((await login.authenticate({ method: 'password', email: 'christine@example.com', password: 'original-password-1' })).body.state).toBe('authenticated');
    expect(await auditEvents(s, t.token, ['User.Registered'])).toEqual([]);
  });

  it('keeps registration flows off the sign-in steps and sign-in flows off the registration steps', async () => {
    const f = await started(full);
    expect(await f.authenticate({ method: 'password', email: 'x@example.com', password: 'whatever-1234' })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    const login = new FlowClient(s, full);
    await login.start();
    expect(await step(login, 'email', { email: 'y@example.com' })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    expect((await step(new FlowClient(s, full), 'email', { email: 'z@example.com' })).status).toBe(404);
  });
});
