/**
 * Token revocation (RFC 7009).
 * - §2.1: POST, form-encoded `token` (+ optional hint); the client authenticates; a token issued
 *   to another client is not revoked.
 * - §2.1: revoking a refresh token revokes the whole grant (family): its access tokens too; a
 *   revoked JWT access token is then refused by introspection and userinfo before its exp.
 * - §2.2: 200 with an empty body whether or not the token was known (no token probing).
 * Emits Token.Revoked.
 */
import { authenticateClient } from '../../client-auth/index.js';
import { param, requireParam } from '../../params.js';
import { NO_STORE, errorResponse } from '../../respond.js';
import type { ProtocolPorts } from '../../ports.js';
import type { OAuthRequest, OAuthResponse } from '../../request.js';
import { resolveAnyToken } from '../../tokens/resolve.js';
import { checkRequestFormat } from '../token/check-request-format.js';

export async function revocationEndpoint(req: OAuthRequest, ports: ProtocolPorts): Promise<OAuthResponse> {
  try {
    checkRequestFormat(req);
    const client = await authenticateClient(req, ports.clients, ports.grants, ports.remoteJwks);
    const token = requireParam(req, 'token');
    const tenantId = req.tenant.tenantId;
    const t = await resolveAnyToken(ports, tenantId, req.issuer, token, param(req, 'token_type_hint'));
    if (t && t.clientId === client.clientId) {
      if (t.kind === 'refresh_token' && t.familyId) {
        await ports.grants.revokeFamily(tenantId, t.familyId, 'revocation');
      } else {
        await ports.grants.revokeAccess(tenantId, t.id, {
          familyId: t.familyId, format: t.format === 'opaque' ? 'opaque' : 'jwt', clientId: t.clientId, subject: t.subject,
          scopes: t.scopes, audience: t.audience, claims: null, issuedAt: t.iat, expiresAt: t.exp,
        });
      }
      await ports.events.emit(tenantId, 'Token.Revoked', { clientId: client.clientId, subject: t.subject }, { tokenType: t.kind, familyRevoked: t.kind === 'refresh_token' });
    }
    return { status: 200, headers: { ...NO_STORE }, body: '' };
  } catch (err) {
    return errorResponse(err);
  }
}
