/**
 * Assertions and small flows shared by the protocol suites (test/integration/protocol/<spec>/):
 * - error pages (RFC 6749 §4.1.2.1: never redirected), error redirects (with state and RFC 9207 iss),
 *   token-endpoint JSON errors (RFC 6749 §5.2);
 * - an authorization run through the hosted pages that reports which pages it saw and lets the
 *   caller choose whether login and consent are remembered;
 * - introspection, revocation, userinfo calls and JWT verification against the tenant JWKS.
 * Every token obtained here is registered for the log-leak check.
 */
import { createHash } from 'node:crypto';
import { expect, inject } from 'vitest';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { hidden, pkce, tokenCall, type TestBrowser, type TestClient, type TestTenant } from './oauth-flow.js';
import { registerSecret } from './secrets.js';
import type { TestServer } from './server.js';

export const PASSWORD = 'correct horse battery staple';

/** The escaping of src/shared/html.ts `h`, to find a description in a rendered page. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An error rendered on Signet's own page: the status, no redirect, `<strong>error</strong>: description`. */
export async function expectErrorPage(res: Response, status: number, error: string, description: string): Promise<string> {
  const html = await res.text();
  expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status, location: null });
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(html).toContain(`<strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}`);
  return html;
}

/**
 * An authorization error sent to the client (RFC 6749 §4.1.2.1): 303 to the redirect URI with
 * exactly error, error_description, iss (RFC 9207) and state when it was sent.
 */
export function expectErrorRedirect(res: Response, o: { redirectUri: string; issuer: string; error: string; description: string; state?: string }): URL {
  expect(res.status).toBe(303);
  const loc = new URL(res.headers.get('location')!);
  expect(loc.origin + loc.pathname).toBe(o.redirectUri);
  expect(Object.fromEntries(loc.searchParams)).toEqual({
    error: o.error, error_description: o.description, iss: o.issuer, ...(o.state !== undefined ? { state: o.state } : {}),
  });
  return loc;
}

/** RFC 6749 §5.2 error JSON with no-store. */
export function expectTokenError(r: { status: number; body: unknown; headers: Headers }, status: number, error: string, description: string): void {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { error, error_description: description } });
  expect(r.headers.get('cache-control')).toBe('no-store');
}

export interface AuthorizeRun {
  /** The client's redirect URI the browser was finally sent to (undefined for a form_post page). */
  callback?: URL;
  /** The last response (a form_post page or an error page when no redirect happened). */
  last: Response;
  lastUrl: string;
  sawLogin: boolean;
  sawConsent: boolean;
  verifier: string;
  /** HTML of the consent page, when it was shown. */
  consentHtml?: string;
}

/**
 * authorize → hosted login → hosted consent, stopping at the client. PKCE (S256) is added unless
 * `params.code_challenge` is given or `pkce: false`.
 */
