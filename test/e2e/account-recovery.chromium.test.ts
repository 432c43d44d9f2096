import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { lastMail } from '../helpers/authn.js';
import { useBrowserHarness } from '../helpers/browser-harness.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce } from '../helpers/oauth-flow.js';
import type { TestServer } from '../helpers/server.js';

/**
 * Account recovery through the hosted pages in headless Chromium: "Forgot your password?" on an
 * authorization request's sign-in page, the mailed link (refused in another browser), a new
 * password, and the sign-in with it continuing the authorization request.
 */
describe('account recovery in headless Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let rpUrl: string;
  const received: URL[] = [];
  useBrowserHarness(received, (h) => ({ s, browser, rpUrl } = h));

  it('resets the password with the mailed link and signs in with the new one', async () => {
    const t = await createTenant(s);
    await createUser(s, t, { email: 'barbara@example.com', password: 'forgotten-password-1' });
    const c = await createClient(s, t, { name: 'Archive', redirectUris: [`${rpUrl}/callback`] });
    const { challenge } = pkce();
    const page = await browser.newPage();
    await page.goto(authorizeUrl(t, c, { scope: 'openid', state: 'recover', code_challenge: challenge, code_challenge_method: 'S256' }));
    await page.waitForURL(/\/login\?login_challenge=/);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(/\/recover\?login_challenge=/);
    expect(await page.locator('h1').textContent()).toBe('Forgot your password?');
    await page.getByLabel('Email').fill('barbara@example.com');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.waitForURL(/\/recover\?login_challenge=/);
    expect(await page.locator('h1').textContent()).toBe('Enter your code');
    const link = /https?:\/\/\S+\/recover\/verify\?code=\d{6}/.exec((await lastMail(s, t, 'barbara@example.com'))!.text)![0];

    // Opened in another browser, the link does nothing there (and is not used up).
    const other = await browser.newPage();
    await other.goto(link);
    expect(await other.getByRole('alert').textContent()).toBe('open the link in the browser where you asked for it, or type the code from the email there');
    await other.close();

    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Choose a new password');
    await page.getByLabel('New password').fill('liskov-substitution-1987');
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await page.locator('h1').textContent()).toBe('Password changed');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/login\?login_challenge=/);
    await page.getByLabel('Email', { exact: true }).fill('barbara@example.com');
    await page.getByLabel('Password').fill('liskov-substitution-1987');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/consent\?/);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rpUrl}/callback?**`);
    expect(received.find((u) => u.searchParams.get('state') === 'recover')?.searchParams.get('code')).toBeTruthy();
    await page.close();
  });
});
