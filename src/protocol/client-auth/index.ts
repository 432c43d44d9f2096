/**
 * Client authentication at the token, introspection and revocation endpoints.
 * - RFC 6749 §2.3: the client MUST NOT use more than one authentication method in a request.
 * - RFC 6749 §3.2.1: confidential clients authenticate at the token endpoint.
 * - The method used must be the client's registered token_endpoint_auth_method (RFC 7591 §2).
 * - An unknown client and a wrong secret get the same answer, so client ids cannot be probed.
 * - Public clients (`none`, RFC 6749 §2.1) identify themselves with client_id only.
 */
import { InvalidClient, InvalidRequest } from '../errors.js';
import { param } from '../params.js';
import type { ClientRecord, ClientStore, GrantStore, ProtocolPorts } from '../ports.js';
import { authenticatePrivateKeyJwt } from './private-key-jwt.js';
import type { OAuthRequest } from '../request.js';
import { readBasicCredentials, type PresentedSecret } from './client-secret-basic.js';
import { readPostCredentials } from './client-secret-post.js';

export const SUPPORTED_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;

export async function authenticateClient(req: OAuthRequest, clients: ClientStore, grants: GrantStore, remoteJwks?: ProtocolPorts['remoteJwks']): Promise<ClientRecord> {
  const authz = req.headers.authorization;
  const header = typeof authz === 'string' && authz.length > 0 ? authz : undefined;
  const post = readPostCredentials(req);
  const bodyCredential = param(req, 'client_secret') !== undefined || param(req, 'client_assertion') !== undefined;
  if (header && bodyCredential) throw new InvalidRequest('client authentication must only be provided using one mechanism');
  if (param(req, 'client_assertion') !== undefined) {
    if (post) throw new InvalidRequest('client authentication must only be provided using one mechanism');
    return authenticatePrivateKeyJwt(req, clients, grants, remoteJwks);
  }
  let presented: PresentedSecret | undefined;
  if (header) presented = readBasicCredentials(header);
  else presented = post;
  if (!presented) {
    const clientId = param(req, 'client_id');
    if (!clientId) throw new InvalidClient('no client authentication mechanism provided');
    const pub = await clients.find(req.tenant.tenantId, clientId);
    if (pub && !pub.disabled && !pub.confidential && pub.tokenEndpointAuthMethod === 'none') return pub;
    throw new InvalidClient('client authentication failed: no client secret presented');
  }
  const scheme = presented.method === 'client_secret_basic' ? 'Basic' : undefined;
  const failed = () => new InvalidClient('client authentication failed', scheme);
  const bodyClientId = param(req, 'client_id');
  if (header && bodyClientId !== undefined && bodyClientId !== presented.clientId) {
    throw new InvalidRequest('client_id in the body does not match the authenticated client');
  }
  const client = await clients.find(req.tenant.tenantId, presented.clientId);
  if (!client || client.disabled || !client.confidential) {
    // Verify anyway, so an unknown id costs the same as a wrong secret.
    await clients.verifySecret(req.tenant.tenantId, presented.clientId, presented.secret);
    throw failed();
  }
  if (!(await clients.verifySecret(req.tenant.tenantId, client.clientId, presented.secret))) throw failed();
  if (client.tokenEndpointAuthMethod !== presented.method) {
    throw new InvalidClient(`the client is registered for ${client.tokenEndpointAuthMethod}, not ${presented.method}`, scheme);
  }
  return client;
}