export async function runAuthorize(s: TestServer, t: TestTenant, c: TestClient, b: TestBrowser, o: {
  user?: { email: string; password: string } | null; params?: Record<string, string>; pkce?: boolean;
  rememberLogin?: boolean; rememberConsent?: boolean; decision?: 'allow' | 'deny'; redirectUri?: string;
} = {}): Promise<AuthorizeRun> {
  const p = pkce();
  const url = new URL(`${t.issuer}/oauth/authorize`);
  url.searchParams.set('client_id', c.clientId);
  url.searchParams.set('redirect_uri', o.redirectUri ?? c.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid');
  if (o.pkce !== false) {
    url.searchParams.set('code_challenge', p.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(o.params ?? {})) url.searchParams.set(k, v);
  const run: AuthorizeRun = { last: undefined as never, lastUrl: '', sawLogin: false, sawConsent: false, verifier: p.verifier };
  let step = await b.follow(url.toString(), s.publicUrl);
  if (step.url.startsWith(`${t.issuer}/login?`)) {
    run.sawLogin = true;
    if (o.user) {
      const html = await step.res.text();
      const form = new URLSearchParams({ login_challenge: hidden(html, 'login_challenge'), csrf_token: hidden(html, 'csrf_token'), email: o.user.email, password: o.user.password });
      if (o.rememberLogin !== false) form.set('remember', '1');
      step = await b.follow(`${t.issuer}/login`, s.publicUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    }
  }
  if (step.url.startsWith(`${t.issuer}/consent?`)) {
    run.sawConsent = true;
    const html = await step.res.text();
    run.consentHtml = html;
    if (o.decision !== undefined || o.user !== undefined) {
      const form = new URLSearchParams({ consent_challenge: hidden(html, 'consent_challenge'), csrf_token: hidden(html, 'csrf_token'), decision: o.decision ?? 'allow' });
      if (o.rememberConsent !== false) form.set('remember', '1');
      step = await b.follow(`${t.issuer}/consent`, s.publicUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    }
  }
  run.last = step.res;
  run.lastUrl = step.url;
  if (!step.url.startsWith(s.publicUrl)) run.callback = new URL(step.url);
  return run;
}

/** The code from a successful run (asserting iss and state on the way). */
export function codeOf(run: AuthorizeRun, t: TestTenant, state?: string): string {
  expect(run.callback, `expected a redirect to the client, ended at ${run.lastUrl} (${run.last.status})`).toBeDefined();
  const cb = run.callback!;
  expect(cb.searchParams.get('error')).toBeNull();
  expect(cb.searchParams.get('iss')).toBe(t.issuer);
  if (state !== undefined) expect(cb.searchParams.get('state')).toBe(state);
  const code = cb.searchParams.get('code');
  expect(code).toBeTruthy();
  registerSecret(inject('logDir'), code!);
  return code!;
}

export interface Tokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope: string;
  expires_in: number;
  token_type: string;
}

/** Redeems a code (client_secret_basic, or client_id only for public clients); expects 200. */
export async function redeem(t: TestTenant, c: TestClient, code: string, verifier: string | undefined, redirectUri = c.redirectUri): Promise<Tokens> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
  if (verifier !== undefined) params.code_verifier = verifier;
  const r = await tokenCall(t, c, params);
  expect(r.body.error, JSON.stringify(r.body)).toBeUndefined();
  expect(r.status).toBe(200);
  return r.body as unknown as Tokens;
}

/** A whole login for `user` at `c`: authorize (PKCE), hosted pages, code exchange. */
export async function loginAndRedeem(s: TestServer, t: TestTenant, c: TestClient, b: TestBrowser, user: { email: string; password: string }, params: Record<string, string> = {}): Promise<Tokens & { run: AuthorizeRun }> {
  const run = await runAuthorize(s, t, c, b, { user, params });
  const code = codeOf(run, t);
  return { ...(await redeem(t, c, code, run.verifier)), run };
}

function clientAuth(c: TestClient, body: URLSearchParams): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (c.clientSecret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;
  else body.set('client_id', c.clientId);
  return headers;
}

/** RFC 7662 introspection authenticated as `c` (or with no authentication when c is null). */
export async function introspect(t: TestTenant, c: TestClient | null, token: string, hint?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const body = new URLSearchParams({ token });
  if (hint) body.set('token_type_hint', hint);
  const headers = c ? clientAuth(c, body) : { 'content-type': 'application/x-www-form-urlencoded' };
  const res = await fetch(`${t.issuer}/oauth/introspect`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** RFC 7009 revocation authenticated as `c`. */
export async function revoke(t: TestTenant, c: TestClient, token: string, hint?: string): Promise<{ status: number; text: string; headers: Headers }> {
  const body = new URLSearchParams({ token });
  if (hint) body.set('token_type_hint', hint);
  const res = await fetch(`${t.issuer}/oauth/revoke`, { method: 'POST', headers: clientAuth(c, body), body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export async function userinfo(t: TestTenant, accessToken: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${t.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

export async function jwksOf(issuer: string): Promise<JSONWebKeySet> {
  const res = await fetch(`${issuer}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

/** Verifies a JWT with the issuer's published JWKS (signature, iss; audience when given). */
export async function verifyWithJwks(issuer: string, jwt: string, o: { audience?: string; typ?: string; jwks?: JSONWebKeySet } = {}): Promise<{ payload: JWTPayload & Record<string, unknown>; protectedHeader: ProtectedHeaderParameters }> {
  const set = createLocalJWKSet(o.jwks ?? (await jwksOf(issuer)));
  const r = await jwtVerify(jwt, set, { issuer, audience: o.audience, typ: o.typ });
  return { payload: r.payload as JWTPayload & Record<string, unknown>, protectedHeader: r.protectedHeader };
}

/** OIDC Core §3.1.3.6 at_hash: left half of the hash (SHA-256, or SHA-512 for EdDSA/Ed25519), base64url. */
export function atHash(accessToken: string, alg = 'RS256'): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Audit events of the tenant of `token` (needs audit:read), newest first. */
export async function auditEvents(s: TestServer, token: string, types: string[]): Promise<{ type: string; payload: Record<string, unknown>; targetId: string | null; actor: { kind: string; clientId: string | null } }[]> {
  const r = await s.gql(`query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) { nodes { type payload targetId actor { kind clientId } } } }`,
    { filter: { types } }, { token });
  expect(r.errors).toBeUndefined();
  return (r.data as { auditEvents: { nodes: never[] } }).auditEvents.nodes;
}

/** The Set-Cookie line for `name` (attributes included), or undefined. */
export function setCookieLine(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}
