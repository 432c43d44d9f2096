import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, hidden, pkce, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { expectErrorPage, PASSWORD, setCookieLine } from '../../../helpers/oauth-assertions.js';

/** The hosted login page (OIDC Core §3.1.2.3: the OP authenticates the End-User). */
describe('OIDC Core §3.1.2.3 hosted login page', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const user = { email: 'login@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  /** Opens the login page in a fresh browser: its HTML and the browser (with csrf and binding cookies). */
  async function loginPage() {
    const b = new TestBrowser();
    const step = await b.follow(authorizeUrl(t, c, { scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), s.publicUrl);
    expect(step.url.startsWith(`${t.issuer}/login?login_challenge=`)).toBe(true);
    expect(step.res.status).toBe(200);
    return { b, html: await step.res.text() };
  }

  const post = (b: TestBrowser, form: Record<string, string>) =>
    b.fetch(`${t.issuer}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });

  describe('CSRF (double-submit cookie)', () => {
    it('a POST without the csrf cookie → 403 page', async () => {
      const { html } = await loginPage();
      const stranger = new TestBrowser();
      const res = await post(stranger, { login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), ...user });
      await expectErrorPage(res, 403, 'invalid_request', 'the form has expired; go back and try again');
    });

    it('a POST without the csrf field → 403 page', async () => {
      const { b, html } = await loginPage();
      const res = await post(b, { login_challenge: hidden(html, 'login_challenge'), ...user });
      await expectErrorPage(res, 403, 'invalid_request', 'the form has expired; go back and try again');
    });

    it('a POST with a csrf field that does not match the cookie → 403 page', async () => {
      const { b, html } = await loginPage();
      const res = await post(b, { login_challenge: hidden(html, 'login_challenge'), csrf_token: 'A'.repeat(43), ...user });
      await expectErrorPage(res, 403, 'invalid_request', 'the form has expired; go back and try again');
    });
  });

  describe('wrong credentials', () => {
    it('a wrong password → 401 page "Incorrect email or password."', async () => {
      const { b, html } = await loginPage();
      const res = await post(b, { login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), email: user.email, password: 'wrong password!' });
      expect(res.status).toBe(401);
      expect(res.headers.get('location')).toBeNull();
      const page = await res.text();
      expect(page).toContain('<p class="error" role="alert">Incorrect email or password.</p>');
      expect(page).toContain('name="password"');
    });

    it('an unknown email → the same 401 page and message (no account probing)', async () => {
      const { b, html } = await loginPage();
      const res = await post(b, { login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), email: 'nobody@example.com', password: 'wrong password!' });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('<p class="error" role="alert">Incorrect email or password.</p>');
    });
  });

  describe('cookies', () => {
    it('the session cookie is HttpOnly and SameSite=Lax, scoped to the tenant path; persistent only with "remember"', async () => {
      for (const remember of [true, false]) {
        const { b, html } = await loginPage();
        const form: Record<string, string> = { login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), ...user };
        if (remember) form.remember = '1';
        const accepted = await post(b, form);
        expect(accepted.status).toBe(303);
        const resume = await b.fetch(new URL(accepted.headers.get('location')!, t.issuer).toString());
        expect(resume.status).toBe(303);
        const line = setCookieLine(resume, 'signet_session');
        expect(line, 'resume sets signet_session').toBeDefined();
        const attrs = line!.split(';').map((a) => a.trim());
        expect(attrs).toContain('HttpOnly');
        expect(attrs).toContain('SameSite=Lax');
        expect(attrs).toContain(`Path=/t/${t.slug}/`);
        expect(attrs.some((a) => /^Max-Age=\d+$/.test(a))).toBe(remember);
      }
    });

    it('the binding and csrf cookies are HttpOnly too (csrf SameSite=Strict)', async () => {
      const b = new TestBrowser();
      const res = await b.fetch(authorizeUrl(t, c, { scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
      const binding = setCookieLine(res, 'signet_binding');
      expect(binding).toMatch(/; HttpOnly; SameSite=Lax/);
      const page = await b.fetch(new URL(res.headers.get('location')!).toString());
      expect(setCookieLine(page, 'signet_csrf')).toMatch(/; HttpOnly; SameSite=Strict/);
    });
  });
});
