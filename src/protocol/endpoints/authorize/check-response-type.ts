/**
 * - RFC 6749 §3.1.1 / OAuth 2.1: only `code`; anything else is unsupported_response_type.
 * - RFC 6749 §4.1.2.1: a client not registered for the code flow is unauthorized_client.
 * - OAuth 2.0 Multiple Response Types §2.1 + Form Post: response_mode `query` (default) or
 *   `form_post`; `fragment` is refused for code (it only exists for implicit/hybrid).
 */
import { InvalidRequest, UnauthorizedClient, UnsupportedResponseType } from '../../errors.js';
import type { ClientRecord } from '../../ports.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';
import { oneParam } from './check-client.js';

export function checkResponseMode(req: AuthorizeHttpRequest): 'query' | 'form_post' {
  const mode = oneParam(req, 'response_mode') ?? 'query';
  if (mode !== 'query' && mode !== 'form_post') throw new InvalidRequest(`unsupported response_mode requested (${mode.slice(0, 40)})`);
  return mode;
}

export function checkResponseType(req: AuthorizeHttpRequest, client: ClientRecord): void {
  const type = oneParam(req, 'response_type');
  if (type === undefined) throw new InvalidRequest("missing required parameter 'response_type'");
  if (type !== 'code') throw new UnsupportedResponseType(`unsupported response_type requested (${type.slice(0, 40)})`);
  if (!client.grantTypes.includes('authorization_code') || !client.responseTypes.includes('code')) {
    throw new UnauthorizedClient('the client is not allowed to use the code response type');
  }
}
