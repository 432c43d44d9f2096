/**
 * PKCE at the authorization endpoint.
 * - RFC 7636 §4.3 / OAuth 2.1 §4.1.1: code_challenge required for public clients, and for every
 *   client that has enforce_pkce (the default).
 * - RFC 9700 §2.1.1: `plain` is refused; only S256.
 * - RFC 7636 §4.2: the challenge is base64url, 43-128 characters.
 */
import { InvalidRequest } from '../../errors.js';
import type { ClientRecord } from '../../ports.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';
import { oneParam } from './check-client.js';

export function checkPkce(req: AuthorizeHttpRequest, client: ClientRecord): { codeChallenge: string | null; codeChallengeMethod: 'S256' | null } {
  const challenge = oneParam(req, 'code_challenge');
  const method = oneParam(req, 'code_challenge_method');
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method requires a code_challenge');
    if (!client.confidential || client.enforcePkce) throw new InvalidRequest('PKCE code_challenge is required (S256)');
    return { codeChallenge: null, codeChallengeMethod: null };
  }
  if (method === undefined || method === 'plain') throw new InvalidRequest('plain code_challenge_method is not allowed; use S256');
  if (method !== 'S256') throw new InvalidRequest('unsupported code_challenge_method (only S256)');
  if (!/^[A-Za-z0-9_-]{43,128}$/.test(challenge)) throw new InvalidRequest('code_challenge must be 43-128 base64url characters');
  return { codeChallenge: challenge, codeChallengeMethod: 'S256' };
}
