/**
 * - RFC 6749 §4.1.2.1: with a missing or unknown client_id the server MUST NOT redirect; it
 *   informs the resource owner (an error page).
 * - RFC 6749 §3.1: repeated parameters are refused (also on the page: nothing is trusted yet).
 */
import type { ClientRecord, ClientStore } from '../../ports.js';
import { InvalidRequest } from '../../errors.js';
import { PageError, type AuthorizeHttpRequest } from './authorize-context.js';

export function single(req: Pick<AuthorizeHttpRequest, 'params'>, name: string): string | undefined {
  const v = req.params[name];
  if (Array.isArray(v)) throw new PageError('invalid_request', `'${name}' parameter must not be provided more than once`);
  return v === '' ? undefined : v;
}

/**
 * RFC 6749 §3.1 / §4.1.2.1: once client and redirect_uri are trusted, a repeated parameter is an
 * invalid_request sent back to the client (with state and iss), not an error page.
 */
export function oneParam(req: Pick<AuthorizeHttpRequest, 'params'>, name: string): string | undefined {
  const v = req.params[name];
  if (Array.isArray(v)) throw new InvalidRequest(`'${name}' parameter must not be provided more than once`);
  return v === '' ? undefined : v;
}

export async function checkClient(req: AuthorizeHttpRequest, clients: ClientStore): Promise<ClientRecord> {
  const clientId = single(req, 'client_id');
  if (!clientId) throw new PageError('invalid_request', "missing required parameter 'client_id'");
  const client = await clients.find(req.tenant.tenantId, clientId);
  if (!client || client.disabled) throw new PageError('invalid_client', 'unknown client', 400);
  if (client.kind !== 'application') throw new PageError('unauthorized_client', 'this client cannot use the authorization endpoint');
  return client;
}
