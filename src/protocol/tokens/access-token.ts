/**
 * JWT access tokens (RFC 9068).
 * - §2.1: header `typ` is `at+jwt`; signed (never `none`); the kid names the tenant key.
 * - §2.2: iss, exp, aud, sub, client_id, iat, jti are required; scope (§2.2.3) when granted.
 * - §2.2: for grants without a resource owner (client_credentials), sub is the client id.
 */
import { signJwt } from '../../crypto/jwt.js';
import { randomToken } from '../../crypto/random.js';
import type { KeyStore } from '../ports.js';

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
  const jti = randomToken(16);
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
