import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, tokenCall } from '../helpers/oauth-flow.js';
import { useBrowserHarness } from '../helpers/browser-harness.js';

describe('hosted login and consent in headless Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let rpUrl: string;
  const received: URL[] = [];
  useBrowserHarness(received, (h) => ({ s, browser, rpUrl } = h));

  it('signs in with email and password, consents, and lands at the client with a code', async () => {
    const t = await createTenant(s);
    await createUser(s, t, { email: 'margaret@example.com', password: 'apollo-guidance-69', name: 'Margaret Hamilton' });
    const c = await createClient(s, t, { name: 'Mission Control', redirectUris: [`${rpUrl}/callback`] });
    const { verifier, challenge } = pkce();
    const page = await browser.newPage();
    await page.goto(authorizeUrl(t, c, { scope: 'openid profile email', state: 'chromium-state', code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    expect(await page.locator('.tenant').textContent()).toBe(`Tenant ${t.slug}`);
    expect(await page.locator('main').textContent()).toContain('Mission Control');

    await page.getByLabel('Email').fill('margaret@example.com');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Incorrect email or password.');

    await page.getByLabel('Password').fill('apollo-guidance-69');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/consent\?/);
    expect(await page.locator('h1').textContent()).toBe('Allow access?');
    expect(await page.locator('ul').textContent()).toContain('Your email address');
    await page.screenshot({ path: '.signet/test-consent.png' });
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rpUrl}/callback?**`);
    // The browser may also ask the relying party for /favicon.ico: take the callback itself.
    const cb = received.find((u) => u.pathname === '/callback')!;
    expect(cb.searchParams.get('state')).toBe('chromium-state');
    expect(cb.searchParams.get('iss')).toBe(t.issuer);
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    expect(typeof tok.body.id_token).toBe('string');
    const cookies = await page.context().cookies();
    const session = cookies.find((k) => k.name === 'signet_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: `/t/${t.slug}/` });
    await page.close();
  });
});
