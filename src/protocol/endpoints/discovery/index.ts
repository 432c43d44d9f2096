/**
 * Authorization server metadata.
 * - OpenID Connect Discovery 1.0 §3 (`${issuer}/.well-known/openid-configuration`) and
 *   RFC 8414 §2/§3 (`/.well-known/oauth-authorization-server` inserted before the issuer path,
 *   and, for compatibility, appended to it).
 * - `issuer` is exactly the issuer identifier (RFC 8414 §3.3).
 * - Only what is implemented is advertised: this list grows with the endpoints.
 */
import { SUPPORTED_AUTH_METHODS } from '../../client-auth/index.js';
import { SUPPORTED_GRANT_TYPES } from '../token/check-grant-type.js';
import type { OAuthResponse } from '../../request.js';

export interface DiscoveryInput {
  issuer: string;
  scopesSupported: readonly string[];
}

export function metadata(input: DiscoveryInput): Record<string, unknown> {
  const { issuer } = input;
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...SUPPORTED_AUTH_METHODS],
    // No authorization endpoint yet: no response type is supported (RFC 8414 §2 lists the field as required).
    response_types_supported: [],
    scopes_supported: [...input.scopesSupported],
    // RFC 8707 resource indicators are honoured at the token endpoint.
    resource_indicators_supported: true,
    access_token_signing_alg_values_supported: ['ES256'],
  };
}

export function discoveryEndpoint(input: DiscoveryInput): OAuthResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
    body: metadata(input),
  };
}
