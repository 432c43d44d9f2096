/**
 * - OIDC Core §5.5: `claims` is a JSON object with optional `userinfo` and `id_token` members,
 *   each an object of claim names to null or {essential, value, values}.
 */
import { InvalidRequest } from '../../errors.js';
import type { ClaimsRequest } from '../../interaction/authorization-request.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';
import { oneParam } from './check-client.js';

export function checkClaims(req: AuthorizeHttpRequest): ClaimsRequest | null {
  const raw = oneParam(req, 'claims');
  if (raw === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidRequest('could not parse the claims parameter JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidRequest('claims parameter should be a JSON object');
  const out: ClaimsRequest = {};
  for (const member of ['userinfo', 'id_token'] as const) {
    const m = (parsed as Record<string, unknown>)[member];
    if (m === undefined) continue;
    if (!m || typeof m !== 'object' || Array.isArray(m)) throw new InvalidRequest(`claims.${member} should be an object`);
    for (const [name, v] of Object.entries(m)) {
      if (v !== null && (typeof v !== 'object' || Array.isArray(v))) throw new InvalidRequest(`claims.${member}.${name} should be null or an object`);
    }
    out[member] = m as ClaimsRequest['userinfo'];
  }
  return out;
}
