import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../crypto/random.js';
import { AUTHN_ERROR_STATUS, AuthnError, type FlowRequest } from '../modules/authn/index.js';
import { InteractionError } from '../modules/interaction/index.js';
import type { IssuerRecord } from '../protocol/ports.js';
import type { Container } from './container.js';
import { readCookies, setCookie } from './cookies.js';

export const FLOW_COOKIE = 'signet_flow';
export const DEVICE_COOKIE = 'signet_device';
export const FLOW_HEADER = 'signet-flow';
const DEVICE_MAX_AGE = 400 * 86_400;

/** The request facts every engine call takes (and the device cookie, set when the browser has none). */
export function flowRequest(c: Container, req: FastifyRequest, reply: FastifyReply, t: IssuerRecord): FlowRequest {
  let device = readCookies(req)[DEVICE_COOKIE];
  if (!device || !/^[A-Za-z0-9_-]{43}$/.test(device)) {
    device = randomToken(32);
    setCookie(reply, DEVICE_COOKIE, device, { path: `/t/${t.slug}/`, secure: c.settings.secureCookies, maxAgeSeconds: DEVICE_MAX_AGE });
  }
  return {
    tenantId: t.tenantId, slug: t.slug, ip: req.ip ?? null, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null,
    deviceToken: device, requestId: req.id,
  };
}

type FlowApiReq = FastifyRequest<{ Params: { slug: string; step?: string } }>;

/**
 * What every flow API route shares (sign-in, sign-up, recovery): the JSON body, the flow token
 * (cookie or header), RFC-6749-style error JSON, and `route`, which resolves the tenant, marks the
 * answer no-store and turns engine errors into their status (Retry-After on 429) — never a 5xx
 * for bad input.
 */
export function flowApiKit(c: Container) {
  const body = (req: FastifyRequest): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body as Record<string, unknown> : {});
  const flowToken = (req: FastifyRequest): string | undefined => {
    const header = req.headers[FLOW_HEADER];
    return (typeof header === 'string' ? header : undefined) ?? readCookies(req)[FLOW_COOKIE];
  };
  const fail = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
  const route = (handler: (req: FlowApiReq, reply: FastifyReply, r: FlowRequest, t: IssuerRecord) => Promise<unknown>) => async (req: FlowApiReq, reply: FastifyReply) => {
    const t = await c.issuers.findBySlug(req.params.slug);
    if (!t) return fail(reply, 404, 'not_found', 'unknown issuer');
    reply.header('cache-control', 'no-store');
    try {
      return await handler(req, reply, flowRequest(c, req, reply, t), t);
    } catch (err) {
      if (err instanceof AuthnError) {
        if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
        return fail(reply, AUTHN_ERROR_STATUS[err.code], err.code.toLowerCase(), err.message);
      }
      if (err instanceof InteractionError) return fail(reply, err.code === 'NOT_FOUND' ? 404 : 409, `login_challenge_${err.code.toLowerCase()}`, err.message);
      throw err;
    }
  };
  return { body, flowToken, fail, route };
}

/**
 * The headless authentication flow API (shaped after the identity hub's in the seeds), for
 * tenants that build their own sign-in UI or native apps; Signet's hosted pages drive the same
 * engine in-process.
 *
 *   POST /t/{slug}/authentication/start          {login_challenge?, purpose?}      → 201 flow (+ flow cookie, flow_token)
 *   GET  /t/{slug}/authentication/status                                           → flow
 *   POST /t/{slug}/authentication/authenticate   {method, …method fields}          → flow
 *   POST /t/{slug}/authentication/verify-otp     {code}                            → flow
 *   POST /t/{slug}/authentication/resend                                           → flow (a new code or link replaces the pending one)
 *   POST /t/{slug}/authentication/enroll         {method: "totp"}                  → secret, otpauth_uri, qr_svg
 *   POST /t/{slug}/authentication/complete       {remember?}                       → {redirect_to} or {session}
 *   POST /t/{slug}/authentication/login          {email, password, remember?}      → {session} at once, or 202 flow (+ flow_token) when a second factor is due
 *
 * The flow is named by the `signet_flow` cookie or the `Signet-Flow` header (the `flow_token`
 * from start). Errors: `{error, error_description}` with 400/401/403/404/409/410/429 (and
 * Retry-After on 429); never a 5xx for bad input. Responses are never cached.
 */
