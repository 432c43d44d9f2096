/**
 * client_credentials grant.
 * - RFC 6749 §4.4: only confidential clients; the client authenticates (§4.4.2, §3.2.1).
 * - RFC 6749 §4.4.3: no refresh token is issued.
 * - RFC 6749 §5.1: token_type, expires_in, scope in the response.
 */
import { UnauthorizedClient } from '../errors.js';
import type { ClientRecord, ProtocolPorts, ProtocolSettings } from '../ports.js';
import type { OAuthRequest } from '../request.js';
import { issueAccessToken } from '../tokens/access-token.js';
import { checkResource } from './check-resource.js';
import { checkScope } from './check-scope.js';

export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export async function clientCredentialsGrant(
  req: OAuthRequest, client: ClientRecord, ports: ProtocolPorts, settings: ProtocolSettings,
): Promise<TokenResponseBody> {
  if (!client.confidential) throw new UnauthorizedClient('public clients cannot use the client_credentials grant');
  const scopes = checkScope(req, client);
  const audience = checkResource(req, client, settings);
  const ttl = client.accessTokenTtl ?? settings.accessTokenTtlSeconds;
  const at = await issueAccessToken(ports.keys, {
    tenantId: client.tenantId, issuer: req.issuer, subject: client.clientId, clientId: client.clientId,
    audience, scopes, ttlSeconds: ttl,
  });
  return { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn, scope: scopes.join(' ') };
}
