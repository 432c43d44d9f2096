/**
 * - RFC 6749 §3.2: the client MUST use HTTP POST at the token endpoint.
 * - RFC 6749 §4.4.2 / §4.1.3: parameters use application/x-www-form-urlencoded.
 */
import { InvalidRequest } from '../../errors.js';
import type { OAuthRequest } from '../../request.js';

export function checkRequestFormat(req: OAuthRequest): void {
  if (req.method !== 'POST') throw new InvalidRequest('the token endpoint only accepts POST');
  const type = req.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequest('only application/x-www-form-urlencoded content-type bodies are supported');
  }
}
