import { ClientError, ClientErrorCode } from './client.errors.js';
import { hasControlChars } from '../../shared/text.js';

/**
 * Validation of OAuth client metadata (RFC 7591 §2, OIDC Registration §2, RFC 8252, RFC 9700):
 * every field checked into a ClientError naming the field.
 */
export interface ApplicationClientInput {
  name: string;
  confidential?: boolean | null;
  applicationType?: 'web' | 'native' | null;
  redirectUris?: string[] | null;
  postLogoutRedirectUris?: string[] | null;
  allowedCorsOrigins?: string[] | null;
  grantTypes?: string[] | null;
  scopes?: string[] | null;
  audiences?: string[] | null;
  tokenEndpointAuthMethod?: string | null;
  jwks?: { keys: Record<string, unknown>[] } | null;
  jwksUri?: string | null;
  skipConsent?: boolean | null;
  enforcePkce?: boolean | null;
  subjectType?: 'public' | 'pairwise' | null;
  idTokenSignedResponseAlg?: string | null;
  accessTokenFormat?: 'jwt' | 'opaque' | null;
  backchannelLogoutUri?: string | null;
  accessTokenTtl?: number | null;
  /** Refresh token lifetimes: absolute (family) and idle, in seconds. */
  refreshTokenTtl?: number | null;
  refreshTokenIdleTtl?: number | null;
}

export interface ValidatedClient {
  name: string;
  confidential: boolean;
  applicationType: 'web' | 'native';
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedCorsOrigins: string[];
  grantTypes: string[];
  responseTypes: string[];
  scopes: string[];
  audiences: string[];
  tokenEndpointAuthMethod: string;
  jwks: { keys: Record<string, unknown>[] } | null;
  jwksUri: string | null;
  skipConsent: boolean;
  enforcePkce: boolean;
  subjectType: 'public' | 'pairwise';
  sectorIdentifier: string | null;
  idTokenSignedResponseAlg: string;
  accessTokenFormat: 'jwt' | 'opaque';
  backchannelLogoutUri: string | null;
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
  refreshTokenIdleTtl: number | null;
}

const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'];
const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const fail = (code: ClientErrorCode, message: string, field: string) => new ClientError(code, message, ['input', field]);

function checkUri(raw: string, o: { native: boolean; allowLoopbackHttp: boolean; code: ClientErrorCode; field: string; allowCustomScheme?: boolean }): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw fail(o.code, `${o.field} must contain absolute URIs`, o.field);
  }
  if (raw.includes('#') || u.hash) throw fail(o.code, `${o.field} must not contain fragments`, o.field);
  if (hasControlChars(raw) || raw.length > 2000) throw fail(o.code, `${o.field} contains an invalid URI`, o.field);
  if (u.protocol === 'https:') return raw;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname) && (o.native || o.allowLoopbackHttp)) return raw;
  if (o.allowCustomScheme && o.native && !['http:', 'https:', 'javascript:', 'data:', 'file:'].includes(u.protocol) && u.protocol.includes('.')) return raw;
  throw fail(o.code, `${o.field} must use https (http only on a loopback address for native clients)`, o.field);
}

