import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { codeIn, lastMail, updateSettings } from '../helpers/authn.js';
import { useBrowserHarness } from '../helpers/browser-harness.js';
import { authorizeUrl, createClient, createTenant, pkce, tokenCall, type TestClient, type TestTenant } from '../helpers/oauth-flow.js';
import type { TestServer } from '../helpers/server.js';

/**
 * Guest sign-in and the upgrade of the guest account, end to end through the hosted pages in
 * headless Chromium: authorize → sign-in page → "Continue as a guest" → consent → the client gets
 * a code; then /account/upgrade with an email code and a password; then a sign-in with that
 * password gives an ID token with the same `sub`.
 */
describe('anonymous sign-in and account upgrade in headless Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let rpUrl: string;
  const received: URL[] = [];
  useBrowserHarness(received, (h) => ({ s, browser, rpUrl } = h));

  /** Runs an authorization request in `page` (signing in with `signIn`) and redeems the code; returns the ID token's claims and the userinfo response. */
  async function authorize(page: Page, t: TestTenant, c: TestClient, state: string, params: Record<string, string>, signIn: () => Promise<void>): Promise<{ id: Record<string, unknown>; userinfo: Record<string, unknown> }> {
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(t, c, { scope: 'openid email profile', state, code_challenge: challenge, code_challenge_method: 'S256', ...params }));
    await page.waitForURL(/\/login\?/);
    await signIn();
    await page.waitForURL((u) => u.pathname.endsWith('/consent') || u.toString().startsWith(`${rpUrl}/callback`));
    if (new URL(page.url()).pathname.endsWith('/consent')) {
      await page.getByRole('button', { name: 'Allow' }).click();
    }
    await page.waitForURL(`${rpUrl}/callback?**`);
    const cb = received.filter((u) => u.pathname === '/callback').find((u) => u.searchParams.get('state') === state)!;
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    const userinfo = await (await fetch(`${t.issuer}/userinfo`, { headers: { authorization: `Bearer ${tok.body.access_token as string}` } })).json() as Record<string, unknown>;
    return { id: JSON.parse(Buffer.from((tok.body.id_token as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>, userinfo };
  }

  it('continues as a guest, upgrades on the hosted page, then signs in with the new password as the same subject', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'anonymous'] });
    const c = await createClient(s, t, { name: 'Guest Book', redirectUris: [`${rpUrl}/callback`] });
    const page = await browser.newPage();

    // 1. Guest sign-in for the application.
    const guest = await authorize(page, t, c, 'guest', {}, async () => {
      expect(await page.locator('main').textContent()).toContain('Guest Book');
      await page.getByRole('button', { name: 'Continue as a guest' }).click();
    });
    expect(guest.id).toMatchObject({ acr: 'urn:signet:acr:anonymous', amr: ['anon'] });
    expect(guest.userinfo.sub).toBe(guest.id.sub);
    expect(guest.userinfo).not.toHaveProperty('email');

    // 2. Upgrade on the hosted page, with the guest's SSO session.
    await page.goto(`${t.issuer}/account/upgrade`);
    expect(await page.locator('h1').textContent()).toBe('Keep your account');
    await page.getByLabel('Email').fill('ada.guest@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/account\/upgrade$/);
    expect(await page.locator('h1').textContent()).toBe('Verify your email');
    expect(await page.locator('main').textContent()).toContain('a***@example.com');
    const code = codeIn((await lastMail(s, t, 'ada.guest@example.com'))?.text);
    await page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('the code is not right');
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/account\/upgrade$/);
    expect(await page.locator('h1').textContent()).toBe('Choose a password');
    await page.getByLabel('Password').fill('lovelace-notes-1843');
    await page.getByRole('button', { name: 'Save my account' }).click();
    await page.waitForURL(`${t.issuer}/account`);
    expect(await page.locator('main').textContent()).toContain('ada.guest@example.com');
    // The guest's session was replaced by the account's: the upgrade page now says so.
    await page.goto(`${t.issuer}/account/upgrade`);
    expect(await page.getByRole('alert').textContent()).toBe('This account is already a full account.');

    // 3. A fresh sign-in with the new password: same subject, now with the email.
    const again = await authorize(page, t, c, 'password', { prompt: 'login' }, async () => {
      await page.getByLabel('Email', { exact: true }).fill('ada.guest@example.com');
      await page.getByLabel('Password').fill('lovelace-notes-1843');
      await page.getByRole('button', { name: 'Sign in' }).click();
    });
    expect(again.id).toMatchObject({ sub: guest.id.sub, acr: 'urn:signet:acr:sfa', amr: ['pwd'] });
    expect(again.userinfo).toMatchObject({ sub: guest.id.sub, email: 'ada.guest@example.com', email_verified: true });
    await page.close();
  });
});
