/**
 * Helpers shared by the protocol test suites: raw token requests (so tests control every header
 * and parameter), HTTP Basic encoding per RFC 6749 §2.3.1, and tenants/clients to test against.
 * Every secret or token obtained here is registered for the log-leak check.
 */
import { inject } from 'vitest';
import { expect } from 'vitest';
import { tenantEm } from '../../../src/db/tenant-em.js';
import { registerSecret } from '../../helpers/secrets.js';
import { uniqueSlug, type TestServer } from '../../helpers/server.js';

/** RFC 6749 §2.3.1: form-urlencode id and secret, then base64 "id:secret". */
export function basic(clientId: string, secret: string): string {
  const form = (v: string) => new URLSearchParams({ v }).toString().slice(2);
  return `Basic ${Buffer.from(`${form(clientId)}:${form(secret)}`).toString('base64')}`;
}

export function rootBasic(): string {
  return basic(inject('rootClientId'), inject('rootClientSecret'));
}

export interface TokenCall {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * POSTs to `${url}/t/{tenant}/oauth/token`. `body` may be a URLSearchParams (to repeat
 * parameters) or a record; headers default to a form content type. A returned access_token
 * is registered as a secret.
 */
export async function tokenRequest(
  s: TestServer,
  body: URLSearchParams | Record<string, string> | string,
  opts: { tenant?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<TokenCall> {
  const method = opts.method ?? 'POST';
  const res = await fetch(`${s.url}/t/${opts.tenant ?? 'system'}/oauth/token`, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : new URLSearchParams(body).toString(),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (typeof json.access_token === 'string') registerSecret(inject('logDir'), json.access_token);
  return { status: res.status, headers: res.headers, body: json };
}

/** A root-client token request with Basic authentication. */
export function rootTokenRequest(s: TestServer, body: URLSearchParams | Record<string, string> = { grant_type: 'client_credentials' }, headers: Record<string, string> = {}) {
  return tokenRequest(s, body, { headers: { authorization: rootBasic(), ...headers } });
}

/** Asserts an RFC 6749 §5.2 error response: status, error, exact description, no-store headers. */
export function expectOAuthError(r: TokenCall, status: number, error: string, description: string): void {
  expect(r.body).toEqual({ error, error_description: description });
  expect(r.status).toBe(status);
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(r.headers.get('pragma')).toBe('no-cache');
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
}

export interface TenantWithClient {
  slug: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** A new tenant (through the graph, as the root client) with its management client. */
export async function createTenant(s: TestServer, slug = uniqueSlug('proto')): Promise<TenantWithClient> {
  const r = await s.gql<{ tenantCreate: { tenant: { slug: string; issuer: string } | null; managementClient: { clientId: string; plaintextSecret: string } | null; userErrors: unknown[] } }, never>(
    `mutation { tenantCreate(input: { slug: ${JSON.stringify(slug)}, name: "Protocol test tenant" }) {
      tenant { slug issuer } managementClient { clientId plaintextSecret } userErrors { message } } }`,
  );
  expect(r.errors).toBeUndefined();
  const p = r.data!.tenantCreate;
  expect(p.userErrors).toEqual([]);
  registerSecret(inject('logDir'), p.managementClient!.plaintextSecret);
  return { slug: p.tenant!.slug, issuer: p.tenant!.issuer, clientId: p.managementClient!.clientId, clientSecret: p.managementClient!.plaintextSecret };
}

/**
 * Registers a management client directly through the client service (the graph has no client
 * mutations yet), optionally with another token_endpoint_auth_method.
 */
export async function createClient(
  s: TestServer,
  opts: {
    clientId: string; secret: string; tenantId?: string; method?: 'client_secret_basic' | 'client_secret_post'; scopes?: string[];
    grantTypes?: string[]; disabled?: boolean; accessTokenTtl?: number;
  },
): Promise<void> {
  const c = s.server.container;
  const tenantId = opts.tenantId ?? c.system.systemTenantId;
  const em = tenantEm(c.orm, tenantId);
  const created = await c.services.clients.createManagementClient(em, {
    tenantId, name: `protocol test ${opts.clientId}`, scopes: opts.scopes ?? ['tenant:read', 'clients:read'],
    clientId: opts.clientId, secret: opts.secret,
  });
  if (opts.method) created.client.tokenEndpointAuthMethod = opts.method;
  if (opts.grantTypes) created.client.grantTypes = opts.grantTypes;
  if (opts.disabled !== undefined) created.client.disabled = opts.disabled;
  if (opts.accessTokenTtl !== undefined) created.client.accessTokenTtl = opts.accessTokenTtl;
  await em.flush();
  registerSecret(inject('logDir'), opts.secret);
}
