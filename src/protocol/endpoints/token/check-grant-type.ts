/**
 * - RFC 6749 §4.4.2: grant_type is REQUIRED.
 * - RFC 6749 §5.2: an unknown grant type is unsupported_grant_type; a grant the client is not
 *   registered for is unauthorized_client.
 */
import { UnauthorizedClient, UnsupportedGrantType } from '../../errors.js';
import { requireParam } from '../../params.js';
import type { ClientRecord } from '../../ports.js';
import type { OAuthRequest } from '../../request.js';

export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type SupportedGrantType = (typeof SUPPORTED_GRANT_TYPES)[number];

export function checkGrantType(req: OAuthRequest): SupportedGrantType {
  const grantType = requireParam(req, 'grant_type');
  if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(grantType)) {
    throw new UnsupportedGrantType(`unsupported grant_type requested (${grantType})`);
  }
  return grantType as SupportedGrantType;
}

export function checkClientGrant(client: ClientRecord, grantType: SupportedGrantType): void {
  if (!client.grantTypes.includes(grantType)) {
    throw new UnauthorizedClient(`requested grant type is not allowed for this client (${grantType})`);
  }
}
