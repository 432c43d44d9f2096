import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEm } from '../../../src/db/tenant-em.js';
import { Authenticator } from '../../../src/modules/authn/index.js';
import { FlowClient, updateSettings } from '../../helpers/authn.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { SoftAuthenticator } from '../../helpers/webauthn-authenticator.js';

type Json = Record<string, unknown>;
type RequestOptions = { challenge: string; rpId: string; allowCredentials?: { id: string }[]; userVerification?: string };

describe('passkeys (WebAuthn L3) through the flow API and /account/passkeys', () => {
  let s: TestServer;
  let t: TestTenant;
  let origin: string;
  const password = 'difference-engine-1822';

  beforeAll(async () => {
    s = await startTestServer();
    origin = new URL(s.publicUrl).origin;
    t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'passkey'], mfaMethods: ['totp', 'passkey', 'recovery_code'] });
  });
  afterAll(async () => s?.stop());

  const tenantId = async (tt: TestTenant) => (await s.server.container.issuers.findBySlug(tt.slug))!.tenantId;
  const stored = async (tt: TestTenant, credentialId: string) => {
    const row = await tenantEm(s.server.container.orm, await tenantId(tt)).findOne(Authenticator, { credentialId });
    return row ? { signCount: row.signCount, lastUsedAt: row.lastUsedAt?.toISOString() ?? null, user: row.user, publicKey: row.publicKey, backedUp: row.backedUp } : null;
  };
  const factorCount = async (tt: TestTenant, userId: string) =>
    tenantEm(s.server.container.orm, await tenantId(tt)).count(Authenticator, { user: userId });

  /** A browser signed in with a password through the flow API (an SSO session cookie). */
  const signedIn = async (tt: TestTenant, email: string, passkey?: SoftAuthenticator): Promise<FlowClient> => {
    const f = new FlowClient(s, tt);
    await f.start();
    const pwd = await f.authenticate({ method: 'password', email, password });
    if (pwd.body.state === 'second_factor' && passkey) {
      const options = await f.call('POST', 'passkey/options', {});
      expect((await f.authenticate({ method: 'passkey', response: passkey.get(options.body as never) })).body.state).toBe('authenticated');
    } else {
      expect(pwd.body.state).toBe('authenticated');
    }
    expect((await f.complete()).status).toBe(200);
    f.cookies.set('signet_csrf', randomBytes(32).toString('base64url'));
    return f;
  };

  const account = async (f: FlowClient, path: '/options' | '', body: unknown, opts: { csrf?: boolean } = {}) => {
    const headers = new Headers({ 'content-type': 'application/json' });
    if (f.cookies.size) headers.set('cookie', [...f.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (opts.csrf !== false && f.cookies.get('signet_csrf')) headers.set('x-csrf-token', f.cookies.get('signet_csrf')!);
    const res = await fetch(`${f.t.issuer}/account/passkeys${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() as Json, headers: res.headers };
  };

  const register = async (f: FlowClient, auth: SoftAuthenticator, name?: string) => {
    const options = await account(f, '/options', {});
    expect(options.status).toBe(200);
    const { response, credential } = auth.create(options.body as never);
    const created = await account(f, '', { response, ...(name ? { name } : {}) });
    expect(created.status).toBe(201);
    return credential;
  };

  const passkeyOptions = async (f: FlowClient) => {
    const r = await f.call('POST', 'passkey/options', {});
    return r as unknown as { status: number; body: Json & RequestOptions };
  };

  let alice: string;
  let aliceAuth: SoftAuthenticator;
  let aliceCredential: string;

  it('registers a discoverable passkey for the signed-in user: options, attestation none, stored confirmed, Mfa.Factor.Enrolled', async () => {
    alice = await createUser(s, t, { email: 'alice@example.com', password });
    aliceAuth = new SoftAuthenticator(origin);

    // Not signed in: 401; signed in without the CSRF header: 403.
    const anonymous = new FlowClient(s, t);
    expect(await account(anonymous, '/options', {})).toMatchObject({ status: 401, body: { error: 'login_required' } });
    const f = await signedIn(t, 'alice@example.com');
    expect(await account(f, '/options', {}, { csrf: false })).toMatchObject({ status: 403, body: { error: 'invalid_request' } });
    // Registering before asking for options is out of order.
    expect(await account(f, '', { response: {} })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });

    const options = await account(f, '/options', {});
    expect(options.status).toBe(200);
    expect(options.headers.get('cache-control')).toBe('no-store');
    expect(options.body).toMatchObject({
      rp: { id: '127.0.0.1', name: `Tenant ${t.slug}` },
      user: { name: 'alice@example.com', id: Buffer.from(alice.replace(/-/g, ''), 'hex').toString('base64url') },
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      attestation: 'none', excludeCredentials: [],
    });
    expect((options.body.pubKeyCredParams as { alg: number }[]).map((p) => p.alg)).toEqual([-8, -7, -257]);

    // A response to another challenge is refused, and spends the one issued (refused attempts use a scratch authenticator).
    const scratch = new SoftAuthenticator(origin);
    const wrong = scratch.create(options.body as never, { challenge: randomBytes(32).toString('base64url') });
    expect(await account(f, '', { response: wrong.response })).toMatchObject({ status: 401, body: { error: 'webauthn_failed', error_description: 'the passkey response answers another challenge; ask for passkey options again' } });
    const late = scratch.create(options.body as never);
    expect(await account(f, '', { response: late.response })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    // Without user verification (the options require it), and from a foreign origin: refused.
    const noUv = await account(f, '/options', {});
    expect(await account(f, '', { response: scratch.create(noUv.body as never, { uv: false }).response })).toMatchObject({ status: 401, body: { error: 'webauthn_failed', error_description: 'the authenticator did not verify the user (PIN or biometrics)' } });
    const foreign = await account(f, '/options', {});
    expect(await account(f, '', { response: scratch.create(foreign.body as never, { origin: 'https://evil.example' }).response })).toMatchObject({ status: 401, body: { error: 'webauthn_failed', error_description: 'the passkey response comes from an origin this tenant does not allow' } });
    expect(await factorCount(t, alice)).toBe(0);
    // Malformed bodies: a clear 4xx, never a 500.
    for (const response of [null, 'x', { id: 'a', rawId: 'b', type: 'public-key', response: {} }, { id: '!!', rawId: '!!', type: 'public-key', response: { clientDataJSON: 'x', attestationObject: 'y' } }]) {
      await account(f, '/options', {});
      const bad = await account(f, '', { response });
      expect(bad.status).toBe(401);
      expect(bad.body).toMatchObject({ error: 'webauthn_failed', error_description: 'the passkey response is malformed' });
    }
    await account(f, '/options', {});
    expect(await account(f, '', { response: {}, name: 'x'.repeat(101) })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });

    const credential = await register(f, aliceAuth, 'Laptop');
    aliceCredential = credential.id;
    const row = await stored(t, credential.id);
    expect(row).toMatchObject({ signCount: 0, lastUsedAt: null, user: alice, publicKey: credential.cose.toString('base64url') });
    const em = tenantEm(s.server.container.orm, await tenantId(t));
    const full = await em.findOneOrFail(Authenticator, { credentialId: credential.id });
    expect(full).toMatchObject({ kind: 'passkey', name: 'Laptop', transports: ['internal'] });
    expect(full.confirmedAt).toBeInstanceOf(Date);
    const events = await em.getConnection().execute<{ payload: Json }[]>(
      "select payload from audit_event where tenant_id = ? and type = 'Mfa.Factor.Enrolled'", [await tenantId(t)]);
    expect(events.map((e) => e.payload)).toEqual([{ userId: alice, factor: 'passkey', factorId: full.id }]);

    // The next options exclude it (one passkey per authenticator).
    const again = await account(f, '/options', {});
    expect(again.body.excludeCredentials).toEqual([{ id: credential.id, type: 'public-key', transports: ['internal'] }]);
  });

  it('signs in with the passkey alone (discoverable, no email): user verification gives amr hwk+user and acr phr; the counter is stored', async () => {
    const f = new FlowClient(s, t);
    const started = await f.start();
    expect(started.body.methods).toEqual(['password', 'passkey']);
    const options = await passkeyOptions(f);
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({ rpId: '127.0.0.1', userVerification: 'required', allowCredentials: [] });
    const ok = await f.authenticate({ method: 'passkey', response: aliceAuth.get(options.body) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'authenticated', amr: ['hwk', 'user'], acr: 'urn:signet:acr:phr', user: { id: alice, email: 'alice@example.com' } });
    const row = await stored(t, aliceCredential);
    expect(row!.signCount).toBe(1);
    expect(row!.lastUsedAt).not.toBeNull();
    const done = await f.complete();
    expect(done.status).toBe(200);
    expect(done.body.user_id).toBe(alice);
  });

  it('without user verification the passkey proves one factor (amr hwk, acr sfa)', async () => {
    const f = new FlowClient(s, t);
    await f.start();
    const options = await passkeyOptions(f);
    const ok = await f.authenticate({ method: 'passkey', response: aliceAuth.get(options.body, { uv: false }) });
    expect(ok.body).toMatchObject({ state: 'authenticated', amr: ['hwk'], acr: 'urn:signet:acr:sfa' });
    expect((await stored(t, aliceCredential))!.signCount).toBe(2);
  });

  it('refuses tampered, misdirected, replayed and cloned responses with webauthn_failed, and changes no stored credential', async () => {
    const before = await stored(t, aliceCredential);
    const attempt = async (mutate: (o: RequestOptions) => unknown) => {
      const f = new FlowClient(s, t);
      await f.start();
      const options = await passkeyOptions(f);
      const r = await f.authenticate({ method: 'passkey', response: mutate(options.body) });
      // The challenge was spent: answering again without new options is out of order.
      const again = await f.authenticate({ method: 'passkey', response: mutate(options.body) });
      expect(again).toMatchObject({ status: 409, body: { error: 'step_out_of_order', error_description: 'ask for passkey options first' } });
      return r;
    };
    const refused = (description: string) => ({ status: 401, body: { error: 'webauthn_failed', error_description: description } });
    const counter = before!.signCount;

    const tampered = await attempt((o) => {
      const r = aliceAuth.get(o, { counter: counter + 10 });
      const sig = Buffer.from(r.response.signature, 'base64url');
      sig[sig.length - 1]! ^= 0x01;
      return { ...r, response: { ...r.response, signature: sig.toString('base64url') } };
    });
    expect(tampered).toMatchObject(refused('the passkey signature is not valid'));
    const tamperedData = await attempt((o) => {
      const r = aliceAuth.get(o, { counter: counter + 11 });
      const data = Buffer.from(r.response.authenticatorData, 'base64url');
      data.writeUInt32BE(counter + 1000, 33);
      return { ...r, response: { ...r.response, authenticatorData: data.toString('base64url') } };
    });
    expect(tamperedData).toMatchObject(refused('the passkey signature is not valid'));
    expect(await attempt((o) => aliceAuth.get(o, { origin: 'https://evil.example', counter: counter + 12 }))).toMatchObject(refused('the passkey response comes from an origin this tenant does not allow'));
    expect(await attempt((o) => aliceAuth.get(o, { challenge: randomBytes(32).toString('base64url'), counter: counter + 13 }))).toMatchObject(refused('the passkey response answers another challenge; ask for passkey options again'));
    expect(await attempt((o) => aliceAuth.get(o, { rpId: 'evil.example', counter: counter + 14 }))).toMatchObject(refused('the passkey was made for another relying party (RP ID)'));
    expect(await attempt((o) => aliceAuth.get(o, { type: 'webauthn.create', counter: counter + 15 }))).toMatchObject(refused('the passkey response is not a sign-in (webauthn.get) response'));
    expect(await attempt((o) => aliceAuth.get(o, { up: false, counter: counter + 16 }))).toMatchObject(refused('the authenticator did not confirm user presence'));
    // A counter that does not move forward: a cloned authenticator.
    expect(await attempt((o) => aliceAuth.get(o, { counter }))).toMatchObject(refused('the passkey signature counter went backwards: the authenticator may have been cloned'));
    expect(await attempt((o) => aliceAuth.get(o, { counter: counter - 1 }))).toMatchObject(refused('the passkey signature counter went backwards: the authenticator may have been cloned'));
    // Unknown credential, a user handle of someone else, garbage.
    expect(await attempt((o) => ({ ...aliceAuth.get(o, { counter: counter + 17 }), id: 'AAAA', rawId: 'AAAA' }))).toMatchObject(refused('this passkey is not registered here'));
    expect(await attempt((o) => {
      const r = aliceAuth.get(o, { counter: counter + 18 });
      return { ...r, response: { ...r.response, userHandle: Buffer.alloc(16, 7).toString('base64url') } };
    })).toMatchObject(refused('the passkey response names another account (user handle)'));
    for (const junk of [undefined, null, 42, 'x', [], { id: 'x' }]) expect(await attempt(() => junk)).toMatchObject(refused('the passkey response is malformed'));
    expect(await stored(t, aliceCredential)).toEqual(before);
    expect(await factorCount(t, alice)).toBe(1);

    // A response that signed in once is not accepted again (its challenge is gone; new options → other challenge).
    const f = new FlowClient(s, t);
    await f.start();
    const options = await passkeyOptions(f);
    const good = aliceAuth.get(options.body);
    expect((await f.authenticate({ method: 'passkey', response: good })).body.state).toBe('authenticated');
    const g = new FlowClient(s, t);
    await g.start();
    expect(await g.authenticate({ method: 'passkey', response: good })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    await passkeyOptions(g);
    expect(await g.authenticate({ method: 'passkey', response: good })).toMatchObject(refused('the passkey response answers another challenge; ask for passkey options again'));
    // Options once the flow is done, and passkey steps out of order, change nothing either.
    expect(await passkeyOptions(f)).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
  });

  it('as a second factor: after a password on a new device the passkey is asked with the user\'s credentials; another user\'s passkey is refused', async () => {
    const bob = await createUser(s, t, { email: 'bob@example.com', password });
    const bobAuth = new SoftAuthenticator(origin);
    const bobCredential = await register(await signedIn(t, 'bob@example.com'), bobAuth);

    const f = new FlowClient(s, t);
    await f.start();
    const pwd = await f.authenticate({ method: 'password', email: 'alice@example.com', password });
    expect(pwd.body).toMatchObject({ state: 'second_factor', methods: ['passkey'], mfa_reasons: ['risk'] });
    const options = await passkeyOptions(f);
    expect(options.body).toMatchObject({ userVerification: 'preferred', allowCredentials: [{ id: aliceCredential, type: 'public-key', transports: ['internal'] }] });
    const bobs = await f.authenticate({ method: 'passkey', response: bobAuth.get({ ...options.body, allowCredentials: [] }, { credentialId: bobCredential.id }) });
    expect(bobs).toMatchObject({ status: 401, body: { error: 'webauthn_failed', error_description: 'this passkey belongs to another account' } });
    expect((await stored(t, bobCredential.id))!.signCount).toBe(0);
    await passkeyOptions(f);
    const again = await passkeyOptions(f);
    const ok = await f.authenticate({ method: 'passkey', response: aliceAuth.get(again.body) });
    expect(ok.body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'hwk', 'user', 'mfa'], acr: 'urn:signet:acr:phr' });
    void bob;
  });

  it('is per tenant: another tenant does not know the credential; RP ID and extra origins come from the tenant settings', async () => {
    const other = await createTenant(s);
    await updateSettings(s, other, { authenticationMethods: ['password', 'passkey'] });
    const f = new FlowClient(s, other);
    await f.start();
    const options = await passkeyOptions(f);
    const r = await f.authenticate({ method: 'passkey', response: aliceAuth.get({ ...options.body, rpId: '127.0.0.1' }, { credentialId: aliceCredential }) });
    expect(r).toMatchObject({ status: 401, body: { error: 'webauthn_failed', error_description: 'this passkey is not registered here' } });

    const custom = await createTenant(s);
    await updateSettings(s, custom, { authenticationMethods: ['password', 'passkey'], webauthnRpId: 'example.com', webauthnOrigins: ['https://login.example.com'] });
    await createUser(s, custom, { email: 'carol@example.com', password });
    const carol = await signedIn(custom, 'carol@example.com');
    const carolAuth = new SoftAuthenticator('https://login.example.com');
    const reg = await account(carol, '/options', {});
    expect(reg.body).toMatchObject({ rp: { id: 'example.com' } });
    expect(await account(carol, '', { response: carolAuth.create(reg.body as never).response })).toMatchObject({ status: 201 });

    const g = new FlowClient(s, custom);
    await g.start();
    const o1 = await passkeyOptions(g);
    expect(o1.body.rpId).toBe('example.com');
    expect(await g.authenticate({ method: 'passkey', response: carolAuth.get(o1.body, { origin: 'https://other.example.com' }) })).toMatchObject({ status: 401, body: { error: 'webauthn_failed' } });
    const o2 = await passkeyOptions(g);
    expect((await g.authenticate({ method: 'passkey', response: carolAuth.get(o2.body) })).body).toMatchObject({ state: 'authenticated', user: { email: 'carol@example.com' } });
  });

  it('passkey options are refused where a passkey cannot be used (tenant without passkey sign-in)', async () => {
    const plain = await createTenant(s);
    const f = new FlowClient(s, plain);
    await f.start();
    expect(await passkeyOptions(f)).toMatchObject({ status: 409, body: { error: 'step_out_of_order', error_description: 'a passkey cannot be used at this step (expected one of: password)' } });
    expect(await f.authenticate({ method: 'passkey', response: {} })).toMatchObject({ status: 409, body: { error: 'step_out_of_order' } });
    const none = new FlowClient(s, plain);
    expect(await passkeyOptions(none)).toMatchObject({ status: 404, body: { error: 'flow_not_found' } });
  });
  it('serves passkey.js and the register page (hosted CSP with script-src and connect-src self, CSRF token, same-tenant next only)', async () => {
    const js = await fetch(`${t.issuer}/assets/passkey.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const source = await js.text();
    expect(source).toContain('navigator.credentials.get');
    expect(source).toContain('navigator.credentials.create');

    const next = `/t/${t.slug}/account/security?done=passkey_added`;
    const out = await fetch(`${t.issuer}/account/passkeys/new?next=${encodeURIComponent(next)}`, { redirect: 'manual' });
    expect(out.status).toBe(303);
    const login = new URL(out.headers.get('location')!, s.publicUrl);
    expect(login.pathname).toBe(`/t/${t.slug}/login`);
    expect(login.searchParams.get('return_to')).toBe(`/t/${t.slug}/account/passkeys/new?next=${encodeURIComponent(next)}`);

    const f = await signedIn(t, 'alice@example.com', aliceAuth);
    f.cookies.delete('signet_csrf');
    const pageFor = async (query: string) => {
      const res = await fetch(`${t.issuer}/account/passkeys/new${query}`, { headers: { cookie: [...f.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      return { res, html: await res.text() };
    };
    const { res, html } = await pageFor(`?next=${encodeURIComponent(next)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'; connect-src 'self'");
    const csrf = /signet_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
    expect(html).toContain(`data-csrf-token="${csrf}"`);
    expect(html).toContain('data-passkey="register"');
    expect(html).toContain(`data-next-url="${next.replace(/=/g, '&#61;')}"`);
    expect(html).toContain('Laptop');
    for (const evil of ['https://evil.example/', '//evil.example/x', `/t/${t.slug}/../x`, '/t/other/account']) {
      expect((await pageFor(`?next=${encodeURIComponent(evil)}`)).html).toContain(`data-next-url="/t/${t.slug}/account/passkeys/new?added&#61;1"`);
    }

    // A tenant without passkeys: no options, and the page says so.
    const plain = await createTenant(s);
    await updateSettings(s, plain, { mfaMethods: ['totp', 'recovery_code'] });
    await createUser(s, plain, { email: 'dan@example.com', password });
    const d = await signedIn(plain, 'dan@example.com');
    expect(await account(d, '/options', {})).toMatchObject({ status: 403, body: { error: 'method_not_allowed', error_description: 'this tenant does not use passkeys' } });
  });
});
