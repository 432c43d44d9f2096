/**
 * - RFC 8707 §2: `resource` picks the access token's audience: absolute URI, no fragment, one of
 *   the client's registered audiences; otherwise invalid_target.
 * - Without it: the client's first registered audience, else the issuer itself (tokens meant only
 *   for this server's userinfo endpoint).
 */
import { InvalidTarget } from '../../errors.js';
import type { ClientRecord } from '../../ports.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';
import { oneParam } from './check-client.js';

export function checkAuthorizeResource(req: AuthorizeHttpRequest, client: ClientRecord): string {
  const raw = req.params.resource;
  if (Array.isArray(raw)) throw new InvalidTarget('only one resource may be requested per authorization request');
  const resource = oneParam(req, 'resource');
  if (resource === undefined) return client.audiences[0] ?? req.issuer;
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new InvalidTarget('resource must be an absolute URI (RFC 8707 §2)');
  }
  if (url.hash || resource.includes('#')) throw new InvalidTarget('resource must not contain a fragment (RFC 8707 §2)');
  if (!client.audiences.includes(resource)) throw new InvalidTarget('resource is not allowed for this client');
  return resource;
}
