import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { tenantEm } from '../../src/db/tenant-em.js';
import { Authenticator } from '../../src/modules/authn/index.js';
import { updateSettings } from '../helpers/authn.js';
import { useBrowserHarness } from '../helpers/browser-harness.js';
import { startLocalhostTestServer } from '../helpers/localhost-server.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, tokenCall, type TestTenant } from '../helpers/oauth-flow.js';
import type { TestServer } from '../helpers/server.js';

/**
 * Passkeys end to end in headless Chromium: the page's JavaScript (assets/passkey.js) talks to a
 * CDP virtual authenticator (CTAP2, internal transport, resident keys, user verification), the
 * way a platform authenticator would. The server runs on http://localhost (browsers refuse an IP
 * address as RP ID).
 */
describe('passkeys in headless Chromium with a virtual authenticator', () => {
  let s: TestServer;
  let browser: Browser;
  let rpUrl: string;
  const received: URL[] = [];
  const password = 'trajectory-friendship-7';
  useBrowserHarness(received, (h) => ({ s, browser, rpUrl } = h), startLocalhostTestServer);

  const withAuthenticator = async (): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession; authenticatorId: string }> => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return { context, page, cdp, authenticatorId };
  };

  const tenantIdOf = async (t: TestTenant) => (await s.server.container.issuers.findBySlug(t.slug))!.tenantId;

  it('registers a passkey on the account page after a password sign-in, then signs in with the passkey alone at the hosted login (amr hwk+user, acr phr)', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'passkey'] });
    const userId = await createUser(s, t, { email: 'katherine@example.com', password, name: 'Katherine Johnson' });
    const c = await createClient(s, t, { name: 'Orbit Planner', redirectUris: [`${rpUrl}/callback`] });
    const { context, page, cdp, authenticatorId } = await withAuthenticator();

    // The register page sends a signed-out browser to the hosted sign-in first.
    await page.goto(`${t.issuer}/account/passkeys/new`);
    await page.waitForURL(/\/login\?return_to=/);
    await page.getByLabel('Email').fill('katherine@example.com');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/account\/passkeys\/new$/);
    expect(await page.locator('h1').textContent()).toBe('Add a passkey');
    expect(await page.locator('main').textContent()).toContain('You have no passkeys yet.');

    await page.getByLabel('Name (optional)').fill('Mission laptop');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.waitForURL(/\/account\/passkeys\/new\?added=1$/);
    expect(await page.getByRole('status').textContent()).toBe('Passkey added.');
    expect(await page.locator('table').textContent()).toContain('Mission laptop');

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    expect(Buffer.from(credentials[0]!.userHandle!, 'base64').toString('hex')).toBe(userId.replace(/-/g, ''));
    const em = tenantEm(s.server.container.orm, await tenantIdOf(t));
    const row = await em.findOneOrFail(Authenticator, { user: userId, kind: 'passkey' });
    expect(row.credentialId).toBe(Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url'));
    expect(row.name).toBe('Mission laptop');

    // Signed out: every cookie is gone, the authenticator keeps the passkey.
    await context.clearCookies();
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl(t, c, { scope: 'openid email', state: 'passkey-state', nonce: 'n-0S6', code_challenge: challenge, code_challenge_method: 'S256' }));
    await page.waitForURL(/\/login\?login_challenge=/);
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    // No email typed: the discoverable credential names the user.
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(/\/consent\?/);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${rpUrl}/callback?**`);
    const cb = received.find((u) => u.pathname === '/callback' && u.searchParams.get('state') === 'passkey-state')!;
    const tok = await tokenCall(t, c, { grant_type: 'authorization_code', code: cb.searchParams.get('code')!, redirect_uri: c.redirectUri, code_verifier: verifier });
    expect(tok.status).toBe(200);
    const claims = JSON.parse(Buffer.from((tok.body.id_token as string).split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: userId, amr: ['hwk', 'user'], acr: 'urn:signet:acr:phr', nonce: 'n-0S6' });

    // The signature counter the authenticator reported is stored.
    const after = await tenantEm(s.server.container.orm, await tenantIdOf(t)).findOneOrFail(Authenticator, { id: row.id });
    const { credentials: now } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.signCount).toBe(now[0]!.signCount);
    expect(after.lastUsedAt).not.toBeNull();
    await context.close();
  });

  it('shows the server\'s refusal on the login page when the passkey is no longer registered', async () => {
    const t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'passkey'] });
    const userId = await createUser(s, t, { email: 'dorothy@example.com', password });
    const { context, page } = await withAuthenticator();
    await page.goto(`${t.issuer}/account/passkeys/new`);
    await page.getByLabel('Email').fill('dorothy@example.com');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/account\/passkeys\/new$/);
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.waitForURL(/added=1$/);

    // An administrator removes it; the device still offers it.
    await tenantEm(s.server.container.orm, await tenantIdOf(t)).nativeDelete(Authenticator, { user: userId, kind: 'passkey' });
    await context.clearCookies();
    await page.goto(`${t.issuer}/login`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const alert = page.locator('[data-passkey-error]');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.textContent()).toBe('this passkey is not registered here');
    expect(new URL(page.url()).pathname).toBe(`/t/${t.slug}/login`);
    await context.close();
  });
});
