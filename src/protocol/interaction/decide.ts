/**
 * Deciding what an authorization request needs (OIDC Core §3.1.2.3-§3.1.2.4):
 * - login when there is no usable SSO session, prompt=login, max_age has passed since auth_time,
 *   or the session's acr is weaker than the acr_values asked for (step-up, see acr.ts);
 * - consent unless the client skips it (first party), or a remembered consent covers the scopes
 *   and audience, and prompt=consent was not asked;
 * - prompt=none never shows a page: login_required / consent_required instead (§3.1.2.6).
 * Everything answered, a single-use code is issued (RFC 6749 §4.1.2).
 */
import { sha256Hex } from '../../crypto/secrets.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { AccessDenied, ConsentRequired, LoginRequired } from '../errors.js';
import type { AuthorizeHttpRequest, AuthorizeOutcome, CookieDirective, TrustedRedirect } from '../endpoints/authorize/authorize-context.js';
import { authorizationResponse, errorRedirect } from '../endpoints/authorize/respond.js';
import type { ClientRecord, GrantSnapshot, ProtocolPorts, ProtocolSettings, SessionRecord } from '../ports.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { acrLevel, requiredAcrLevel } from './acr.js';

export interface LoginFacts {
  subject: string;
  authTime: number;
  acr: string | null;
  amr: string[];
  sid: string | null;
  /** The session `sid` already lists the client (it was created for this authorization). */
  sidListsClient?: boolean;
}

export interface ConsentFacts {
  scopes: string[];
  audience: string;
  sessionClaims: GrantSnapshot['sessionClaims'];
  consentId: string | null;
}

export function loginUiUrl(issuer: string, custom: string | null, challenge: string): string {
  const url = new URL(custom ?? `${issuer}/login`);
  url.searchParams.set('login_challenge', challenge);
  return url.toString();
}

export function consentUiUrl(issuer: string, custom: string | null, challenge: string): string {
  const url = new URL(custom ?? `${issuer}/consent`);
  url.searchParams.set('consent_challenge', challenge);
  return url.toString();
}

export function resumeUrl(issuer: string, verifier: string): string {
  return `${issuer}/oauth/authorize/resume?verifier=${encodeURIComponent(verifier)}`;
}

/** Consent that is already given (remembered or not needed), or undefined when it must be asked. */
export async function standingConsent(tenantId: string, client: ClientRecord, request: AuthorizationRequest, subject: string, ports: ProtocolPorts): Promise<ConsentFacts | undefined> {
  if (request.prompt.includes('consent')) return undefined;
  if (client.skipConsent) return { scopes: request.scopes, audience: request.audience, sessionClaims: null, consentId: null };
  const remembered = await ports.consents.findRemembered(tenantId, subject, client.clientId);
  if (!remembered) return undefined;
  const covers = request.scopes.every((s) => remembered.scopes.includes(s)) && remembered.audiences.includes(request.audience);
  return covers ? { scopes: request.scopes, audience: request.audience, sessionClaims: null, consentId: remembered.id } : undefined;
}

export async function issueCode(
  tenantId: string, trusted: TrustedRedirect, request: AuthorizationRequest, login: LoginFacts, consent: ConsentFacts,
  ports: ProtocolPorts, settings: ProtocolSettings, cookies?: CookieDirective[],
): Promise<AuthorizeOutcome> {
  if (request.organization && !(await ports.permissions.organizationMembership(tenantId, login.subject, request.organization))) {
    return errorRedirect(trusted, new AccessDenied('the user is not a member of the requested organization'), cookies);
  }
  const code = randomToken(32);
  const grant: GrantSnapshot = {
    subject: login.subject, clientId: trusted.client.clientId, scopes: consent.scopes, audience: consent.audience,
    sid: login.sid, authTime: login.authTime, acr: login.acr, amr: login.amr, nonce: request.nonce,
    claims: request.claims as Record<string, unknown> | null, sessionClaims: consent.sessionClaims, consentId: consent.consentId,
    organization: request.organization ?? null,
  };
  await ports.grants.saveCode(tenantId, sha256Hex(code), {
    familyId: uuid(), clientId: trusted.client.clientId, redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge, codeChallengeMethod: request.codeChallengeMethod, grant,
    expiresAt: Math.floor(Date.now() / 1000) + settings.codeTtlSeconds,
  });
  if (login.sid && !login.sidListsClient) await ports.sessions.addParticipant(tenantId, login.sid, trusted.client.clientId);
  return authorizationResponse(trusted, { code }, cookies);
}

function loginIsUsable(session: SessionRecord | undefined, request: AuthorizationRequest): session is SessionRecord {
  if (!session) return false;
  if (request.prompt.includes('login')) return false;
  // OIDC Core §3.1.2.1 (errata set 2): max_age=0 is equivalent to prompt=login.
  if (request.maxAge === 0) return false;
  if (request.maxAge !== null && Math.floor(Date.now() / 1000) - session.authTime > request.maxAge) return false;
  // OIDC Core §3.1.2.1 acr_values: a session below the requested level must step up.
  if (acrLevel(session.acr) < requiredAcrLevel(request.acrValues)) return false;
  return true;
}

export async function startInteraction(
  req: AuthorizeHttpRequest, client: ClientRecord, request: AuthorizationRequest, trusted: TrustedRedirect,
  ports: ProtocolPorts, settings: ProtocolSettings,
): Promise<AuthorizeOutcome> {
  const tenantId = req.tenant.tenantId;
  const cookies: CookieDirective[] = [];
  let binding = req.bindingToken;
  if (!binding || !/^[A-Za-z0-9_-]{43}$/.test(binding)) {
    binding = randomToken(32);
    cookies.push({ name: 'binding', value: binding });
  }
  let session = req.sessionToken ? await ports.sessions.findByToken(tenantId, req.sessionToken) : undefined;
  if (session) {
    const account = await ports.accounts.find(tenantId, session.subject);
    if (!account?.active) session = undefined;
  }
  const existingSessionId = session?.id ?? null;
  if (!loginIsUsable(session, request)) {
    if (request.prompt.includes('none')) return errorRedirect(trusted, new LoginRequired('end-user authentication is required'), cookies);
    const { loginChallenge } = await ports.interactions.create(tenantId, {
      request, clientId: client.clientId, sessionId: existingSessionId, browserBindingHash: sha256Hex(binding),
      ttlSeconds: settings.interactionTtlSeconds,
    });
    return { kind: 'redirect', location: loginUiUrl(req.issuer, req.tenant.loginUiUrl, loginChallenge), cookies };
  }
  const login: LoginFacts = { subject: session.subject, authTime: session.authTime, acr: session.acr, amr: session.amr, sid: session.id };
  const consent = await standingConsent(tenantId, client, request, session.subject, ports);
  if (consent) return issueCode(tenantId, trusted, request, login, consent, ports, settings, cookies);
  if (request.prompt.includes('none')) return errorRedirect(trusted, new ConsentRequired('end-user consent is required'), cookies);
  const { id } = await ports.interactions.create(tenantId, {
    request, clientId: client.clientId, sessionId: session.id, browserBindingHash: sha256Hex(binding),
    ttlSeconds: settings.interactionTtlSeconds,
    skipLogin: { subject: session.subject, authTime: session.authTime, acr: session.acr, amr: session.amr },
  });
  const consentChallenge = await ports.interactions.startConsent(tenantId, id, { ...login, sessionId: session.id });
  return { kind: 'redirect', location: consentUiUrl(req.issuer, req.tenant.consentUiUrl, consentChallenge), cookies };
}
