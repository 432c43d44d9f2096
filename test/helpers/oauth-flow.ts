import { inject } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { registerSecret } from './secrets.js';
import { uniqueSlug, type TestServer } from './server.js';

/** A tenant with its management token (every tenant scope) for setting up OAuth tests. */
export interface TestTenant {
  slug: string;
  issuer: string;
  token: string;
  managementClientId: string;
  managementClientSecret: string;
}

export async function createTenant(s: TestServer, slug = uniqueSlug('oidc')): Promise<TestTenant> {
  const r = await s.gql(`mutation($input: TenantCreateInput!) { tenantCreate(input: $input) { managementClient { clientId plaintextSecret } userErrors { message } } }`,
    { input: { slug, name: `Tenant ${slug}` } });
  const p = (r.data as { tenantCreate: { managementClient: { clientId: string; plaintextSecret: string } | null; userErrors: unknown[] } }).tenantCreate;
  if (!p.managementClient) throw new Error(`tenantCreate failed: ${JSON.stringify(p.userErrors)}`);
  registerSecret(inject('logDir'), p.managementClient.plaintextSecret);
  const token = await s.token({ tenant: slug, clientId: p.managementClient.clientId, clientSecret: p.managementClient.plaintextSecret });
  return { slug, issuer: `${s.publicUrl}/t/${slug}`, token, managementClientId: p.managementClient.clientId, managementClientSecret: p.managementClient.plaintextSecret };
}

export async function createUser(s: TestServer, t: TestTenant, input: { email: string; password?: string; name?: string; givenName?: string; familyName?: string; emailVerified?: boolean }): Promise<string> {
  const r = await s.gql(`mutation($input: UserCreateInput!) { userCreate(input: $input) { user { subject } userErrors { message code } } }`, { input }, { token: t.token });
  const p = (r.data as { userCreate: { user: { subject: string } | null; userErrors: unknown[] } }).userCreate;
  if (!p.user) throw new Error(`userCreate failed: ${JSON.stringify(p.userErrors ?? r.errors)}`);
  return p.user.subject;
}

export interface TestClient {
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
}

export async function createClient(s: TestServer, t: TestTenant, input: Record<string, unknown> = {}): Promise<TestClient> {
  const redirectUris = (input.redirectUris as string[] | undefined) ?? ['http://127.0.0.1:9/cb'];
  const r = await s.gql(`mutation($input: ClientCreateInput!) { clientCreate(input: $input) { client { clientId } plaintextSecret userErrors { message code field } } }`, {
    input: { name: 'Test App', grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'profile', 'email', 'offline_access'], ...input, redirectUris },
  }, { token: t.token });
  const p = (r.data as { clientCreate: { client: { clientId: string } | null; plaintextSecret: string | null; userErrors: unknown[] } } | undefined)?.clientCreate;
  if (!p?.client) throw new Error(`clientCreate failed: ${JSON.stringify(p?.userErrors ?? r.errors)}`);
  if (p.plaintextSecret) registerSecret(inject('logDir'), p.plaintextSecret);
  return { clientId: p.client.clientId, clientSecret: p.plaintextSecret, redirectUri: redirectUris[0]! };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A cookie-keeping HTTP client that follows Signet's redirects by hand and stops at the client. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const idx = pair!.indexOf('=');
      const name = pair!.slice(0, idx).trim();
      const value = pair!.slice(idx + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows 3xx redirects while they stay on `origin`; returns the last response and URL. */
  async follow(url: string, origin: string, init?: RequestInit): Promise<{ res: Response; url: string }> {
    let res = await this.fetch(url, init);
    let current = url;
    for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get('location')!, current).toString();
      if (!next.startsWith(origin)) return { res, url: next };
      current = next;
      res = await this.fetch(next);
    }
    return { res, url: current };
  }

  /** POSTs a hosted page's form (url-encoded `fields`) and follows the redirects, like `follow`. */
  submit(url: string, origin: string, fields: Record<string, string>): Promise<{ res: Response; url: string }> {
    return this.follow(url, origin, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  }
}

export function hidden(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden field ${name} in page`);
  return m[1]!.replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n)));
}

export function authorizeUrl(t: TestTenant, c: TestClient, params: Record<string, string>): string {
  const url = new URL(`${t.issuer}/oauth/authorize`);
  url.searchParams.set('client_id', c.clientId);
  url.searchParams.set('redirect_uri', c.redirectUri);
  url.searchParams.set('response_type', 'code');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * Runs authorize → hosted login (email/password form POST) → hosted consent (allow/deny) with
 * plain HTTP, and returns the URL the browser is finally sent to (the client's redirect_uri).
 */
export async function hostedFlow(s: TestServer, browser: TestBrowser, startUrl: string, login: { email: string; password: string } | null, decision: 'allow' | 'deny' | null = 'allow'): Promise<URL> {
  let step = await browser.follow(startUrl, s.publicUrl);
  if (step.url.includes('/login?') && login) {
    const html = await step.res.text();
    const form = new URLSearchParams({ login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), email: login.email, password: login.password, remember: '1' });
    step = await browser.follow(step.url.split('?')[0]!, s.publicUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  }
  if (step.url.includes('/consent?') && decision) {
    const html = await step.res.text();
    const form = new URLSearchParams({ consent_challenge: hidden(html, 'consent_challenge'), csrf_token: hidden(html, 'csrf_token'), decision, remember: '1' });
    step = await browser.follow(step.url.split('?')[0]!, s.publicUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  }
  return new URL(step.url);
}

/** Token request with client_secret_basic (or none for public clients). */
export async function tokenCall(t: TestTenant, c: TestClient, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(params);
  if (c.clientSecret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;
  else body.set('client_id', c.clientId);
  const res = await fetch(`${t.issuer}/oauth/token`, { method: 'POST', headers, body });
  const json = (await res.json()) as Record<string, unknown>;
  for (const k of ['access_token', 'refresh_token', 'id_token']) if (typeof json[k] === 'string') registerSecret(inject('logDir'), json[k] as string);
  return { status: res.status, body: json, headers: res.headers };
}
