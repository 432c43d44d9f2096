/**
 * RP-Initiated Logout 1.0.
 * - §2: `id_token_hint` is verified (our signature, our issuer; an expired hint is accepted); a bad
 *   hint is shown on an error page, never redirected.
 * - §2: `client_id`, when sent with a hint, must be the hint's audience.
 * - §3: `post_logout_redirect_uri` only if registered for that client (exact match); `state`
 *   echoed to it. Without a verifiable client, no redirect.
 * - §2 / §6: without a hint the user confirms on a page (POST with a CSRF token), so a third-party
 *   page cannot log users out.
 * Ends the browser session, emits Session.Ended and triggers Back-Channel Logout.
 */
import { JwtInvalid, peekJwtHeader, verifyJwt } from '../../../crypto/jwt.js';
import { publicKeyFromJwk, type SigningAlg } from '../../../crypto/keys.js';
import type { ClientRecord, ProtocolPorts } from '../../ports.js';
import type { AuthorizeHttpRequest, CookieDirective } from '../authorize/authorize-context.js';
import { PageError } from '../authorize/authorize-context.js';
import { single } from '../authorize/check-client.js';

export type EndSessionOutcome =
  | { kind: 'error-page'; status: number; error: string; description: string }
  | { kind: 'confirm'; hidden: Record<string, string> }
  | { kind: 'redirect'; location: string; cookies: CookieDirective[] }
  | { kind: 'logged-out'; cookies: CookieDirective[] };

export async function endSessionEndpoint(req: AuthorizeHttpRequest & { confirmed: boolean }, ports: ProtocolPorts): Promise<EndSessionOutcome> {
  const tenantId = req.tenant.tenantId;
  try {
    const hint = single(req, 'id_token_hint');
    let client: ClientRecord | undefined;
    let hintClaims: { sub?: string; sid?: string } | undefined;
    if (hint) {
      hintClaims = await verifyHint(ports, tenantId, req.issuer, hint);
      const aud = (hintClaims as { aud?: string | string[] }).aud;
      const audience = Array.isArray(aud) ? aud[0] : aud;
      const clientId = single(req, 'client_id');
      if (clientId !== undefined && clientId !== audience) throw new PageError('invalid_request', 'client_id does not match the id_token_hint audience');
      client = audience ? await ports.clients.find(tenantId, audience) : undefined;
      if (!client) throw new PageError('invalid_request', 'id_token_hint was issued to an unknown client');
    } else {
      const clientId = single(req, 'client_id');
      if (clientId) {
        client = await ports.clients.find(tenantId, clientId);
        if (!client) throw new PageError('invalid_request', 'unknown client');
      }
    }
    const postLogout = single(req, 'post_logout_redirect_uri');
    if (postLogout !== undefined) {
      if (!client) throw new PageError('invalid_request', 'post_logout_redirect_uri requires id_token_hint or client_id');
      if (!client.postLogoutRedirectUris.includes(postLogout)) throw new PageError('invalid_request', 'post_logout_redirect_uri is not registered for this client');
    }
    if (!hint && !req.confirmed) {
      const hidden: Record<string, string> = {};
      for (const k of ['client_id', 'post_logout_redirect_uri', 'state', 'ui_locales']) {
        const v = single(req, k);
        if (v !== undefined) hidden[k] = v;
      }
      return { kind: 'confirm', hidden };
    }
    const cookies: CookieDirective[] = [{ name: 'session', value: null }];
    const session = req.sessionToken ? await ports.sessions.findByToken(tenantId, req.sessionToken) : undefined;
    // A hint naming another session (sid) or user does not end this browser's session.
    const matches = session && (!hintClaims || ((!hintClaims.sid || hintClaims.sid === session.id)));
    if (session && matches) {
      await ports.sessions.end(tenantId, session.id);
      await ports.events.emit(tenantId, 'Session.Ended', { clientId: client?.clientId ?? 'end-session', subject: session.subject }, { sid: session.id, reason: 'logout' });
      await ports.logout.backchannelLogout(tenantId, { sid: session.id, subject: session.subject, issuer: req.issuer });
    }
    if (postLogout !== undefined) {
      const url = new URL(postLogout);
      const state = single(req, 'state');
      if (state !== undefined) url.searchParams.set('state', state);
      return { kind: 'redirect', location: url.toString(), cookies };
    }
    return { kind: 'logged-out', cookies };
  } catch (err) {
    if (err instanceof PageError) return { kind: 'error-page', status: err.status, error: err.error, description: err.description };
    throw err;
  }
}

async function verifyHint(ports: ProtocolPorts, tenantId: string, issuer: string, hint: string): Promise<{ sub?: string; sid?: string; aud?: string | string[] }> {
  try {
    const header = peekJwtHeader(hint);
    const jwk = (await ports.keys.publicJwks(tenantId)).find((k) => k.kid === header.kid);
    if (!jwk) throw new PageError('invalid_request', 'id_token_hint was not signed by this issuer');
    // An expired hint is still a valid hint (RP-Initiated Logout §2): tolerate any age.
    return await verifyJwt(hint, publicKeyFromJwk(jwk), { issuer, algorithms: [jwk.alg as SigningAlg], clockToleranceSeconds: 10 * 365 * 86_400 });
  } catch (err) {
    if (err instanceof JwtInvalid) throw new PageError('invalid_request', `id_token_hint is invalid: ${err.reason}`);
    throw err;
  }
}