export function validateApplicationClient(input: ApplicationClientInput, opts: { production: boolean; managementAudience?: string }): ValidatedClient {
  const name = (input.name ?? '').trim();
  if (!name || name.length > 200 || hasControlChars(name)) throw fail(ClientErrorCode.NAME_INVALID, 'name must be 1-200 characters without control characters', 'name');
  const confidential = input.confidential ?? true;
  const applicationType = input.applicationType ?? 'web';
  const native = applicationType === 'native';
  const allowLoopbackHttp = !opts.production;
  const grantTypes = [...new Set(input.grantTypes ?? ['authorization_code'])];
  const unknown = grantTypes.filter((g) => !GRANTS.includes(g));
  if (!grantTypes.length || unknown.length) throw fail(ClientErrorCode.GRANT_TYPES_INVALID, `grantTypes must be a non-empty subset of ${GRANTS.join(', ')}`, 'grantTypes');
  if (grantTypes.includes('client_credentials') && !confidential) throw fail(ClientErrorCode.GRANT_TYPES_INVALID, 'public clients cannot use client_credentials', 'grantTypes');
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) throw fail(ClientErrorCode.GRANT_TYPES_INVALID, 'refresh_token requires authorization_code', 'grantTypes');
  const redirectUris = (input.redirectUris ?? []).map((u) => checkUri(u, { native, allowLoopbackHttp, code: ClientErrorCode.REDIRECT_URI_INVALID, field: 'redirectUris', allowCustomScheme: true }));
  if (grantTypes.includes('authorization_code') && !redirectUris.length) throw fail(ClientErrorCode.REDIRECT_URI_INVALID, 'authorization_code clients need at least one redirect URI', 'redirectUris');
  const postLogoutRedirectUris = (input.postLogoutRedirectUris ?? []).map((u) => checkUri(u, { native, allowLoopbackHttp, code: ClientErrorCode.POST_LOGOUT_REDIRECT_URI_INVALID, field: 'postLogoutRedirectUris', allowCustomScheme: true }));
  const allowedCorsOrigins = [...new Set(input.allowedCorsOrigins ?? [])].map((o) => {
    let u: URL | undefined;
    try { u = new URL(o); } catch { u = undefined; }
    const loopback = u && u.protocol === 'http:' && LOOPBACK.has(u.hostname) && allowLoopbackHttp;
    if (!u || u.origin !== o || (u.protocol !== 'https:' && !loopback)) {
      throw fail(ClientErrorCode.CORS_ORIGIN_INVALID, 'allowedCorsOrigins must be origins (https://host[:port], no path; http only on loopback outside production)', 'allowedCorsOrigins');
    }
    return o;
  });
  const scopes = [...new Set(input.scopes ?? ['openid'])];
  if (scopes.some((s) => !/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/.test(s))) throw fail(ClientErrorCode.SCOPE_INVALID, 'scopes must be NQCHAR strings (RFC 6749 §3.3)', 'scopes');
  const audiences = (input.audiences ?? []).map((a) => {
    try {
      const u = new URL(a);
      if (u.hash || a.includes('#')) throw new Error('fragment');
      return a;
    } catch {
      throw fail(ClientErrorCode.AUDIENCE_INVALID, 'audiences must be absolute URIs without fragments (RFC 8707)', 'audiences');
    }
  });
  // The management API may be an application's audience (a console for tenant administrators):
  // user tokens for it carry only the management scopes the user holds through roles
  // (protocol/grants/issue-tokens.ts); client_credentials is reserved to management clients.
  if (opts.managementAudience && audiences.includes(opts.managementAudience) && grantTypes.includes('client_credentials')) {
    throw fail(ClientErrorCode.AUDIENCE_INVALID, 'client_credentials clients cannot use the management API audience; create a management client', 'audiences');
  }
  let method = input.tokenEndpointAuthMethod ?? (confidential ? 'client_secret_basic' : 'none');
  if (!confidential && method !== 'none') throw fail(ClientErrorCode.AUTH_METHOD_INVALID, 'public clients authenticate with none', 'tokenEndpointAuthMethod');
  if (confidential && !['client_secret_basic', 'client_secret_post', 'private_key_jwt'].includes(method)) {
    throw fail(ClientErrorCode.AUTH_METHOD_INVALID, 'confidential clients use client_secret_basic, client_secret_post or private_key_jwt', 'tokenEndpointAuthMethod');
  }
  let jwks: ValidatedClient['jwks'] = null;
  if (input.jwks != null) {
    const keys = input.jwks.keys;
    if (!Array.isArray(keys) || !keys.length || keys.length > 10 || keys.some((k) => !k || typeof k !== 'object' || typeof k.kty !== 'string' || 'd' in k)) {
      throw fail(ClientErrorCode.JWKS_INVALID, 'jwks must hold 1-10 public JWKs (no private members)', 'jwks');
    }
    jwks = { keys };
  }
  const jwksUri = input.jwksUri
    ? checkUri(input.jwksUri, { native: false, allowLoopbackHttp, code: ClientErrorCode.JWKS_INVALID, field: 'jwksUri' })
    : null;
  if (jwks && jwksUri) throw fail(ClientErrorCode.JWKS_INVALID, 'jwks and jwksUri are mutually exclusive (RFC 7591 §2)', 'jwksUri');
  if (method === 'private_key_jwt' && !jwks && !jwksUri) throw fail(ClientErrorCode.JWKS_INVALID, 'private_key_jwt needs jwks or jwksUri', 'jwks');
  method = String(method);
  const subjectType = input.subjectType ?? 'public';
  let sectorIdentifier: string | null = null;
  if (subjectType === 'pairwise') {
    const hosts = new Set(redirectUris.map((u) => new URL(u).host));
    if (hosts.size > 1) throw fail(ClientErrorCode.SUBJECT_TYPE_INVALID, 'pairwise clients with redirect URIs on several hosts need a sector identifier', 'subjectType');
    sectorIdentifier = [...hosts][0] ?? null;
  }
  const alg = input.idTokenSignedResponseAlg ?? 'RS256';
  if (!ALGS.includes(alg)) throw fail(ClientErrorCode.AUTH_METHOD_INVALID, `idTokenSignedResponseAlg must be one of ${ALGS.join(', ')}`, 'idTokenSignedResponseAlg');
  const backchannelLogoutUri = input.backchannelLogoutUri
    ? checkUri(input.backchannelLogoutUri, { native: false, allowLoopbackHttp, code: ClientErrorCode.BACKCHANNEL_LOGOUT_URI_INVALID, field: 'backchannelLogoutUri' })
    : null;
  const ttl = input.accessTokenTtl ?? null;
  if (ttl !== null && (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400)) throw fail(ClientErrorCode.TTL_INVALID, 'accessTokenTtl must be 60-86400 seconds', 'accessTokenTtl');
  const refreshTtl = input.refreshTokenTtl ?? null;
  const refreshIdle = input.refreshTokenIdleTtl ?? null;
  for (const [v, field] of [[refreshTtl, 'refreshTokenTtl'], [refreshIdle, 'refreshTokenIdleTtl']] as const) {
    if (v !== null && (!Number.isInteger(v) || v < 300 || v > 31_536_000)) throw fail(ClientErrorCode.TTL_INVALID, `${field} must be 300-31536000 seconds`, field);
  }
  if (refreshTtl !== null && refreshIdle !== null && refreshIdle > refreshTtl) throw fail(ClientErrorCode.TTL_INVALID, 'refreshTokenIdleTtl must not exceed refreshTokenTtl', 'refreshTokenIdleTtl');
  return {
    name, confidential, applicationType, redirectUris, postLogoutRedirectUris, allowedCorsOrigins, grantTypes,
    responseTypes: grantTypes.includes('authorization_code') ? ['code'] : [], scopes, audiences, tokenEndpointAuthMethod: method, jwks, jwksUri,
    skipConsent: input.skipConsent ?? false, enforcePkce: confidential ? input.enforcePkce ?? true : true, subjectType, sectorIdentifier,
    idTokenSignedResponseAlg: alg, accessTokenFormat: input.accessTokenFormat ?? 'jwt', backchannelLogoutUri, accessTokenTtl: ttl, refreshTokenTtl: refreshTtl, refreshTokenIdleTtl: refreshIdle,
  };
}
