import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeIn, lastMail, updateSettings } from '../../helpers/authn.js';
import { createTenant, createUser, hidden, TestBrowser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * The hosted sign-in's code step for a second factor (src/modules/authn/pages/login-pages.ts
 * enterCodePage): "Send a new code" sends a fresh code to the account's own address, the
 * previous one stops working, and the per-destination send limit still holds.
 */
describe('hosted sign-in: a second factor code can be sent again', () => {
  let s: TestServer;
  let t: TestTenant;
  const password = 'second-factor-by-mail-7';

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'email_otp'], mfaPolicy: 'REQUIRED', mfaMethods: ['email_otp'] });
  });
  afterAll(async () => s?.stop());

  const account = () => `/t/${t.slug}/account`;

  /** POSTs one step of the hosted form shown in `html`, following redirects; the next page. */
  async function step(b: TestBrowser, html: string, fields: Record<string, string>) {
    const r = await b.follow(`${t.issuer}/login`, s.publicUrl, {
      method: 'POST', headers: form,
      body: new URLSearchParams({ return_to: hidden(html, 'return_to'), csrf_token: hidden(html, 'csrf_token'), ...fields }),
    });
    return { url: r.url, status: r.res.status, html: await r.res.text() };
  }

  it('password, then "Email me a code", then "Send a new code": only the newest code signs in', async () => {
    const email = `katherine-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await createUser(s, t, { email, password, emailVerified: true });
    const b = new TestBrowser();
    const start = await b.follow(`${t.issuer}/login?return_to=${encodeURIComponent(account())}`, s.publicUrl);
    let page = await step(b, await start.res.text(), { step: 'password', email, password });
    expect(page.html).toContain('Two-step verification');
    expect(page.html).not.toContain('Send a new code');

    page = await step(b, page.html, { step: 'email_otp' });
    expect(page.html).toContain('Enter your code');
    expect(page.html).toContain('Send a new code');
    const first = codeIn((await lastMail(s, t, email))?.subject);

    page = await step(b, page.html, { step: 'email_otp' });
    expect(page.html).toContain('Enter your code');
    const second = codeIn((await lastMail(s, t, email))?.subject);
    expect(second).not.toBe(first);

    // The first code was replaced (a wrong answer, counted like any other).
    const stale = await step(b, page.html, { step: 'verify_code', code: first });
    expect(stale.html).toContain('role="alert"');
    expect(stale.url).not.toBe(`${s.publicUrl}${account()}`);

    const done = await step(b, stale.html, { step: 'verify_code', code: second });
    expect(done.status).toBe(200);
    expect(done.url).toBe(`${s.publicUrl}${account()}`);
  });

  it('sending again is bounded by the per-destination limit: past it, the page says to wait and sends nothing', async () => {
    const email = `dorothy-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await createUser(s, t, { email, password, emailVerified: true });
    const b = new TestBrowser();
    const start = await b.follow(`${t.issuer}/login?return_to=${encodeURIComponent(account())}`, s.publicUrl);
    let page = await step(b, await start.res.text(), { step: 'password', email, password });
    const codes = new Set<string>();
    for (let i = 0; i < 5; i++) {
      page = await step(b, page.html, { step: 'email_otp' });
      codes.add(codeIn((await lastMail(s, t, email))?.subject));
    }
    expect(codes.size).toBeGreaterThan(1);
    const refused = await step(b, page.html, { step: 'email_otp' });
    expect(refused.status).toBe(429);
    expect(refused.html).toMatch(/too many codes were sent/i);
    const last = codeIn((await lastMail(s, t, email))?.subject);
    expect(codes.has(last), 'no sixth code was sent').toBe(true);
  });
});
