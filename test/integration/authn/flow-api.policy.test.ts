import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../../src/crypto/totp.js';
import { base32, FlowClient, updateSettings } from '../../helpers/authn.js';
import { auditEvents, verifyWithJwks } from '../../helpers/oauth-assertions.js';
import { authorizeUrl, createClient, createTenant, pkce, TestBrowser, tokenCall, type TestClient, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * When the engine asks for a second factor (src/modules/authn/authn.engine.ts `identified`):
 * a role in the tenant's MFA role list (held directly or through a group), adaptive risk (a new
 * device, only when the user has a factor to answer with), and the client's acr_values
 * (step-up, OIDC Core §3.1.2.1), including an SSO session too weak for the request; and
 * max_age=0 forcing a new sign-in.
 */
describe('flow API: MFA policy by role, adaptive MFA, step-up acr_values', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => s?.stop());

  const MFA_ACR = 'urn:signet:acr:mfa';

  async function gql<T>(t: TestTenant, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await s.gql(query, variables, { token: t.token });
    expect(r.errors).toBeUndefined();
    const payload = Object.values(r.data as Record<string, { userErrors?: unknown[] }>)[0]!;
    expect(payload.userErrors ?? []).toEqual([]);
    return payload as T;
  }

  async function createUser(t: TestTenant, input: Record<string, unknown>): Promise<{ id: string; subject: string }> {
    return (await gql<{ user: { id: string; subject: string } }>(t, `mutation($input: UserCreateInput!) { userCreate(input: $input) { user { id subject } userErrors { message } } }`, { input })).user;
  }

  async function signIn(t: TestTenant, email: string, password: string, f = new FlowClient(s, t)) {
    expect((await f.start()).status).toBe(201);
    const r = await f.authenticate({ method: 'password', email, password });
    expect(r.status).toBe(200);
    return { f, view: r.body };
  }

  /**
   * Enrols TOTP for a user through a sign-in while the tenant requires MFA (the flow is left
   * uncompleted: no device is remembered). Returns the secret and the recovery codes.
   */
  async function enrolTotp(t: TestTenant, email: string, password: string): Promise<{ secret: Buffer; recoveryCodes: string[] }> {
    await updateSettings(s, t, { mfaPolicy: 'REQUIRED' });
    const { f, view } = await signIn(t, email, password);
    expect(view.state).toBe('enroll_mfa');
    const secret = base32((await f.enroll()).body.secret as string);
    const ok = await f.authenticate({ method: 'totp', code: totp(secret, Date.now()) });
    expect(ok.body.state).toBe('authenticated');
    await updateSettings(s, t, { mfaPolicy: 'OPTIONAL' });
    return { secret, recoveryCodes: ok.body.recovery_codes as string[] };
  }

  /** A TOTP code the server has not seen yet (the next step: inside the ±1 window, after the enrolment's step). */
  const nextTotp = (secret: Buffer) => totp(secret, Date.now() + 30_000);

  describe('MFA required by role (mfaRequiredRoles)', () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await createTenant(s);
      await updateSettings(s, t, { mfaRequiredRoles: ['admin'], adaptiveMfa: false });
    });

    it('a holder of the role must enrol and prove a second factor; a user without it signs in with the password alone', async () => {
      const admin = await createUser(t, { email: 'root@example.com', password: 'admin-password-1' });
      await createUser(t, { email: 'plain@example.com', password: 'plain-password-1' });
      const role = (await gql<{ role: { id: string } }>(t, `mutation { roleCreate(input: { name: "admin" }) { role { id } userErrors { message } } }`)).role;
      await gql(t, `mutation($input: RoleAssignInput!) { roleAssign(input: $input) { userErrors { message } } }`, { input: { roleId: role.id, userId: admin.id } });

      const plain = await signIn(t, 'plain@example.com', 'plain-password-1');
      expect(plain.view).toMatchObject({ state: 'authenticated', mfa_required: false, mfa_reasons: [], amr: ['pwd'], acr: 'urn:signet:acr:sfa' });

      const a = await signIn(t, 'root@example.com', 'admin-password-1');
      expect(a.view).toMatchObject({ state: 'enroll_mfa', mfa_required: true, mfa_reasons: ['role_policy'], methods: ['totp'] });
      expect((await a.f.complete()).body.error).toBe('step_out_of_order');
      const secret = base32((await a.f.enroll()).body.secret as string);
      const enrolled = await a.f.authenticate({ method: 'totp', code: totp(secret, Date.now()) });
      expect(enrolled.body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'otp', 'mfa'], acr: MFA_ACR });
      expect((await a.f.complete()).status).toBe(200);

      const again = await signIn(t, 'root@example.com', 'admin-password-1');
      expect(again.view).toMatchObject({ state: 'second_factor', mfa_reasons: ['role_policy'], methods: ['totp', 'recovery_code'] });
      expect((await again.f.complete()).body.error).toBe('step_out_of_order');
      expect((await again.f.authenticate({ method: 'totp', code: nextTotp(secret) })).body).toMatchObject({ state: 'authenticated', acr: MFA_ACR });
    });

    it('the role held through a group counts too', async () => {
      const member = await createUser(t, { email: 'ops@example.com', password: 'ops-password-1' });
      const role = (await gql<{ nodes: { id: string; name: string }[] }>(t, `query { roles(first: 50) { nodes { id name } } }`)).nodes.find((r) => r.name === 'admin')!;
      const group = (await gql<{ group: { id: string } }>(t, `mutation { groupCreate(input: { name: "ops" }) { group { id } userErrors { message } } }`)).group;
      await gql(t, `mutation($input: GroupMemberInput!) { groupMemberAdd(input: $input) { userErrors { message } } }`, { input: { groupId: group.id, userId: member.id } });

      // Not yet: the group holds no role.
      expect((await signIn(t, 'ops@example.com', 'ops-password-1')).view).toMatchObject({ state: 'authenticated', mfa_required: false });
      await gql(t, `mutation($input: RoleAssignInput!) { roleAssign(input: $input) { userErrors { message } } }`, { input: { roleId: role.id, groupId: group.id } });
      expect((await signIn(t, 'ops@example.com', 'ops-password-1')).view).toMatchObject({ state: 'enroll_mfa', mfa_reasons: ['role_policy'] });
    });
  });

  describe('adaptive MFA (new device)', () => {
    let t: TestTenant;
    let user: { id: string; subject: string };
    let secret: Buffer;
    const email = 'roamer@example.com';
    const password = 'roamers-password-1';

    beforeAll(async () => {
      t = await createTenant(s);
      await updateSettings(s, t, { adaptiveMfa: true });
      user = await createUser(t, { email, password });
      ({ secret } = await enrolTotp(t, email, password));
    });

    const riskEvents = async () => (await auditEvents(s, t.token, ['Risk.Elevated'])).filter((e) => e.payload.userId === user.subject);

    it('first sign-in (nothing known yet) completes on the password; a new device then needs the second factor; the known device does not', async () => {
      // Device A: the first sign-in ever has nothing to compare with.
      const deviceA = new FlowClient(s, t);
      const first = await signIn(t, email, password, deviceA);
      expect(first.view).toMatchObject({ state: 'authenticated', mfa_required: false, amr: ['pwd'] });
      expect(deviceA.cookies.get('signet_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await deviceA.complete()).status).toBe(200);
      expect(await riskEvents()).toEqual([]);

      // Device B (a fresh cookie jar): risk, so the enrolled factor is asked.
      const deviceB = new FlowClient(s, t);
      const second = await signIn(t, email, password, deviceB);
      expect(second.view).toMatchObject({ state: 'second_factor', mfa_required: true, mfa_reasons: ['risk'], methods: ['totp', 'recovery_code'] });
      expect((await deviceB.complete()).body.error).toBe('step_out_of_order');
      const events = await riskEvents();
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toMatchObject({ userId: user.subject, signals: ['new_device'], secondFactorRequired: true, ip: '127.0.0.1' });
      const proven = await deviceB.authenticate({ method: 'totp', code: nextTotp(secret) });
      expect(proven.body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'otp', 'mfa'], acr: MFA_ACR });
      expect((await deviceB.complete()).status).toBe(200);

      // Device A again (same signet_device cookie, a new flow): known, so the password is enough.
      expect(deviceA.cookies.has('signet_flow')).toBe(false);
      const third = await signIn(t, email, password, deviceA);
      expect(third.view).toMatchObject({ state: 'authenticated', mfa_required: false, amr: ['pwd'] });
      // Device B is now known too.
      expect((await signIn(t, email, password, deviceB)).view).toMatchObject({ state: 'authenticated' });
      expect(await riskEvents()).toHaveLength(1);
    });

    it('a user with no second factor is let in from a new device; the risk is recorded', async () => {
      const other = await createUser(t, { email: 'nofactor@example.com', password: 'nofactor-password' });
      const a = new FlowClient(s, t);
      await signIn(t, 'nofactor@example.com', 'nofactor-password', a);
      expect((await a.complete()).status).toBe(200);
      const b = await signIn(t, 'nofactor@example.com', 'nofactor-password');
      expect(b.view).toMatchObject({ state: 'authenticated', mfa_required: false, mfa_reasons: [] });
      const events = (await auditEvents(s, t.token, ['Risk.Elevated'])).filter((e) => e.payload.userId === other.subject);
      expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ signals: ['new_device'], secondFactorRequired: false })]);
    });

    it('a known device is recognised however many devices the user has remembered (here 250 before it)', async () => {
      const many = await createUser(t, { email: 'collector@example.com', password: 'collectors-password' });
      const { secret: theirs } = await enrolTotp(t, 'collector@example.com', 'collectors-password');
      const tenantId = (await s.server.container.issuers.findBySlug(t.slug))!.tenantId;
      await s.server.container.orm.em.fork().getConnection().execute(
        `insert into known_device (id, tenant_id, user_id, device_hash, network, user_agent, created_at, last_seen_at)
         select gen_random_uuid(), ?, ?, md5(random()::text) || md5(random()::text), '127.0.0.0/24', 'an old browser', now(), now() from generate_series(1, 250)`,
        [tenantId, many.subject], 'run');
      const device = new FlowClient(s, t);
      expect((await signIn(t, 'collector@example.com', 'collectors-password', device)).view).toMatchObject({ state: 'second_factor', mfa_reasons: ['risk'] });
      expect((await device.authenticate({ method: 'totp', code: nextTotp(theirs) })).body.state).toBe('authenticated');
      expect((await device.complete()).status).toBe(200);
      // The 251st device is known now.
      expect((await signIn(t, 'collector@example.com', 'collectors-password', device)).view).toMatchObject({ state: 'authenticated', mfa_required: false });
    });

    it('adaptiveMfa off: a new device signs in on the password', async () => {
      await updateSettings(s, t, { adaptiveMfa: false });
      try {
        const before = (await riskEvents()).length;
        expect((await signIn(t, email, password)).view).toMatchObject({ state: 'authenticated', mfa_required: false });
        expect(await riskEvents()).toHaveLength(before);
      } finally {
        await updateSettings(s, t, { adaptiveMfa: true });
      }
    });
  });

  describe('step-up: acr_values=urn:signet:acr:mfa on an authorization request', () => {
    let t: TestTenant;
    let c: TestClient;
    let enrolled: { secret: Buffer; recoveryCodes: string[] };
    let user: { id: string; subject: string };
    const email = 'stepper@example.com';
    const password = 'steppers-password-1';

    beforeAll(async () => {
      t = await createTenant(s);
      // No adaptive MFA here: every fresh cookie jar would otherwise be a new device.
      await updateSettings(s, t, { adaptiveMfa: false });
      user = await createUser(t, { email, password });
      enrolled = await enrolTotp(t, email, password);
      c = await createClient(s, t, { skipConsent: true });
    });

    /** GET /oauth/authorize: a code at once (usable session) or the login page's challenge. */
    async function authorize(b: TestBrowser, params: Record<string, string>): Promise<{ loginChallenge?: string; code?: string; verifier: string }> {
      const p = pkce();
      const res = await b.fetch(authorizeUrl(t, c, { scope: 'openid', state: 'st', nonce: 'nn', code_challenge: p.challenge, code_challenge_method: 'S256', ...params }));
      expect(res.status).toBe(303);
      const loc = new URL(res.headers.get('location')!, t.issuer);
      if (`${loc.origin}${loc.pathname}` === `${t.issuer}/login`) return { loginChallenge: loc.searchParams.get('login_challenge')!, verifier: p.verifier };
      expect(`${loc.origin}${loc.pathname}`).toBe(c.redirectUri);
      expect(loc.searchParams.get('error')).toBeNull();
      return { code: loc.searchParams.get('code')!, verifier: p.verifier };
    }

    /** The flow API used by the same browser (its cookies: binding, device, session). */
    function flowOf(b: TestBrowser): FlowClient {
      const f = new FlowClient(s, t);
      for (const [k, v] of b.cookies) f.cookies.set(k, v);
      return f;
    }

    /** complete → redirect_to, followed by the browser (with the flow's cookies) to the client: the code. */
    async function finish(b: TestBrowser, f: FlowClient): Promise<string> {
      const done = await f.complete();
      expect(done.status).toBe(200);
      expect(Object.keys(done.body)).toEqual(['redirect_to']);
      b.cookies.clear();
      for (const [k, v] of f.cookies) b.cookies.set(k, v);
      const end = await b.follow(new URL(done.body.redirect_to as string, t.issuer).toString(), s.publicUrl);
      const cb = new URL(end.url);
      expect(`${cb.origin}${cb.pathname}`).toBe(c.redirectUri);
      expect(cb.searchParams.get('error')).toBeNull();
      return cb.searchParams.get('code')!;
    }

    async function idToken(code: string, verifier: string): Promise<Record<string, unknown>> {
      const r = await tokenCall(t, c, { grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, code_verifier: verifier });
      expect(r.status).toBe(200);
      return (await verifyWithJwks(t.issuer, r.body.id_token as string, { audience: c.clientId })).payload;
    }

    it('after the password the flow asks for the second factor; the ID token says acr mfa, amr pwd+otp+mfa', async () => {
      const b = new TestBrowser();
      const { loginChallenge, verifier } = await authorize(b, { acr_values: MFA_ACR });
      expect(loginChallenge).toBeTruthy();
      const f = flowOf(b);
      const started = await f.start({ login_challenge: loginChallenge });
      expect(started.body).toMatchObject({ state: 'identify', login_challenge_bound: true, user: null });
      const pwd = await f.authenticate({ method: 'password', email, password });
      expect(pwd.body).toMatchObject({ state: 'second_factor', mfa_required: true, mfa_reasons: ['acr_values'], methods: ['totp', 'recovery_code'] });
      expect((await f.complete()).body.error).toBe('step_out_of_order');
      const otp = await f.authenticate({ method: 'totp', code: nextTotp(enrolled.secret) });
      expect(otp.body).toMatchObject({ state: 'authenticated', acr: MFA_ACR });
      const claims = await idToken(await finish(b, f), verifier);
      expect(claims.sub).toBe(user.subject);
      expect(claims.nonce).toBe('nn');
      expect(claims.acr).toBe(MFA_ACR);
      expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    });

    it('a password-only SSO session does not satisfy acr_values=mfa: login is asked again and the flow starts at the second factor', async () => {
      const b = new TestBrowser();
      // 1. A plain sign-in: password only.
      const plain = await authorize(b, {});
      const f1 = flowOf(b);
      await f1.start({ login_challenge: plain.loginChallenge });
      expect((await f1.authenticate({ method: 'password', email, password })).body).toMatchObject({ state: 'authenticated', mfa_required: false });
      const sfa = await idToken(await finish(b, f1), plain.verifier);
      expect({ acr: sfa.acr, amr: sfa.amr }).toEqual({ acr: 'urn:signet:acr:sfa', amr: ['pwd'] });
      expect(b.cookies.get('signet_session')).toBeTruthy();

      // The session is good enough for a plain request (a code at once)…
      expect((await authorize(b, {})).code).toBeTruthy();
      // …but not for acr_values=mfa.
      const strong = await authorize(b, { acr_values: MFA_ACR });
      expect(strong.code).toBeUndefined();
      expect(strong.loginChallenge).toBeTruthy();

      // Without the session cookie the flow knows nobody.
      const stranger = new FlowClient(s, t);
      expect((await stranger.start({ login_challenge: strong.loginChallenge })).body).toMatchObject({ state: 'identify', user: null });

      // With it: the user is identified from the session, only the second factor is asked.
      const f2 = flowOf(b);
      const started = await f2.start({ login_challenge: strong.loginChallenge });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        state: 'second_factor', user: { id: user.subject, email }, amr: ['pwd'], mfa_required: true, mfa_reasons: ['acr_values'], methods: ['totp', 'recovery_code'],
      });
      // The password is not asked again (and cannot be answered here).
      expect((await f2.authenticate({ method: 'password', email, password })).body.error).toBe('step_out_of_order');
      const rc = await f2.authenticate({ method: 'recovery_code', code: enrolled.recoveryCodes[0] });
      expect(rc.body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'rc', 'mfa'], acr: MFA_ACR });
      const claims = await idToken(await finish(b, f2), strong.verifier);
      expect(claims.sub).toBe(user.subject);
      expect(claims.acr).toBe(MFA_ACR);
      expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'rc', 'mfa']));

      // The stepped-up session now satisfies acr_values=mfa without a login.
      expect((await authorize(b, { acr_values: MFA_ACR })).code).toBeTruthy();
    });

    it('max_age=0 forces a login although the session is fresh; the flow does not pre-identify the user', async () => {
      const b = new TestBrowser();
      const first = await authorize(b, {});
      const f = flowOf(b);
      await f.start({ login_challenge: first.loginChallenge });
      await f.authenticate({ method: 'password', email, password });
      await finish(b, f);
      expect((await authorize(b, {})).code).toBeTruthy();

      const forced = await authorize(b, { max_age: '0' });
      expect(forced.code).toBeUndefined();
      expect(forced.loginChallenge).toBeTruthy();
      const g = flowOf(b);
      const started = await g.start({ login_challenge: forced.loginChallenge });
      expect(started.body).toMatchObject({ state: 'identify', user: null, amr: [] });
      // The same holds with acr_values: a re-authentication starts from the first factor.
      const both = await authorize(b, { max_age: '0', acr_values: MFA_ACR });
      expect((await flowOf(b).start({ login_challenge: both.loginChallenge })).body).toMatchObject({ state: 'identify', user: null });

      expect((await g.authenticate({ method: 'password', email, password })).body.state).toBe('authenticated');
      const claims = await idToken(await finish(b, g), forced.verifier);
      expect(claims.sub).toBe(user.subject);
      expect(typeof claims.auth_time).toBe('number');
    });
  });
});
