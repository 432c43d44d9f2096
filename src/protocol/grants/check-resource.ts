/**
 * Audience of an access token.
 * - RFC 8707 §2: `resource` is an absolute URI without a fragment; an invalid or unknown
 *   resource is refused with invalid_target. One resource per token request here (a token has
 *   one audience; several resources would need several tokens).
 * - Without `resource`, the client's default audience: the first registered audience, or for
 *   management clients the management API (`${PUBLIC_URL}/graphql`).
 */
import { InvalidTarget } from '../errors.js';
import type { ClientRecord, ProtocolSettings } from '../ports.js';
import type { OAuthRequest } from '../request.js';

export function allowedAudiences(client: ClientRecord, settings: ProtocolSettings): string[] {
  return client.kind === 'management' ? [settings.managementAudience, ...client.audiences] : [...client.audiences];
}

export function checkResource(req: OAuthRequest, client: ClientRecord, settings: ProtocolSettings): string {
  const raw = req.body.resource;
  const allowed = allowedAudiences(client, settings);
  if (raw === undefined || raw === '') {
    if (!allowed[0]) throw new InvalidTarget('the client has no default audience; name one with the resource parameter');
    return allowed[0];
  }
  if (Array.isArray(raw)) throw new InvalidTarget('only one resource may be requested per token request');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidTarget('resource must be an absolute URI (RFC 8707 §2)');
  }
  if (url.hash || raw.includes('#')) throw new InvalidTarget('resource must not contain a fragment (RFC 8707 §2)');
  if (!allowed.includes(raw)) throw new InvalidTarget('resource is not allowed for this client');
  return raw;
}