export function registerAuthnRoutes(app: FastifyInstance, c: Container): void {
  const base = '/t/:slug/authentication';
  const { body, flowToken, fail, route } = flowApiKit(c);

  app.post(`${base}/start`, route(async (req, reply, r, t) => {
    const b = body(req);
    const purpose = b.purpose === undefined ? 'login' : b.purpose;
    if (purpose !== 'login' && purpose !== 'registration' && purpose !== 'recovery') return fail(reply, 400, 'invalid_request', 'purpose must be login, registration or recovery');
    if (b.login_challenge !== undefined && typeof b.login_challenge !== 'string') return fail(reply, 400, 'invalid_request', 'login_challenge must be a string');
    const { token, view } = await c.services.authn.start(r, { purpose, loginChallenge: b.login_challenge as string | undefined, sessionToken: readCookies(req).signet_session });
    setCookie(reply, FLOW_COOKIE, token, { path: `/t/${t.slug}/`, secure: c.settings.secureCookies });
    return reply.code(201).send({ flow_token: token, ...view });
  }));

  app.get(`${base}/status`, route(async (req, _reply, r) => c.services.authn.status(r, flowToken(req))));

  app.post(`${base}/authenticate`, route(async (req, _reply, r) => {
    const result = await c.services.authn.authenticate(r, flowToken(req), body(req) as { method: string });
    return { ...result.view, ...(result.recoveryCodes ? { recovery_codes: result.recoveryCodes } : {}) };
  }));

  app.post(`${base}/verify-otp`, route(async (req, _reply, r) => (await c.services.authn.verifyOtp(r, flowToken(req), body(req))).view));

  app.post(`${base}/resend`, route(async (req, _reply, r) => c.services.authn.resendCode(r, flowToken(req))));

  app.post(`${base}/enroll`, route(async (req, reply, r) => {
    if ((body(req).method ?? 'totp') !== 'totp') return fail(reply, 400, 'invalid_request', 'only totp can be enrolled during sign-in');
    const e = await c.services.authn.beginEnrolment(r, flowToken(req));
    return { method: 'totp', authenticator_id: e.authenticatorId, secret: e.secret, otpauth_uri: e.otpauthUri, qr_svg: e.qrSvg };
  }));

  app.post(`${base}/login`, route(async (req, reply, r, t) => {
    const b = body(req);
    if (b.remember !== undefined && typeof b.remember !== 'boolean') return fail(reply, 400, 'invalid_request', 'remember must be a boolean');
    const out = await c.services.authn.loginWithPassword(r, {
      email: b.email, password: b.password, remember: b.remember as boolean | undefined, previousSessionToken: readCookies(req).signet_session,
    });
    if ('token' in out) {
      setCookie(reply, FLOW_COOKIE, out.token, { path: `/t/${t.slug}/`, secure: c.settings.secureCookies });
      return reply.code(202).send({ flow_token: out.token, ...out.view });
    }
    const s = out.completed.session!;
    setCookie(reply, 'signet_session', s.token, { path: `/t/${t.slug}/`, secure: c.settings.secureCookies, maxAgeSeconds: s.remember ? s.ttlSeconds : undefined });
    return { session: { id: s.id, expires_in: s.ttlSeconds }, user_id: out.completed.userId, amr: out.completed.amr, acr: out.completed.acr };
  }));

  app.post(`${base}/complete`, route(async (req, reply, r, t) => {
    const b = body(req);
    if (b.remember !== undefined && typeof b.remember !== 'boolean') return fail(reply, 400, 'invalid_request', 'remember must be a boolean');
    const out = await c.services.authn.complete(r, flowToken(req), { remember: b.remember as boolean | undefined, previousSessionToken: readCookies(req).signet_session });
    setCookie(reply, FLOW_COOKIE, null, { path: `/t/${t.slug}/`, secure: c.settings.secureCookies });
    if (out.redirectTo) return { redirect_to: out.redirectTo };
    const s = out.session!;
    setCookie(reply, 'signet_session', s.token, { path: `/t/${t.slug}/`, secure: c.settings.secureCookies, maxAgeSeconds: s.remember ? s.ttlSeconds : undefined });
    return { session: { id: s.id, expires_in: s.ttlSeconds }, user_id: out.userId };
  }));
}
