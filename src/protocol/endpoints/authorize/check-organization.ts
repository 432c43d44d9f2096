/**
 * `organization` (Signet extension, as Auth0 and Logto do): the active organization of the tokens.
 * - At most once, and an organization id (the `organizationId` of the graph's Organization):
 *   otherwise invalid_request (RFC 6749 §4.1.2.1: a parameter with an invalid value).
 * - Membership is a fact about the user, known only after login: it is checked when the code is
 *   issued (access_denied: the user is not a member, so the authorization is refused,
 *   RFC 6749 §4.1.2.1) and again when tokens are issued (invalid_grant).
 */
import { InvalidRequest } from '../../errors.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';
import { UUID } from '../../../shared/text.js';

export const ORGANIZATION_ID = UUID;

export function checkAuthorizeOrganization(req: AuthorizeHttpRequest): string | null {
  const raw = req.params.organization;
  if (Array.isArray(raw)) throw new InvalidRequest("'organization' parameter must not be provided more than once");
  if (raw === undefined || raw === '') return null;
  if (!ORGANIZATION_ID.test(raw)) throw new InvalidRequest('organization must be an organization id');
  return raw;
}
