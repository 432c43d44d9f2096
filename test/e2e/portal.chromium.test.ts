import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { totp } from '../../src/crypto/totp.js';
import { base32 } from '../helpers/authn.js';
import { useBrowserHarness } from '../helpers/browser-harness.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, tokenCall } from '../helpers/oauth-flow.js';
import type { TestServer } from '../helpers/server.js';

describe('identity portal in headless Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let rpUrl: string;
  const received: URL[] = [];
  useBrowserHarness(received, (h) => ({ s, browser, rpUrl } = h));

  async function signIn(page: Page, url: string, email: string, password: string) {
    await page.goto(url);
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in, edits the profile, enrols TOTP, revokes another session and a connected application', async () => {
    const t = await createTenant(s);
    const email = 'katherine@example.com';
    const password = 'trajectory-1962-friendship7';
    await createUser(s, t, { email, password, name: 'Katherine Johnson' });
    const c = await createClient(s, t, { name: 'Mission Control', redirectUris: [`${rpUrl}/callback`] });

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const problems: string[] = [];
    // No CSP violation, script error or failed request (the browser's own favicon.ico aside).
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`); });

    // Not signed in: the portal sends the browser to the hosted sign-in, which comes back.
    await signIn(page, `${t.issuer}/account`, email, password);
    await page.waitForURL(`${t.issuer}/account`);
    expect(await page.locator('h1').textContent()).toBe('Your account');
    expect(await page.locator('main').textContent()).toContain(`Signed in as ${email}`);

    // A second browser signs in too (a session to revoke later).
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, `${t.issuer}/account`, email, password);
    await otherPage.waitForURL(`${t.issuer}/account`);

    // Profile.
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Profile' }).click();
    await page.getByLabel('Full name').fill('Katherine G. Johnson');
    await page.getByLabel('Time zone').fill('America/New_York');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/account\/profile\?done=profile_saved$/);
    expect(await page.getByRole('status').textContent()).toBe('Your profile was saved.');
    expect(await page.getByLabel('Full name').inputValue()).toBe('Katherine G. Johnson');

    // TOTP: read the key from the page, answer with the current code, see the recovery codes once.
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.waitForURL(/\/account\/security\/totp$/);
    expect(await page.getByRole('img', { name: 'QR code for your authenticator app' }).isVisible()).toBe(true);
    const key = (await page.locator('[data-totp-secret]').textContent())!.replace(/\s/g, '');
    await page.getByLabel('Code from your authenticator app').fill(totp(base32(key), Date.now()));
    await page.getByRole('button', { name: 'Verify and add' }).click();
    expect(await page.locator('h1').textContent()).toBe('Save your recovery codes');
    expect(await page.getByRole('list', { name: 'Recovery codes' }).locator('li').count()).toBe(10);
    await page.getByRole('link', { name: 'I saved them, continue' }).click();
    await page.waitForURL(/\/account\/security$/);
    const methods = await page.locator('table').textContent();
    expect(methods).toContain('Authenticator app');
    expect(methods).toContain('Recovery codes (10 left)');
    await page.screenshot({ path: '.signet/test-portal-security.png', fullPage: true });

    // Sessions: this browser is marked; the other one is signed out.
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sessions' }).click();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    await rows.filter({ hasNotText: '(this browser)' }).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/account\/sessions\?done=session_revoked$/);
    expect(await page.getByRole('status').textContent()).toBe('That session was signed out.');
    expect(await page.locator('tbody tr').count()).toBe(1);
    await otherPage.goto(`${t.issuer}/account`);
    expect(await otherPage.locator('h1').textContent()).toBe('Sign in');

    // Connected application: allow it, then remove its access; its refresh token stops working.
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(t, c, { scope: 'openid profile offline_access', state: 'portal', code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(await page.locator('h1').textContent()).toBe('Allow access?');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rpUrl}/callback?**`);
    const cb = received.find((u) => u.pathname === '/callback' && u.searchParams.get('state') === 'portal')!;
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(typeof tok.body.refresh_token).toBe('string');

    await page.goto(`${t.issuer}/account/apps`);
    const app = page.locator('tbody tr').filter({ hasText: 'Mission Control' });
    expect(await app.count()).toBe(1);
    await app.getByRole('button', { name: 'Remove access' }).click();
    await page.waitForURL(/\/account\/apps\?done=app_revoked$/);
    expect(await page.locator('main').textContent()).toContain('No applications have access to your account.');
    const refresh = await tokenCall(t, c, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token as string });
    expect(refresh.body.error).toBe('invalid_grant');

    // Sign out from the navigation.
    await page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/account\/signed-out$/);
    expect(await page.locator('main').textContent()).toContain('You have been signed out.');
    expect((await ctx.cookies()).find((k) => k.name === 'signet_session')).toBeUndefined();

    expect(problems).toEqual([]);
    await other.close();
    await ctx.close();
  });
});
