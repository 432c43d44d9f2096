/**
 * Authorization responses.
 * - RFC 6749 §4.1.2 / §4.1.2.1: code or error, with `state` echoed exactly when it was sent.
 * - RFC 9207 §2: `iss` in every authorization response, errors included.
 * - OAuth 2.0 Form Post Response Mode: parameters as an auto-submitting HTML form.
 */
import type { OAuthError } from '../../errors.js';
import type { AuthorizeOutcome, CookieDirective, TrustedRedirect } from './authorize-context.js';

export function authorizationResponse(t: TrustedRedirect, params: Record<string, string>, cookies?: CookieDirective[]): AuthorizeOutcome {
  const all: Record<string, string> = { ...params, iss: t.issuer };
  if (t.state !== null) all.state = t.state;
  if (t.responseMode === 'form_post') return { kind: 'form_post', action: t.redirectUri, params: all, cookies };
  const url = new URL(t.redirectUri);
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return { kind: 'redirect', location: url.toString(), cookies };
}

export function errorRedirect(t: TrustedRedirect, err: OAuthError | { error: string; description?: string }, cookies?: CookieDirective[]): AuthorizeOutcome {
  const params: Record<string, string> = { error: err.error };
  const description = 'description' in err ? err.description : undefined;
  if (description) params.error_description = description;
  return authorizationResponse(t, params, cookies);
}
