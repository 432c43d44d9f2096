/**
 * Token introspection (RFC 7662).
 * - §2.1: POST, form-encoded `token` (and optional `token_type_hint`); the caller authenticates
 *   as a client of this tenant (§2.1: "the endpoint MUST require some form of authorization").
 * - §2.2: `{"active": false}` and nothing else for a token that is unknown, expired, revoked,
 *   of another tenant, or malformed; otherwise active with scope, client_id, sub, exp, iat, iss,
 *   aud, token_type, jti.
 */
import { authenticateClient } from '../../client-auth/index.js';
import { InvalidClient } from '../../errors.js';
import { param, requireParam } from '../../params.js';
import { NO_STORE, errorResponse } from '../../respond.js';
import type { ProtocolPorts } from '../../ports.js';
import type { OAuthRequest, OAuthResponse } from '../../request.js';
import { resolveAnyToken } from '../../tokens/resolve.js';
import { checkRequestFormat } from '../token/check-request-format.js';

export async function introspectionEndpoint(req: OAuthRequest, ports: ProtocolPorts): Promise<OAuthResponse> {
  try {
    checkRequestFormat(req);
    const caller = await authenticateClient(req, ports.clients, ports.grants, ports.remoteJwks);
    // RFC 7662 §2.1/§4: the endpoint must not be open to anyone who knows a client_id.
    if (!caller.confidential) throw new InvalidClient('public clients cannot use the introspection endpoint');
    const token = requireParam(req, 'token');
    const t = await resolveAnyToken(ports, req.tenant.tenantId, req.issuer, token, param(req, 'token_type_hint'));
    const headers = { ...NO_STORE, 'content-type': 'application/json; charset=utf-8' };
    if (!t) return { status: 200, headers, body: { active: false } };
    return {
      status: 200, headers,
      body: {
        active: true, scope: t.scopes.join(' '), client_id: t.clientId, sub: t.subject, exp: t.exp, iat: t.iat,
        iss: req.issuer, aud: t.audience, token_type: t.kind === 'refresh_token' ? 'refresh_token' : 'Bearer',
        ...(t.format === 'jwt' ? { jti: t.id } : {}),
      },
    };
  } catch (err) {
    return errorResponse(err);
  }
}
