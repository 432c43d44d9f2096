/**
 * client_secret_post.
 * - RFC 6749 §2.3.1: client_id and client_secret in the request body (NOT RECOMMENDED but allowed).
 */
import { param } from '../params.js';
import type { OAuthRequest } from '../request.js';
import type { PresentedSecret } from './client-secret-basic.js';

export function readPostCredentials(req: Pick<OAuthRequest, 'body'>): PresentedSecret | undefined {
  const secret = param(req, 'client_secret');
  if (secret === undefined) return undefined;
  const clientId = param(req, 'client_id');
  if (clientId === undefined) return undefined;
  return { method: 'client_secret_post', clientId, secret };
}
