/**
 * UserInfo endpoint (OIDC Core §5.3).
 * - RFC 6750 §2: the access token in the Authorization header or a form-encoded body (POST);
 *   never in the query (RFC 6750 §2.3 is not supported: tokens leak through URLs). More than
 *   one method is invalid_request (§2).
 * - RFC 6750 §3.1: an invalid, expired or revoked token is 401 invalid_token; a token without
 *   `openid` is 403 insufficient_scope.
 * - OIDC Core §5.3.2: `sub` (pairwise where the client asks for it) and the claims of the granted
 *   scopes and the claims parameter's `userinfo` member.
 */
import { InsufficientScope, InvalidRequest, InvalidToken } from '../../errors.js';
import { NO_STORE, errorResponse } from '../../respond.js';
import type { ProtocolPorts } from '../../ports.js';
import type { OAuthRequest, OAuthResponse } from '../../request.js';
import { claimsFor } from '../../tokens/claims.js';
import { resolveAccessToken } from '../../tokens/resolve.js';
import { subjectFor } from '../../tokens/subject.js';

export async function userinfoEndpoint(req: OAuthRequest & { query: Readonly<Record<string, unknown>> }, ports: ProtocolPorts): Promise<OAuthResponse> {
  try {
    if (req.query.access_token !== undefined) throw new InvalidRequest('access tokens in the query string are not accepted');
    const header = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const bodyToken = req.method === 'POST' && req.contentType?.startsWith('application/x-www-form-urlencoded') ? req.body.access_token : undefined;
    if (header && bodyToken !== undefined) throw new InvalidRequest('access token must only be provided using one method');
    if (Array.isArray(bodyToken)) throw new InvalidRequest("'access_token' parameter must not be provided more than once");
    let token: string | undefined;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new InvalidToken('authorization header must be "Bearer <access token>"');
      token = m[1];
    } else token = bodyToken;
    if (!token) throw new InvalidToken('no access token provided');
    const t = await resolveAccessToken(ports, req.tenant.tenantId, req.issuer, token);
    if (!t) throw new InvalidToken('access token is invalid, expired or revoked');
    if (!t.userToken) throw new InvalidToken('access token was not issued to a user');
    if (!t.scopes.includes('openid')) throw new InsufficientScope('access token lacks the openid scope');
    const account = await ports.accounts.find(req.tenant.tenantId, t.subject);
    const client = await ports.clients.find(req.tenant.tenantId, t.clientId);
    if (!account || !client) throw new InvalidToken('access token is invalid, expired or revoked');
    const body = { ...claimsFor(account.claims, t.scopes, t.userinfoRequest), sub: subjectFor(ports, req.tenant.tenantId, client, account.subject) };
    return { status: 200, headers: { ...NO_STORE, 'content-type': 'application/json; charset=utf-8' }, body };
  } catch (err) {
    return errorResponse(err);
  }
}
