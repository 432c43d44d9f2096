/**
 * Authorization server metadata.
 * - OpenID Connect Discovery 1.0 §3 (`${issuer}/.well-known/openid-configuration`) and
 *   RFC 8414 §2/§3 (`/.well-known/oauth-authorization-server` inserted before the issuer path,
 *   and, for compatibility, appended to it).
 * - `issuer` is exactly the issuer identifier (RFC 8414 §3.3).
 * - RFC 9207 §3: authorization_response_iss_parameter_supported.
 * - Only what is implemented is advertised.
 */
import { SUPPORTED_AUTH_METHODS } from '../../client-auth/index.js';
import { SUPPORTED_GRANT_TYPES } from '../token/check-grant-type.js';
import type { OAuthResponse } from '../../request.js';
import { SCOPE_CLAIMS } from '../../tokens/claims.js';
import { ACR } from '../../interaction/acr.js';

export interface DiscoveryInput {
  issuer: string;
  scopesSupported: readonly string[];
}

const SIGNING = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export function metadata(input: DiscoveryInput): Record<string, unknown> {
  const { issuer } = input;
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    end_session_endpoint: `${issuer}/oauth/end-session`,
    scopes_supported: [...input.scopesSupported],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: SIGNING,
    userinfo_signing_alg_values_supported: [],
    token_endpoint_auth_methods_supported: [...SUPPORTED_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: SIGNING,
    introspection_endpoint_auth_methods_supported: SUPPORTED_AUTH_METHODS.filter((m) => m !== 'none'),
    revocation_endpoint_auth_methods_supported: [...SUPPORTED_AUTH_METHODS],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'sid', ...new Set(Object.values(SCOPE_CLAIMS).flat())],
    claims_parameter_supported: true,
    // OIDC Discovery §3: the ACRs Signet issues and honours in acr_values (protocol/interaction/acr.ts).
    acr_values_supported: [ACR.sfa, ACR.mfa, ACR.phr, ACR.anonymous],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    authorization_response_iss_parameter_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
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
