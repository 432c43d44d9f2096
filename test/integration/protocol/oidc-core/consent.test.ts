import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, TestBrowser, type TestTenant } from '../../../helpers/oauth-flow.js';
import { codeOf, escapeHtml, PASSWORD, runAuthorize } from '../../../helpers/oauth-assertions.js';

describe('OIDC Core §3.1.2.4 consent', () => {
  let s: TestServer;
  let t: TestTenant;
  const user = { email: 'consent@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
  });
  afterAll(async () => { await s.stop(); });

  it('a skipConsent (first-party) client never sees the consent page', async () => {
    const c = await createClient(s, t, { skipConsent: true });
    const b = new TestBrowser();
    const run = await runAuthorize(s, t, c, b, { user, params: { scope: 'openid profile email' } });
    expect({ login: run.sawLogin, consent: run.sawConsent }).toEqual({ login: true, consent: false });
    codeOf(run, t);
    const again = await runAuthorize(s, t, c, b, { params: { scope: 'openid profile email offline_access' } });
    expect({ login: again.sawLogin, consent: again.sawConsent }).toEqual({ login: false, consent: false });
    codeOf(again, t);
  });

  it('a remembered consent is honoured on the next authorization (no page at all); a wider scope asks again', async () => {
    const c = await createClient(s, t);
    const b = new TestBrowser();
    const first = await runAuthorize(s, t, c, b, { user, params: { scope: 'openid profile' } });
    expect(first.sawConsent).toBe(true);
    codeOf(first, t);
    const second = await runAuthorize(s, t, c, b, { params: { scope: 'openid profile' } });
    expect({ login: second.sawLogin, consent: second.sawConsent }).toEqual({ login: false, consent: false });
    codeOf(second, t);
    const narrower = await runAuthorize(s, t, c, b, { params: { scope: 'openid' } });
    expect(narrower.sawConsent).toBe(false);
    const wider = await runAuthorize(s, t, c, b, { params: { scope: 'openid profile email' } });
    expect(wider.sawConsent).toBe(true);
  });

  it('a consent that was not remembered is asked again', async () => {
    const c = await createClient(s, t);
    const b = new TestBrowser();
    codeOf(await runAuthorize(s, t, c, b, { user, rememberConsent: false }), t);
    const second = await runAuthorize(s, t, c, b, {});
    expect({ login: second.sawLogin, consent: second.sawConsent }).toEqual({ login: false, consent: true });
  });

  it('the consent page names the tenant, the client and every requested scope', async () => {
    const c = await createClient(s, t, { name: 'Scope Viewer' });
    const run = await runAuthorize(s, t, c, new TestBrowser(), { user, params: { scope: 'openid profile email offline_access' } });
    expect(run.sawConsent).toBe(true);
    const html = run.consentHtml!;
    expect(html).toBeDefined();
    expect(html).toContain(`<p class="tenant">${escapeHtml(`Tenant ${t.slug}`)}</p>`);
    expect(html).toContain('<strong>Scope Viewer</strong>');
    for (const scope of ['openid', 'profile', 'email', 'offline_access']) expect(html).toContain(`(${scope})</span></li>`);
  });

  it('denying consent sends access_denied to the client', async () => {
    const c = await createClient(s, t);
    const run = await runAuthorize(s, t, c, new TestBrowser(), { user, decision: 'deny', params: { state: 'd' } });
    expect(Object.fromEntries(run.callback!.searchParams)).toEqual({ error: 'access_denied', error_description: 'the user denied the request', state: 'd', iss: t.issuer });
  });
});
