/**
 * JWK Set (RFC 7517 §5) of a tenant: public keys only (active, next, recently retired), each with
 * kid, alg and use, so tokens signed before a rotation stay verifiable.
 */
import type { KeyStore } from '../../ports.js';
import type { OAuthResponse } from '../../request.js';

export async function jwksEndpoint(tenantId: string, keys: KeyStore): Promise<OAuthResponse> {
  return {
    status: 200,
    headers: { 'content-type': 'application/jwk-set+json; charset=utf-8', 'cache-control': 'public, max-age=60' },
    body: { keys: await keys.publicJwks(tenantId) },
  };
}
