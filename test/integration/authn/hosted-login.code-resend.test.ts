import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeIn, lastMail, updateSettings } from '../../helpers/authn.js';
import { createTenant, createUser, hidden, TestBrowser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * The hosted sign-in's code step (src/modules/authn/pages/login-pages.ts enterCodePage, engine
 * resendCode): "Send a new code" sends a fresh code to the same place, the previous one stops
 * working, and the per-destination send limit still holds — for a second factor and a first.
 */
describe('hosted sign-in: a code can be sent again', () => {
  let s: TestServer;
  let t: TestTenant;
  /** Email codes as a first factor, no MFA. */
  let first: TestTenant;
  const password = 'second-factor-by-mail-7';

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'email_otp'], mfaPolicy: 'REQUIRED', mfaMethods: ['email_otp'] });
    first = await createTenant(s);
    await updateSettings(s, first, { authenticationMethods: ['password', 'email_otp'] });
  });
  afterAll(async () => s?.stop());

  const account = (tt = t) => `/t/${tt.slug}/account`;
  const uniqueEmail = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;

  /** A new browser at the hosted sign-in of `tt` (returning to the account page); its first page. */
  async function openLogin(tt = t) {
    const b = new TestBrowser();
    const start = await b.follow(`${tt.issuer}/login?return_to=${encodeURIComponent(account(tt))}`, s.publicUrl);
    return { b, html: await start.res.text() };
  }

  /** POSTs one step of the hosted form shown in `html`, following redirects; the next page. */
  async function step(b: TestBrowser, html: string, fields: Record<string, string>, tt = t) {
    const r = await b.submit(`${tt.issuer}/login`, s.publicUrl, { return_to: hidden(html, 'return_to'), csrf_token: hidden(html, 'csrf_token'), ...fields });
    return { url: r.url, status: r.res.status, html: await r.res.text() };
  }

  it('password, then "Email me a code", then "Send a new code": only the newest code signs in', async () => {
    const email = uniqueEmail('katherine');
    await createUser(s, t, { email, password, emailVerified: true });
    const { b, html } = await openLogin();
    let page = await step(b, html, { step: 'password', email, password });
    expect(page.html).toContain('Two-step verification');
    expect(page.html).not.toContain('Send a new code');

    page = await step(b, page.html, { step: 'email_otp' });
    expect(page.html).toContain('Enter your code');
    expect(page.html).toContain('Send a new code');
    const old = codeIn((await lastMail(s, t, email))?.subject);

    page = await step(b, page.html, { step: 'resend_code' });
    expect(page.html).toContain('Enter your code');
    const second = codeIn((await lastMail(s, t, email))?.subject);
    expect(second).not.toBe(old);

    // The first code was replaced (a wrong answer, counted like any other).
    const stale = await step(b, page.html, { step: 'verify_code', code: old });
    expect(stale.html).toContain('role="alert"');
    expect(stale.url).not.toBe(`${s.publicUrl}${account()}`);

    const done = await step(b, stale.html, { step: 'verify_code', code: second });
    expect(done.status).toBe(200);
    expect(done.url).toBe(`${s.publicUrl}${account()}`);
  });

  it('sending again is bounded by the per-destination limit: past it, the page says to wait and sends nothing', async () => {
    const email = uniqueEmail('dorothy');
    await createUser(s, t, { email, password, emailVerified: true });
    const { b, html } = await openLogin();
    let page = await step(b, html, { step: 'password', email, password });
    const codes = new Set<string>();
    for (let i = 0; i < 5; i++) {
      page = await step(b, page.html, { step: i === 0 ? 'email_otp' : 'resend_code' });
      codes.add(codeIn((await lastMail(s, t, email))?.subject));
    }
    expect(codes.size).toBeGreaterThan(1);
    const refused = await step(b, page.html, { step: 'resend_code' });
    expect(refused.status).toBe(429);
    expect(refused.html).toMatch(/too many codes were sent/i);
    const last = codeIn((await lastMail(s, t, email))?.subject);
    expect(codes.has(last), 'no sixth code was sent').toBe(true);
  });

  it('a first factor: the code page sends a new code to the address typed; an unknown address gets the same pages and no mail', async () => {
    const email = uniqueEmail('mae');
    await createUser(s, first, { email, password });
    const { b, html } = await openLogin(first);
    let page = await step(b, html, { step: 'email_otp', email }, first);
    expect(page.html).toContain('Enter your code');
    expect(page.html).toContain('Send a new code');
    const old = codeIn((await lastMail(s, first, email))?.subject);
    page = await step(b, page.html, { step: 'resend_code' }, first);
    const fresh = codeIn((await lastMail(s, first, email))?.subject);
    expect(fresh).not.toBe(old);
    const done = await step(b, page.html, { step: 'verify_code', code: fresh }, first);
    expect(done.url).toBe(`${s.publicUrl}${account(first)}`);

    const stranger = await openLogin(first);
    const unknown = uniqueEmail('nobody');
    let p2 = await step(stranger.b, stranger.html, { step: 'email_otp', email: unknown }, first);
    expect(p2.html).toContain('Enter your code');
    p2 = await step(stranger.b, p2.html, { step: 'resend_code' }, first);
    expect(p2.status).toBe(200);
    expect(p2.html).toContain('Enter your code');
    expect(await lastMail(s, first, unknown)).toBeUndefined();
  });
});
