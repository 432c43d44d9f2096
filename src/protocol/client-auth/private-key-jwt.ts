/**
 * private_key_jwt (OIDC Core §9, RFC 7523 §2.2/§3).
 * - client_assertion_type is urn:ietf:params:oauth:client-assertion-type:jwt-bearer.
 * - iss and sub are the client_id; aud names this server (token endpoint URL or issuer); exp is
 *   required and in the future; jti is required and may not be used twice before it expires.
 * - The signature verifies with one of the client's registered public keys (jwks, or the set
 *   published at jwks_uri — fetched once more when the kid is unknown, for key rollover).
 */
import { JwtInvalid, peekJwtPayload, verifyJwtWithJwks } from '../../crypto/jwt.js';
import { sha256Hex } from '../../crypto/secrets.js';
import type { JWK } from '../../crypto/keys.js';
import { InvalidClient, InvalidRequest } from '../errors.js';
import { param } from '../params.js';
import type { ClientRecord, ClientStore, GrantStore, ProtocolPorts } from '../ports.js';
import type { OAuthRequest } from '../request.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function authenticatePrivateKeyJwt(req: OAuthRequest, clients: ClientStore, grants: GrantStore, remoteJwks?: ProtocolPorts['remoteJwks']): Promise<ClientRecord> {
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
  if (!client || client.disabled || client.tokenEndpointAuthMethod !== 'private_key_jwt' || (!client.jwks?.keys.length && !(client.jwksUri && remoteJwks))) {
    throw new InvalidClient('client authentication failed');
  }
  const verify = (jwks: { keys: JWK[] }) => verifyJwtWithJwks(assertion, jwks, {
    issuer: clientId, audience: [`${req.issuer}/oauth/token`, req.issuer],
    algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], requireClaims: ['exp', 'jti'],
  });
  let payload;
  try {
    if (client.jwks?.keys.length) payload = await verify(client.jwks);
    else {
      let keys: { keys: JWK[] };
      try {
        keys = await remoteJwks!(req.tenant.tenantId, client.jwksUri!);
      } catch {
        throw new InvalidClient('the client\'s jwks_uri could not be fetched');
      }
      try {
        payload = await verify(keys);
      } catch (err) {
        if (!(err instanceof JwtInvalid)) throw err;
        // Key rollover: the kid may be newer than our cached copy; fetch once more.
        payload = await verify(await remoteJwks!(req.tenant.tenantId, client.jwksUri!, true));
      }
    }
  } catch (err) {
    if (err instanceof JwtInvalid) throw new InvalidClient(`client_assertion is invalid: ${err.reason}`);
    throw err;
  }
  if (payload.sub !== clientId) throw new InvalidClient('client_assertion sub must be the client_id');
  const fresh = await grants.rememberAssertion(req.tenant.tenantId, sha256Hex(`${clientId}:${String(payload.jti)}`), payload.exp!);
  if (!fresh) throw new InvalidClient('client_assertion jti has already been used');
  return client;
}
