import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { totp } from '../../src/crypto/totp.js';
import { base32, lastMail, updateSettings } from '../helpers/authn.js';
import { useBrowserHarness } from '../helpers/browser-harness.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, tokenCall, type TestClient, type TestTenant } from '../helpers/oauth-flow.js';
import type { TestServer } from '../helpers/server.js';

describe('hosted sign-in in headless Chromium: password + TOTP, magic link', () => {
  let s: TestServer;
  let browser: Browser;
  let rpUrl: string;
  const received: URL[] = [];
  useBrowserHarness(received, (h) => ({ s, browser, rpUrl } = h));

  /** Consents when asked, then exchanges the code and returns the ID token claims. */
  async function finishAtClient(page: Page, t: TestTenant, c: TestClient, verifier: string, state: string): Promise<Record<string, unknown>> {
    await page.waitForURL((u) => u.pathname.endsWith('/consent') || u.href.startsWith(rpUrl));
    if (page.url().includes('/consent')) await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rpUrl}/callback?**`);
    const cb = [...received].reverse().find((u) => u.pathname === '/callback' && u.searchParams.get('state') === state)!;
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    return decodeJwt(tok.body.id_token as string);
  }

  it('password, then TOTP enrolment required by tenant policy (QR, recovery codes), then TOTP on the next sign-in', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, { mfaPolicy: 'REQUIRED' });
    const sub = await createUser(s, t, { email: 'katherine@example.com', password: 'trajectory-1961-orbit' });
    const c = await createClient(s, t, { name: 'Flight Dynamics', redirectUris: [`${rpUrl}/callback`] });
    const context = await browser.newContext();
    const page = await context.newPage();
    let { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(t, c, { scope: 'openid email', state: 'mfa-1', code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    await page.getByLabel('Email', { exact: true }).fill('katherine@example.com');
    await page.getByLabel('Password').fill('trajectory-1961-orbit');
    await page.getByRole('button', { name: 'Sign in' }).click();

    expect(await page.locator('h1').textContent()).toBe('Set up two-step verification');
    expect(await page.getByRole('img', { name: 'QR code for your authenticator app' }).getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = base32((await page.locator('[data-totp-secret]').textContent())!.replace(/\s/g, ''));
    await page.getByLabel('Code from your authenticator app').fill('000000' === totp(secret, Date.now()) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify and continue' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('not right');
    // A typo keeps the same secret: the QR code already scanned stays valid.
    const secret2 = base32((await page.locator('[data-totp-secret]').textContent())!.replace(/\s/g, ''));
    expect(secret2.equals(secret)).toBe(true);
    await page.getByLabel('Code from your authenticator app').fill(totp(secret2, Date.now()));
    await page.getByRole('button', { name: 'Verify and continue' }).click();
    expect(await page.locator('h1').textContent()).toBe('Save your recovery codes');
    expect(await page.locator('ul.codes li').count()).toBe(10);
    await page.getByRole('button', { name: 'I saved them, continue' }).click();
    const first = await finishAtClient(page, t, c, verifier, 'mfa-1');
    expect(first).toMatchObject({ sub, acr: 'urn:signet:acr:mfa' });
    expect(first.amr).toEqual(['pwd', 'otp', 'mfa']);
    await context.close();

    // A new browser: password, then the code from the app (not enrolment again).
    const context2 = await browser.newContext();
    const page2 = await context2.newPage();
    ({ verifier, challenge } = pkce());
    await page2.goto(authorizeUrl(t, c, { scope: 'openid email', state: 'mfa-2', code_challenge: challenge, code_challenge_method: 'S256' }));
    await page2.getByLabel('Email', { exact: true }).fill('katherine@example.com');
    await page2.getByLabel('Password').fill('trajectory-1961-orbit');
    await page2.getByRole('button', { name: 'Sign in' }).click();
    expect(await page2.locator('h1').textContent()).toBe('Two-step verification');
    // Wait for the next 30-second step so the enrolment's code is not replayed.
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
    await page2.getByLabel('Code from your authenticator app').fill(totp(secret2, Date.now()));
    await page2.getByRole('button', { name: 'Verify' }).click();
    const second = await finishAtClient(page2, t, c, verifier, 'mfa-2');
    expect(second).toMatchObject({ sub, acr: 'urn:signet:acr:mfa' });
    await context2.close();
  }, 90_000);

  it('magic link: works once, only in the browser that asked for it', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'magic_link'] });
    const sub = await createUser(s, t, { email: 'dorothy@example.com', password: 'vaughan-fortran-1961' });
    const c = await createClient(s, t, { name: 'Analysis', redirectUris: [`${rpUrl}/callback`], skipConsent: true });
    const asking = await browser.newContext();
    const page = await asking.newPage();
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(t, c, { scope: 'openid', state: 'link-1', code_challenge: challenge, code_challenge_method: 'S256' }));
    await page.getByLabel('Or get a sign-in email').fill('dorothy@example.com');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    expect(await page.locator('h1').textContent()).toBe('Check your email');
    const mail = await lastMail(s, t, 'dorothy@example.com');
    const link = /https?:\/\/\S+\/login\/magic\?token=[\w-]+/.exec(mail!.text)![0];

    // Another browser (e.g. the mail opened on a phone): refused, and the link stays usable.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(link);
    expect(await otherPage.getByRole('alert').textContent()).toContain('open this link in the browser where you asked for it');
    await other.close();

    await page.goto(link);
    const claims = await finishAtClient(page, t, c, verifier, 'link-1');
    expect(claims).toMatchObject({ sub, acr: 'urn:signet:acr:sfa', amr: ['otp', 'email'] });

    // Used once: a second visit is refused.
    await page.goto(link);
    expect(await page.getByRole('alert').textContent()).toContain('not valid');
    await asking.close();
  });
});
