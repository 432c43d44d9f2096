import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../../src/crypto/totp.js';
import { base32, FlowClient, updateSettings } from '../../helpers/authn.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('flow API one-shot password sign-in (POST /authentication/login)', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
  });
  afterAll(async () => s?.stop());

  it('signs in with one request when nothing more is needed (session cookie, Login.Succeeded)', async () => {
    const sub = await createUser(s, t, { email: 'linus@example.com', password: 'one-request-please-1' });
    const f = new FlowClient(s, t);
    const r = await f.call('POST', 'login', { email: 'linus@example.com', password: 'one-request-please-1' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ session: { id: expect.any(String) }, user_id: sub, amr: ['pwd'], acr: 'urn:signet:acr:sfa' });
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(f.cookies.get('signet_session')).toBeTruthy();
    const events = await s.gql(`query { auditEvents(first: 10, filter: { types: ["Login.Succeeded"] }) { nodes { payload } } }`, {}, { token: t.token });
    expect((events.data as { auditEvents: { nodes: { payload: { userId: string } }[] } }).auditEvents.nodes.map((n) => n.payload.userId)).toContain(sub);
  });

  it('wrong password: the same answer as the step-by-step API, counted by the lockout', async () => {
    const f = new FlowClient(s, t);
    const r = await f.call('POST', 'login', { email: 'linus@example.com', password: 'wrong' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'invalid_credentials', error_description: 'Incorrect email or password.' });
    expect((await f.call('POST', 'login', { email: 'not-an-email', password: 'x' })).body.error).toBe('invalid_request');
  });

  it('hands back a flow (202) when a second factor is due, to finish with /authenticate', async () => {
    const u = await createTenant(s);
    await updateSettings(s, u, { mfaPolicy: 'REQUIRED' });
    await createUser(s, u, { email: 'ken@example.com', password: 'second-factor-due-1' });
    const f = new FlowClient(s, u);
    const r = await f.call('POST', 'login', { email: 'ken@example.com', password: 'second-factor-due-1' });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ state: 'enroll_mfa', flow_token: expect.any(String), mfa_reasons: ['tenant_policy'] });
    const enrol = await f.enroll();
    const code = totp(base32(enrol.body.secret as string), Date.now());
    expect((await f.authenticate({ method: 'totp', code })).body).toMatchObject({ state: 'authenticated', amr: ['pwd', 'otp', 'mfa'] });
    expect((await f.complete()).status).toBe(200);
  });

  it('is refused when the tenant does not allow passwords', async () => {
    const u = await createTenant(s);
    await updateSettings(s, u, { authenticationMethods: ['magic_link'] });
    const r = await new FlowClient(s, u).call('POST', 'login', { email: 'a@example.com', password: 'x' });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('method_not_allowed');
  });
});
