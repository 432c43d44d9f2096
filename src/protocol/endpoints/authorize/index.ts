/**
 * Authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2), an ordered pipeline:
 *   1. client_id known                              check-client.ts        (error page)
 *   2. redirect_uri registered (exact / loopback)   check-redirect-uri.ts  (error page)
 *   -- from here on errors are redirected to the client with state and iss (RFC 9207) --
 *   3. response_mode, response_type                 check-response-type.ts
 *   4. request / request_uri / registration         check-unsupported-params.ts
 *   5. scope                                        check-scope.ts
 *   6. PKCE                                         check-pkce.ts
 *   7. prompt, max_age                              check-prompt.ts
 *   8. claims                                       check-claims.ts
 *   9. resource → audience                          check-resource.ts
 *   9b. organization (membership checked at code issue) check-organization.ts
 *  10. the interaction: login and consent decided   ../../interaction/decide.ts
 */
import { InvalidRequest, OAuthError } from '../../errors.js';
import type { AuthorizationRequest } from '../../interaction/authorization-request.js';
import { startInteraction } from '../../interaction/decide.js';
import type { ProtocolPorts, ProtocolSettings } from '../../ports.js';
import { PageError, type AuthorizeHttpRequest, type AuthorizeOutcome, type TrustedRedirect } from './authorize-context.js';
import { checkClaims } from './check-claims.js';
import { checkClient, oneParam } from './check-client.js';
import { checkAuthorizeOrganization } from './check-organization.js';
import { checkPkce } from './check-pkce.js';
import { checkMaxAge, checkPrompt } from './check-prompt.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { checkAuthorizeResource } from './check-resource.js';
import { checkResponseMode, checkResponseType } from './check-response-type.js';
import { checkAuthorizeScope } from './check-scope.js';
import { checkUnsupportedParams } from './check-unsupported-params.js';
import { errorRedirect } from './respond.js';

export async function authorizeEndpoint(req: AuthorizeHttpRequest, ports: ProtocolPorts, settings: ProtocolSettings): Promise<AuthorizeOutcome> {
  let trusted: TrustedRedirect | undefined;
  try {
    const client = await checkClient(req, ports.clients);
    // Only to decide whether redirect_uri is required; a repeated scope is reported after trust.
    const scopeRaw = typeof req.params.scope === 'string' ? req.params.scope : '';
    const redirectUri = checkRedirectUri(req, client, scopeRaw.split(' ').includes('openid'));
    const stateRaw = req.params.state;
    trusted = {
      client, redirectUri, issuer: req.issuer,
      state: typeof stateRaw === 'string' ? stateRaw : null,
      responseMode: 'query',
    };
    if (Array.isArray(stateRaw)) throw new InvalidRequest("'state' parameter must not be provided more than once");
    trusted.responseMode = checkResponseMode(req);
    checkResponseType(req, client);
    checkUnsupportedParams(req);
    const scopes = checkAuthorizeScope(req, client);
    const pkce = checkPkce(req, client);
    const prompt = checkPrompt(req);
    const maxAge = checkMaxAge(req);
    const claims = checkClaims(req);
    const audience = checkAuthorizeResource(req, client);
    const organization = checkAuthorizeOrganization(req);
    const acr = oneParam(req, 'acr_values');
    const request: AuthorizationRequest = {
      clientId: client.clientId, redirectUri, responseMode: trusted.responseMode, state: trusted.state, scopes,
      nonce: oneParam(req, 'nonce') ?? null, prompt, maxAge, loginHint: oneParam(req, 'login_hint') ?? null,
      uiLocales: oneParam(req, 'ui_locales') ?? null, acrValues: acr ? acr.split(' ').filter(Boolean) : null,
      claims, audience, codeChallenge: pkce.codeChallenge, codeChallengeMethod: pkce.codeChallengeMethod,
      requestUrl: req.url, organization,
    };
    return await startInteraction(req, client, request, trusted, ports, settings);
  } catch (err) {
    if (err instanceof PageError) return { kind: 'error-page', status: err.status, error: err.error, description: err.description };
    if (err instanceof OAuthError && trusted) return errorRedirect(trusted, err);
    if (err instanceof OAuthError) return { kind: 'error-page', status: 400, error: err.error, description: err.description };
    throw err;
  }
}
