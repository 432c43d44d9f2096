import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeIn, FlowClient, lastMail, updateSettings } from '../../helpers/authn.js';
import { auditEvents } from '../../helpers/oauth-assertions.js';
import { authorizeUrl, createClient, createTenant, createUser, hidden, pkce, TestBrowser, tokenCall, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * Guest (anonymous) accounts upgraded in place through the flow API
 * (POST /authentication/upgrade/start, then the registration steps email, email_verification,
 * credentials): the same user row and `sub`, email verified by code, a password; a taken address
 * is refused and nothing changes. A guest's ID token carries no (placeholder) email.
 */
describe('anonymous account upgrade (flow API)', () => {
  let s: TestServer;
  let t: TestTenant;

  const step = (f: FlowClient, name: string, body: Record<string, unknown>) => f.call('POST', `registration/${name}`, body);

  async function usersNamed(query: string): Promise<{ subject: string; email: string; emailVerified: boolean }[]> {
    const r = await s.gql(`query($q: String) { users(first: 10, query: $q) { nodes { subject email emailVerified } } }`, { q: query }, { token: t.token });
    expect(r.errors).toBeUndefined();
    return (r.data as { users: { nodes: { subject: string; email: string; emailVerified: boolean }[] } }).users.nodes;
  }

  /** A signed-in guest: the flow client holds its SSO session cookie. */
  async function guest(): Promise<{ f: FlowClient; userId: string }> {
    const f = new FlowClient(s, t);
    await f.start();
    expect((await f.authenticate({ method: 'anonymous' })).body).toMatchObject({ state: 'authenticated', amr: ['anon'], user: { email: null, anonymous: true } });
    const done = await f.complete();
    expect(f.cookies.get('signet_session')).toBeTruthy();
    return { f, userId: done.body.user_id as string };
  }

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'anonymous'] });
  });
  afterAll(async () => s?.stop());

  it('turns the guest into a full account with the same subject (email code + password)', async () => {
    const { f, userId } = await guest();
    const start = await f.call('POST', 'upgrade/start', {});
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({
      purpose: 'registration', kind: 'upgrade', step: 'email',
      steps: [{ name: 'email', requirement: 'required' }, { name: 'email_verification', requirement: 'required' }, { name: 'credentials', requirement: 'required' }],
    });
    expect(await step(f, 'email', { skip: true })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await step(f, 'email', { email: 'grace.h@example.com' })).body).toMatchObject({ step: 'email_verification', pending: { channel: 'email' } });
    const code = codeIn((await lastMail(s, t, 'grace.h@example.com'))?.text);
    expect(await step(f, 'email_verification', { skip: true })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await step(f, 'email_verification', { code: String((Number(code) + 1) % 1e6).padStart(6, '0') })).toMatchObject({ status: 401, body: { error: 'invalid_code' } });
    expect((await step(f, 'email_verification', { code })).body.step).toBe('credentials');
    expect(await step(f, 'credentials', { password: 'short' })).toMatchObject({ status: 400, body: { error: 'password_policy' } });
    expect(await usersNamed('grace.h@example.com')).toEqual([]);

    const done = await step(f, 'credentials', { password: 'compiler-pioneer-1952' });
    expect(done.body).toMatchObject({ state: 'authenticated', step: 'complete', user_id: userId });
    const complete = await f.complete();
    expect(complete.body).toMatchObject({ session: { id: expect.any(String) }, user_id: userId });

    expect(await usersNamed('grace.h@example.com')).toEqual([{ subject: userId, email: 'grace.h@example.com', emailVerified: true }]);
    const events = await auditEvents(s, t.token, ['User.Anonymous.Upgraded']);
    expect(events.find((e) => e.payload.userId === userId)?.payload).toEqual({ userId, email: 'grace.h@example.com' });

    // Signs in with the password as the same user; is no guest any more.
    const login = new FlowClient(s, t);
    await login.start();
    expect((await login.authenticate({ method: 'password', email: 'grace.h@example.com', password: 'compiler-pioneer-1952' })).body)
      .toMatchObject({ state: 'authenticated', user: { id: userId, email: 'grace.h@example.com', anonymous: false } });
    const again = await f.call('POST', 'upgrade/start', {});
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'this account is already a full account' } });
  });

  it('refuses an address that has an account, at the email step or (taken meanwhile) at the end, changing nothing', async () => {
    await createUser(s, t, { email: 'taken@example.com', password: 'someone-else-1' });
    const { f, userId } = await guest();
    await f.call('POST', 'upgrade/start', {});
    expect(await step(f, 'email', { email: 'taken@example.com' })).toMatchObject({
      status: 409, body: { error: 'already_exists', error_description: 'an account with this email address already exists: sign in to it instead, or use another address' },
    });
    expect((await f.call('GET', 'registration')).body).toMatchObject({ step: 'email', email: null });

    await step(f, 'email', { email: 'late@example.com' });
    await step(f, 'email_verification', { code: codeIn((await lastMail(s, t, 'late@example.com'))?.text) });
    await createUser(s, t, { email: 'late@example.com', password: 'registered-first-1' });
    expect(await step(f, 'credentials', { password: 'guest-password-123' })).toMatchObject({ status: 409, body: { error: 'already_exists' } });
    expect((await f.call('GET', 'registration')).body).toMatchObject({ state: 'identify', step: 'email' });
    const [other] = await usersNamed('late@example.com');
    expect(other!.subject).not.toBe(userId);
    // The guest is still a guest: no password sign-in, and upgrade can start again.
    expect((await f.call('POST', 'upgrade/start', {})).status).toBe(201);
    expect(await auditEvents(s, t.token, ['User.Anonymous.Upgraded']).then((e) => e.filter((x) => x.payload.userId === userId))).toEqual([]);
  });

  it('needs a signed-in guest', async () => {
    const nobody = new FlowClient(s, t);
    expect(await nobody.call('POST', 'upgrade/start', {})).toMatchObject({ status: 401, body: { error: 'login_required' } });
    const page = await fetch(`${t.issuer}/account/upgrade`);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Sign in as a guest first');
  });

  it("a guest's ID token and userinfo carry no email (the placeholder address is not one)", async () => {
    const c = await createClient(s, t);
    const browser = new TestBrowser();
    const { verifier, challenge } = pkce();
    let step1 = await browser.follow(authorizeUrl(t, c, { scope: 'openid email profile', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' }), s.publicUrl);
    const html = await step1.res.text();
    expect(html).toContain('Continue as a guest');
    step1 = await browser.follow(step1.url.split('?')[0]!, s.publicUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), step: 'anonymous' }),
    });
    const consent = await step1.res.text();
    step1 = await browser.follow(step1.url.split('?')[0]!, s.publicUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ consent_challenge: hidden(consent, 'consent_challenge'), csrf_token: hidden(consent, 'csrf_token'), decision: 'allow' }),
    });
    const code = new URL(step1.url).searchParams.get('code')!;
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    const claims = JSON.parse(Buffer.from((tok.body.id_token as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ acr: 'urn:signet:acr:anonymous', amr: ['anon'] });
    expect(claims).not.toHaveProperty('email');
    expect(claims).not.toHaveProperty('email_verified');
    const info = await fetch(`${t.issuer}/userinfo`, { headers: { authorization: `Bearer ${tok.body.access_token as string}` } });
    const body = await info.json() as Record<string, unknown>;
    expect(body.sub).toBe(claims.sub);
    expect(body).not.toHaveProperty('email');
  });
});
