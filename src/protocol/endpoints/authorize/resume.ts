/**
 * The browser's return to the authorization endpoint after the login or consent UI answered a
 * challenge (see interaction/state-machine.ts).
 * - The verifier is single use; the browser must carry the binding cookie set when the request
 *   arrived (defeats a verifier replayed or injected into another browser).
 * - Login accepted: a browser SSO session is created (persistent when `remember`), then consent
 *   is asked unless it stands (remembered or skipped).
 * - Rejections are sent to the client as errors (RFC 6749 §4.1.2.1), with state and iss.
 */
import { sha256Hex, safeEqualStrings } from '../../../crypto/secrets.js';
import { consentUiUrl, issueCode, standingConsent, type LoginFacts } from '../../interaction/decide.js';
import type { ProtocolPorts, ProtocolSettings } from '../../ports.js';
import type { AuthorizeHttpRequest, AuthorizeOutcome, CookieDirective, TrustedRedirect } from './authorize-context.js';
import { single } from './check-client.js';
import { errorRedirect } from './respond.js';

export async function resumeEndpoint(req: AuthorizeHttpRequest, ports: ProtocolPorts, settings: ProtocolSettings): Promise<AuthorizeOutcome> {
  const page = (description: string, error = 'invalid_request'): AuthorizeOutcome => ({ kind: 'error-page', status: 400, error, description });
  const tenantId = req.tenant.tenantId;
  const verifier = single(req, 'verifier');
  if (!verifier) return page("missing required parameter 'verifier'");
  const ia = await ports.interactions.takeByVerifier(tenantId, verifier);
  if (!ia) return page('the authorization verifier is invalid, expired or already used');
  if (!req.bindingToken || !safeEqualStrings(sha256Hex(req.bindingToken), ia.browserBindingHash)) {
    await ports.interactions.fail(tenantId, ia.id);
    return page('this authorization was started in another browser');
  }
  const client = await ports.clients.find(tenantId, ia.clientId);
  if (!client || client.disabled) return page('unknown client', 'invalid_client');
  const trusted: TrustedRedirect = {
    client, redirectUri: ia.request.redirectUri, responseMode: ia.request.responseMode, state: ia.request.state, issuer: req.issuer,
  };
  switch (ia.state) {
    case 'login_rejected':
    case 'consent_rejected':
      await ports.interactions.complete(tenantId, ia.id);
      return errorRedirect(trusted, { error: ia.error?.error ?? 'access_denied', description: ia.error?.error_description });
    case 'login_accepted': {
      const cookies: CookieDirective[] = [];
      const subject = ia.subject!;
      const authTime = ia.authTime ?? Math.floor(Date.now() / 1000);
      if (ia.sessionId) {
        const previous = await ports.sessions.end(tenantId, ia.sessionId);
        if (previous && previous.subject !== subject) await ports.logout.backchannelLogout(tenantId, { sid: previous.id, subject: previous.subject, issuer: req.issuer });
      }
      const ttl = ia.remember ? (ia.rememberFor && ia.rememberFor > 0 ? ia.rememberFor : req.tenant.sessionTtl) : req.tenant.sessionTtl;
      // Consent that already stands means a code follows at once: the new session lists the
      // client from the start (Back-Channel Logout target) instead of a second write.
      const consent = await standingConsent(tenantId, client, ia.request, subject, ports);
      const { session, token } = await ports.sessions.create(tenantId, {
        subject, authTime, acr: ia.acr, amr: ia.amr ?? [], ttlSeconds: ttl, ip: req.ip, userAgent: req.userAgent,
        clients: consent ? [client.clientId] : [],
      });
      // Not remembered: a browser-session cookie (no Max-Age), gone when the browser closes.
      cookies.push({ name: 'session', value: token, maxAgeSeconds: ia.remember ? ttl : undefined });
      const login: LoginFacts = { subject, authTime, acr: ia.acr, amr: ia.amr ?? [], sid: session.id, sidListsClient: Boolean(consent) };
      if (consent) {
        await ports.interactions.complete(tenantId, ia.id);
        return issueCode(tenantId, trusted, ia.request, login, consent, ports, settings, cookies);
      }
      const challenge = await ports.interactions.startConsent(tenantId, ia.id, { ...login, sessionId: session.id });
      return { kind: 'redirect', location: consentUiUrl(req.issuer, req.tenant.consentUiUrl, challenge), cookies };
    }
    case 'consent_accepted': {
      await ports.interactions.complete(tenantId, ia.id);
      const login: LoginFacts = { subject: ia.subject!, authTime: ia.authTime!, acr: ia.acr, amr: ia.amr ?? [], sid: ia.sessionId };
      return issueCode(tenantId, trusted, ia.request, login, {
        scopes: ia.grantedScopes ?? [], audience: ia.grantedAudience?.[0] ?? ia.request.audience,
        sessionClaims: ia.sessionClaims, consentId: null,
      }, ports, settings);
    }
    default:
      return page('the challenge has not been answered yet');
  }
}
