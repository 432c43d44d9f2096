/**
 * ID Token (OIDC Core §2, §3.1.3.6).
 * - iss, sub, aud (the client), exp, iat, auth_time, nonce (when sent), acr, amr, azp, sid.
 * - at_hash: left half of the hash of the access token, with the hash of the signing alg
 *   (SHA-256 for RS256/PS256/ES256, SHA-512 for EdDSA/Ed25519), base64url.
 * - Claims requested with the claims parameter's `id_token` member, and session claims the
 *   consent granted.
 * - Signed with the client's id_token_signed_response_alg (RS256 by default).
 */
import { signJwt } from '../../crypto/jwt.js';
import { leftHalfHash } from '../../crypto/hashes.js';
import type { ClientRecord, GrantSnapshot, ProtocolPorts } from '../ports.js';
import { claimsFor } from './claims.js';
import { subjectFor } from './subject.js';

export async function issueIdToken(ports: ProtocolPorts, input: {
  tenantId: string; issuer: string; client: ClientRecord; grant: GrantSnapshot; accessToken: string; ttlSeconds: number;
  accountClaims: Record<string, unknown>;
}): Promise<string> {
  const { client, grant } = input;
  const alg = client.idTokenSignedResponseAlg;
  const signer = await ports.keys.activeSigningKey(input.tenantId, alg);
  const iat = Math.floor(Date.now() / 1000);
  const requested = (grant.claims as { id_token?: Record<string, unknown> } | null)?.id_token;
  const claims: Record<string, unknown> = {
    ...claimsFor(input.accountClaims, [], requested as never),
    ...(grant.sessionClaims?.id_token ?? {}),
    iss: input.issuer,
    sub: subjectFor(ports, input.tenantId, client, grant.subject),
    aud: client.clientId,
    azp: client.clientId,
    iat,
    exp: iat + input.ttlSeconds,
    at_hash: leftHalfHash(input.accessToken, alg),
  };
  if (grant.authTime !== null) claims.auth_time = grant.authTime;
  if (grant.nonce) claims.nonce = grant.nonce;
  if (grant.acr) claims.acr = grant.acr;
  if (grant.amr?.length) claims.amr = grant.amr;
  if (grant.sid) claims.sid = grant.sid;
  return signJwt(claims, signer, 'JWT');
}
