/**
 * `organization` at the token endpoint (refresh_token grant): switches the active organization of
 * the new tokens. At most once; an organization id; omitted keeps the grant's.
 * - A malformed value is invalid_request (RFC 6749 §5.2).
 * - Membership is checked when tokens are issued (issue-tokens.ts): a user who is not a member
 *   gets invalid_grant (the grant does not extend to that organization, RFC 6749 §5.2).
 */
import { InvalidRequest } from '../errors.js';
import { param } from '../params.js';
import type { OAuthRequest } from '../request.js';
import { UUID } from '../../shared/text.js';

const ORGANIZATION_ID = UUID;

/** The requested organization, or undefined when the request names none. */
export function checkTokenOrganization(req: OAuthRequest): string | undefined {
  const raw = param(req, 'organization');
  if (raw === undefined) return undefined;
  if (!ORGANIZATION_ID.test(raw)) throw new InvalidRequest('organization must be an organization id');
  return raw;
}
