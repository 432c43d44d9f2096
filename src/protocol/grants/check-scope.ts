/**
 * Scope of a token request.
 * - RFC 6749 §3.3: when `scope` is omitted the server uses a pre-defined default (here: every
 *   scope the client is allowed) — and a requested scope outside the client's allowance is
 *   refused with invalid_scope rather than silently dropped, so callers learn of the mistake.
 */
import { InvalidScope } from '../errors.js';
import { param, parseScope } from '../params.js';
import type { ClientRecord } from '../ports.js';
import type { OAuthRequest } from '../request.js';

export function checkScope(req: OAuthRequest, client: ClientRecord): string[] {
  const requested = parseScope(param(req, 'scope'));
  if (requested === undefined) return [...client.scopes];
  const allowed = new Set(client.scopes);
  const refused = requested.filter((s) => !allowed.has(s));
  if (refused.length) throw new InvalidScope(`requested scope is not allowed for this client: ${refused.join(' ')}`);
  return requested;
}
