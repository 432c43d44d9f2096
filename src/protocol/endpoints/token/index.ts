/**
 * Token endpoint (RFC 6749 §3.2), an ordered pipeline:
 *   1. request format (POST, form body)       check-request-format.ts
 *   2. grant_type present and supported       check-grant-type.ts
 *   3. client authentication                  client-auth/
 *   4. client registered for the grant        check-grant-type.ts
 *   5. the grant itself                       grants/
 * Responses carry Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1).
 */
import { clientCredentialsGrant } from '../../grants/client-credentials.js';
import { authorizationCodeGrant } from '../../grants/authorization-code.js';
import { refreshTokenGrant } from '../../grants/refresh-token.js';
import { authenticateClient } from '../../client-auth/index.js';
import type { ProtocolPorts, ProtocolSettings } from '../../ports.js';
import type { OAuthRequest, OAuthResponse } from '../../request.js';
import { checkClientGrant, checkGrantType } from './check-grant-type.js';
import { checkRequestFormat } from './check-request-format.js';
import { errorResponse, NO_STORE } from '../../respond.js';

const GRANTS = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
} as const;

export async function tokenEndpoint(req: OAuthRequest, ports: ProtocolPorts, settings: ProtocolSettings): Promise<OAuthResponse> {
  try {
    checkRequestFormat(req);
    const grantType = checkGrantType(req);
    const client = await authenticateClient(req, ports.clients, ports.grants, ports.remoteJwks);
    checkClientGrant(client, grantType);
    const body = await GRANTS[grantType](req, client, ports, settings);
    return { status: 200, headers: { ...NO_STORE, 'content-type': 'application/json; charset=utf-8' }, body };
  } catch (err) {
    return errorResponse(err);
  }
}
