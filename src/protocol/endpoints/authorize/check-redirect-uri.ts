/**
 * redirect_uri.
 * - RFC 9700 §2.1 / OAuth 2.1 §2.3.1: exact string matching against the registered URIs.
 * - RFC 8252 §7.3: for native clients, a loopback IP redirect (127.0.0.1 or [::1]) matches with
 *   any port; nothing else is relaxed.
 * - RFC 6749 §3.1.2.3: redirect_uri may be omitted only when exactly one is registered; OIDC Core
 *   §3.1.2.1 makes it required for OpenID requests.
 * - RFC 6749 §4.1.2.1: a mismatch is shown on an error page, never redirected to.
 */
import type { ClientRecord } from '../../ports.js';
import { PageError, type AuthorizeHttpRequest } from './authorize-context.js';
import { single } from './check-client.js';

export function redirectUriMatches(client: Pick<ClientRecord, 'redirectUris' | 'applicationType'>, uri: string): boolean {
  if (client.redirectUris.includes(uri)) return true;
  if (client.applicationType !== 'native') return false;
  let given: URL;
  try {
    given = new URL(uri);
  } catch {
    return false;
  }
  if (given.protocol !== 'http:' || !['127.0.0.1', '[::1]'].includes(given.hostname)) return false;
  return client.redirectUris.some((registered) => {
    try {
      const r = new URL(registered);
      if (r.protocol !== 'http:' || r.hostname !== given.hostname) return false;
      r.port = given.port;
      return r.toString() === given.toString();
    } catch {
      return false;
    }
  });
}

export function checkRedirectUri(req: AuthorizeHttpRequest, client: ClientRecord, openid: boolean): string {
  const uri = single(req, 'redirect_uri');
  if (uri === undefined) {
    if (openid) throw new PageError('invalid_request', "missing required parameter 'redirect_uri'");
    if (client.redirectUris.length !== 1) throw new PageError('invalid_request', "missing required parameter 'redirect_uri'");
    return client.redirectUris[0]!;
  }
  if (!redirectUriMatches(client, uri)) throw new PageError('invalid_request', 'redirect_uri did not match any of the client\'s registered redirect_uris');
  return uri;
}
