/**
 * JWT access tokens (RFC 9068).
 * - §2.1: header `typ` is `at+jwt`; signed (never `none`); the kid names the tenant key.
 * - §2.2: iss, exp, aud, sub, client_id, iat, jti are required; scope (§2.2.3) when granted.
 * - §2.2: for grants without a resource owner (client_credentials), sub is the client id.
 */
import { signJwt } from '../../crypto/jwt.js';
import { randomToken, uniqueId } from '../../crypto/random.js';
import type { AccessRecord, KeyStore } from '../ports.js';
import { sha256Hex } from '../../crypto/secrets.js';

export interface AccessTokenInput {
  tenantId: string;
  issuer: string;
  subject: string;
  clientId: string;
  audience: string;
  scopes: readonly string[];
  ttlSeconds: number;
  now?: number;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
}

/** ES256: the cheapest strong signature for the hot path; verifiers find the key by kid. */
export const ACCESS_TOKEN_ALG = 'ES256' as const;

export async function issueAccessToken(keys: KeyStore, input: AccessTokenInput): Promise<IssuedAccessToken> {
  const iat = input.now ?? Math.floor(Date.now() / 1000);
  const jti = uniqueId();
  const signer = await keys.activeSigningKey(input.tenantId, ACCESS_TOKEN_ALG);
  const token = await signJwt({
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    client_id: input.clientId,
    scope: input.scopes.join(' '),
    iat,
    exp: iat + input.ttlSeconds,
    jti,
  }, signer, 'at+jwt');
  return { token, jti, expiresIn: input.ttlSeconds };
}

/**
 * Access tokens for user grants: an RFC 9068 JWT (jti recorded) or, per client, an opaque
 * reference token (only its SHA-256 recorded). Either way a record exists, so revocation and
 * introspection see it. `sub` is the account id (pairwise subjects are for ID tokens/userinfo).
 */
/** The caller persists `record` under `recordId` (GrantStore.saveIssued), with the rest of the response. */
export async function issueUserAccessToken(keys: KeyStore, input: AccessTokenInput & {
  format: 'jwt' | 'opaque'; familyId: string; extraClaims?: Record<string, unknown>;
  /** The claims parameter's userinfo member, kept with the record for the userinfo endpoint. */
  userinfoRequest?: Record<string, unknown>;
}): Promise<IssuedAccessToken & { recordId: string; record: Omit<AccessRecord, 'revoked'> }> {
  const iat = Math.floor(Date.now() / 1000);
  const record = {
    familyId: input.familyId, format: input.format, clientId: input.clientId, subject: input.subject,
    scopes: [...input.scopes], audience: input.audience,
    claims: input.userinfoRequest ? { userinfoRequest: input.userinfoRequest } : null, issuedAt: iat, expiresAt: iat + input.ttlSeconds,
  };
  if (input.format === 'opaque') {
    const token = randomToken(32);
    return { token, jti: '', expiresIn: input.ttlSeconds, recordId: sha256Hex(token), record };
  }
  const jti = uniqueId();
  const signer = await keys.activeSigningKey(input.tenantId, ACCESS_TOKEN_ALG);
  const reserved = new Set(['iss', 'sub', 'aud', 'client_id', 'scope', 'iat', 'exp', 'jti', 'nbf']);
  const extra = Object.fromEntries(Object.entries(input.extraClaims ?? {}).filter(([k]) => !reserved.has(k)));
  const token = await signJwt({
    ...extra, iss: input.issuer, sub: input.subject, aud: input.audience, client_id: input.clientId,
    scope: input.scopes.join(' '), iat, exp: iat + input.ttlSeconds, jti,
  }, signer, 'at+jwt');
  return { token, jti, expiresIn: input.ttlSeconds, recordId: jti, record };
}
