/**
 * refresh_token grant (RFC 6749 §6, OAuth 2.1 §4.3, RFC 9700 §4.14).
 * - Rotation: every use consumes the token and returns a new one in the same family.
 * - Reuse of a consumed token revokes the whole family and emits RefreshToken.Reused.
 *   Concurrent refreshes of one token: exactly one succeeds; the others are indistinguishable
 *   from a replay, so they get invalid_grant and the family (including the winner's new tokens)
 *   is revoked. Clients must serialise their refreshes.
 * - Bound to the client it was issued to; idle and absolute lifetimes.
 * - RFC 6749 §6: a requested scope must not exceed the original grant (narrowing is allowed).
 * - `organization` switches the active organization (check-organization.ts); membership is
 *   checked when the tokens are issued.
 */
import { sha256Hex } from '../../crypto/secrets.js';
import { InvalidGrant, InvalidScope } from '../errors.js';
import { param, parseScope, requireParam } from '../params.js';
import type { ClientRecord, ProtocolPorts, ProtocolSettings } from '../ports.js';
import type { OAuthRequest } from '../request.js';
import type { TokenResponseBody } from './client-credentials.js';
import { checkTokenOrganization } from './check-organization.js';
import { issueGrantTokens } from './issue-tokens.js';

export async function refreshTokenGrant(req: OAuthRequest, client: ClientRecord, ports: ProtocolPorts, settings: ProtocolSettings): Promise<TokenResponseBody> {
  const token = requireParam(req, 'refresh_token');
  const requested = parseScope(param(req, 'scope'));
  const organization = checkTokenOrganization(req);
  const tenantId = req.tenant.tenantId;
  const taken = await ports.grants.consumeRefresh(tenantId, sha256Hex(token));
  if (!taken) throw new InvalidGrant('refresh token is invalid or expired');
  if ('revoked' in taken) throw new InvalidGrant('refresh token was revoked');
  if ('reused' in taken) {
    await ports.grants.revokeFamily(tenantId, taken.familyId, 'reuse');
    await ports.events.emit(tenantId, 'RefreshToken.Reused', { clientId: taken.clientId, subject: taken.subject }, { familyId: taken.familyId, presentedBy: client.clientId });
    throw new InvalidGrant('refresh token has already been used');
  }
  const rec = taken.record;
  if (rec.clientId !== client.clientId) throw new InvalidGrant('refresh token was issued to another client');
  const now = Math.floor(Date.now() / 1000);
  if (rec.expiresAt <= now || rec.absoluteExpiresAt <= now) throw new InvalidGrant('refresh token is expired');
  let grant = rec.grant;
  if (requested) {
    const extra = requested.filter((s) => !rec.grant.scopes.includes(s));
    if (extra.length) throw new InvalidScope(`refresh token request may not widen the scope: ${extra.join(' ')}`);
  }
  if (organization !== undefined) grant = { ...grant, organization };
  // RFC 6749 §6: the rotated refresh token keeps the grant's scope; only this access token (and
  // ID token) are narrowed to what the request asked for.
  return issueGrantTokens(ports, settings, {
    tenantId, issuer: req.issuer, tenantTtls: req.tenant.tokenTtls, client, grant, accessScopes: requested, familyId: rec.familyId,
    absoluteExpiresAt: rec.absoluteExpiresAt, grantType: 'refresh_token',
  });
}
