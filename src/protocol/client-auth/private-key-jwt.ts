/**
 * private_key_jwt (OIDC Core §9, RFC 7523 §2.2/§3).
 * - client_assertion_type is urn:ietf:params:oauth:client-assertion-type:jwt-bearer.
 * - iss and sub are the client_id; aud names this server (token endpoint URL or issuer); exp is
 *   required and in the future; jti is required and may not be used twice before it expires.
 * - The signature verifies with one of the client's registered public keys (jwks).
 */
import { JwtInvalid, peekJwtPayload, verifyJwtWithJwks } from '../../crypto/jwt.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { InvalidClient, InvalidRequest } from '../errors.js';
import { param } from '../params.js';
import type { ClientRecord, ClientStore, GrantStore } from '../ports.js';
import type { OAuthRequest } from '../request.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function authenticatePrivateKeyJwt(req: OAuthRequest, clients: ClientStore, grants: GrantStore): Promise<ClientRecord> {
  const type = param(req, 'client_assertion_type');
  const assertion = param(req, 'client_assertion')!;
  if (type !== JWT_BEARER_ASSERTION) throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
  let claims;
  try {
    claims = peekJwtPayload(assertion);
  } catch {
    throw new InvalidClient('client_assertion is not a JWT');
  }
  const clientId = typeof claims.sub === 'string' ? claims.sub : undefined;
  const bodyId = param(req, 'client_id');
  if (!clientId || (bodyId !== undefined && bodyId !== clientId)) throw new InvalidClient('client_assertion sub must be the client_id');
  const client = await clients.find(req.tenant.tenantId, clientId);
  if (!client || client.disabled || client.tokenEndpointAuthMethod !== 'private_key_jwt' || !client.jwks?.keys.length) {
    throw new InvalidClient('client authentication failed');
  }
  let payload;
  try {
    payload = await verifyJwtWithJwks(assertion, client.jwks, {
      issuer: clientId, audience: [`${req.issuer}/oauth/token`, req.issuer],
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], requireClaims: ['exp', 'jti'],
    });
  } catch (err) {
    if (err instanceof JwtInvalid) throw new InvalidClient(`client_assertion is invalid: ${err.reason}`);
    throw err;
  }
  if (payload.sub !== clientId) throw new InvalidClient('client_assertion sub must be the client_id');
  const fresh = await grants.rememberAssertion(req.tenant.tenantId, sha256Hex(`${clientId}:${String(payload.jti)}`), payload.exp!);
  if (!fresh) throw new InvalidClient('client_assertion jti has already been used');
  return client;
}
