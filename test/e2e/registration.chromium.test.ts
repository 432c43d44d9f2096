import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { codeIn, lastMail, updateSettings } from '../helpers/authn.js';
import { useBrowserHarness } from '../helpers/browser-harness.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, tokenCall } from '../helpers/oauth-flow.js';
import type { TestServer } from '../helpers/server.js';

/**
 * Self-registration through the hosted pages in headless Chromium: from an authorization request's
 * sign-in page to "Create an account", every step of the tenant's workflow (email code, terms,
 * profile, password), then consent and a code at the client for the new user.
 */
describe('self-registration in headless Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let rpUrl: string;
  const received: URL[] = [];
  useBrowserHarness(received, (h) => ({ s, browser, rpUrl } = h));

  it('signs up from the sign-in page of an authorization request and lands at the client with a code', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, {
      selfRegistration: true, termsUrl: 'https://example.com/terms',
      registrationSteps: { emailVerification: 'REQUIRED', terms: 'REQUIRED', profile: 'OPTIONAL', phoneVerification: 'HIDDEN', credentials: 'REQUIRED' },
    });
    const c = await createClient(s, t, { name: 'Lab Notebook', redirectUris: [`${rpUrl}/callback`] });
    const { verifier, challenge } = pkce();
    const page = await browser.newPage();
    await page.goto(authorizeUrl(t, c, { scope: 'openid email profile', state: 'signup', code_challenge: challenge, code_challenge_method: 'S256' }));
    await page.waitForURL(/\/login\?login_challenge=/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/register\?login_challenge=/);
    expect(await page.locator('h1').textContent()).toBe('Create your account');
    expect(await page.locator('main').textContent()).toContain('Lab Notebook');

    await page.getByLabel('Email').fill('rosalind@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/register\?login_challenge=/);
    expect(await page.locator('h1').textContent()).toBe('Verify your email');
    expect(await page.locator('main').textContent()).toContain('r***@example.com');
    await page.getByLabel('Code').fill(codeIn((await lastMail(s, t, 'rosalind@example.com'))?.text));
    await page.getByRole('button', { name: 'Continue' }).click();

    expect(await page.locator('h1').textContent()).toBe('Terms of service');
    expect(await page.getByRole('link', { name: 'terms of service' }).getAttribute('href')).toBe('https://example.com/terms');
    await page.getByLabel('I accept the terms of service').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    expect(await page.locator('h1').textContent()).toBe('About you');
    await page.getByLabel('First name').fill('Rosalind');
    await page.getByLabel('Last name').fill('Franklin');
    await page.getByRole('button', { name: 'Continue' }).click();

    expect(await page.locator('h1').textContent()).toBe('Choose a password');
    await page.getByLabel('Password').fill('photo-51-diffraction');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(/\/consent\?/);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rpUrl}/callback?**`);
    const cb = received.find((u) => u.pathname === '/callback' && u.searchParams.get('state') === 'signup')!;
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    const claims = JSON.parse(Buffer.from((tok.body.id_token as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.amr).toEqual(['otp', 'email', 'pwd']);
    const userinfo = await (await fetch(`${t.issuer}/userinfo`, { headers: { authorization: `Bearer ${tok.body.access_token as string}` } })).json() as Record<string, unknown>;
    expect(userinfo).toMatchObject({ sub: claims.sub, email: 'rosalind@example.com', email_verified: true, given_name: 'Rosalind', family_name: 'Franklin' });
    const session = (await page.context().cookies()).find((k) => k.name === 'signet_session');
    expect(session).toMatchObject({ httpOnly: true, path: `/t/${t.slug}/` });
    await page.close();
  });

  it('shows a taken address the same code page (no code works, the owner is mailed); sign-up off answers 403', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, { selfRegistration: true, registrationSteps: { emailVerification: 'REQUIRED', profile: 'HIDDEN', credentials: 'REQUIRED' } });
    await createUser(s, t, { email: 'taken@example.com', password: 'already-here-123' });
    const page = await browser.newPage();
    await page.goto(`${t.issuer}/register`);
    await page.getByLabel('Email').fill('taken@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${t.issuer}/register`);
    expect(await page.locator('h1').textContent()).toBe('Verify your email');
    expect(await page.locator('main').textContent()).toContain('t***@example.com');
    expect((await lastMail(s, t, 'taken@example.com'))?.subject).toMatch(/^You already have a/);
    await page.getByLabel('Code').fill('123456');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('the code is not right');

    const closed = await createTenant(s);
    const res = await page.goto(`${closed.issuer}/register`);
    expect(res?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Sign-up is not available');
    await page.close();
  });
});
