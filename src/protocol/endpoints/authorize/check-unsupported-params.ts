/**
 * - OIDC Core §6.1/§6.2: `request` and `request_uri` are optional; a server that does not support
 *   them answers request_not_supported / request_uri_not_supported.
 * - OIDC Core §7.2.1: `registration` → registration_not_supported.
 */
import { RegistrationNotSupported, RequestNotSupported, RequestUriNotSupported } from '../../errors.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';

export function checkUnsupportedParams(req: AuthorizeHttpRequest): void {
  if (req.params.request !== undefined) throw new RequestNotSupported('request objects are not supported');
  if (req.params.request_uri !== undefined) throw new RequestUriNotSupported('request_uri is not supported');
  if (req.params.registration !== undefined) throw new RegistrationNotSupported('the registration parameter is not supported');
}
