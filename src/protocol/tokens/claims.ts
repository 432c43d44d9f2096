/**
 * Claims of a user, by scope (OIDC Core §5.4) and by the claims parameter (§5.5).
 */
import type { ClaimsRequest } from '../interaction/authorization-request.js';

export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
};

/** Standard OIDC scopes the server understands (besides API permission scopes). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'] as const;

export function claimsFor(all: Record<string, unknown>, scopes: readonly string[], requested: ClaimsRequest[keyof ClaimsRequest] | Record<string, unknown> | undefined): Record<string, unknown> {
  const names = new Set<string>();
  for (const s of scopes) for (const c of SCOPE_CLAIMS[s] ?? []) names.add(c);
  for (const c of Object.keys(requested ?? {})) names.add(c);
  const out: Record<string, unknown> = {};
  for (const n of names) if (all[n] !== undefined && all[n] !== null && n !== 'sub') out[n] = all[n];
  return out;
}
