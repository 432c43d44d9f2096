import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { codeOf, loginAndRedeem, PASSWORD, redeem, runAuthorize, userinfo, verifyWithJwks } from '../../../helpers/oauth-assertions.js';

describe('OIDC Core §5.3 / §5.4 / §5.5 claims at userinfo and in the ID token', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let subject: string;
  const user = { email: 'claims@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    subject = await createUser(s, t, { email: user.email, password: PASSWORD, name: 'Claire Claims', givenName: 'Claire', familyName: 'Claims', emailVerified: true });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  it('§5.4: scope openid alone → only sub at userinfo', async () => {
    const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user, { scope: 'openid' });
    const ui = await userinfo(t, tok.access_token);
    expect(ui.status).toBe(200);
    expect(ui.body).toEqual({ sub: subject });
  });

  it('§5.4: scope profile → name, given_name, family_name; scope email → email, email_verified', async () => {
    const profile = await loginAndRedeem(s, t, c, new TestBrowser(), user, { scope: 'openid profile' });
    const p = (await userinfo(t, profile.access_token)).body;
    expect(p).toMatchObject({ sub: subject, name: 'Claire Claims', given_name: 'Claire', family_name: 'Claims' });
    expect(p).not.toHaveProperty('email');

    const email = await loginAndRedeem(s, t, c, new TestBrowser(), user, { scope: 'openid email' });
    expect((await userinfo(t, email.access_token)).body).toEqual({ sub: subject, email: user.email, email_verified: true });
  });

  it('§5.5: claims={"userinfo":{"email":null}} with scope openid returns email at userinfo (and the consent page names it)', async () => {
    const fresh = await createClient(s, t);
    const run = await runAuthorize(s, t, fresh, new TestBrowser(), { user, params: { scope: 'openid', claims: JSON.stringify({ userinfo: { email: null } }) } });
    expect(run.consentHtml).toContain('<code>email</code>');
    const tok = await redeem(t, fresh, codeOf(run, t), run.verifier);
    expect((await userinfo(t, tok.access_token)).body).toEqual({ sub: subject, email: user.email });
    const { payload } = await verifyWithJwks(t.issuer, tok.id_token!, { audience: fresh.clientId });
    expect(payload).not.toHaveProperty('email');
  });

  it('§5.5: claims={"id_token":{"email":null,"name":{"essential":true}}} puts them in the ID token', async () => {
    const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user, { scope: 'openid', claims: JSON.stringify({ id_token: { email: null, name: { essential: true } } }) });
    const { payload } = await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId });
    expect(payload.email).toBe(user.email);
    expect(payload.name).toBe('Claire Claims');
    expect((await userinfo(t, tok.access_token)).body).toEqual({ sub: subject });
  });

  it('§5.5: a claims parameter that is not a JSON object → invalid_request', async () => {
    const run = await runAuthorize(s, t, c, new TestBrowser(), { params: { claims: '{not json', state: 'cl' } });
    const loc = new URL(run.last.headers.get('location')!);
    expect(Object.fromEntries(loc.searchParams)).toEqual({ error: 'invalid_request', error_description: 'could not parse the claims parameter JSON', state: 'cl', iss: t.issuer });
    const arr = await runAuthorize(s, t, c, new TestBrowser(), { params: { claims: '[]', state: 'cl' } });
    expect(new URL(arr.last.headers.get('location')!).searchParams.get('error_description')).toBe('claims parameter should be a JSON object');
  });
});
