/**
 * - RFC 6749 §3.3: scopes outside the client's allowance are refused with invalid_scope.
 * - OIDC Core §3.1.2.1: `openid` makes the request an OpenID request; `offline_access` is only
 *   honoured with prompt=consent or a consent screen (§11) — we always record consent for it.
 */
import { InvalidScope } from '../../errors.js';
import { parseScope } from '../../params.js';
import type { ClientRecord } from '../../ports.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';
import { oneParam } from './check-client.js';

export function checkAuthorizeScope(req: AuthorizeHttpRequest, client: ClientRecord): string[] {
  const requested = parseScope(oneParam(req, 'scope')) ?? [];
  const allowed = new Set(client.scopes);
  const refused = requested.filter((s) => !allowed.has(s));
  if (refused.length) throw new InvalidScope(`requested scope is not allowed for this client: ${refused.join(' ')}`);
  return requested;
}
