import type { FastifyInstance, FastifyReply } from 'fastify';
import { AUTHN_ERROR_STATUS, AuthnError, AuthnErrorCode, RecoveryService, type FlowRequest, type LoginFlow } from '../modules/authn/index.js';
import { recoverCodePage, recoverDonePage, recoverEmailPage, recoverPasswordPage, recoverSecondFactorPage, type RecoveryPageBase } from '../modules/authn/pages/recovery-pages.js';
import type { IssuerRecord } from '../protocol/ports.js';
import { FLOW_COOKIE, flowApiKit, flowRequest } from './authn-routes.js';
import type { Container } from './container.js';
import { readCookies, setCookie } from './cookies.js';
import { pageKit, type PageReq } from './page-kit.js';
import { endUserContext } from './request-context.js';


const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Account recovery (engine: modules/authn/recovery.service.ts), as a headless flow API and as
 * hosted pages.
 *
 * Flow API (JSON; the flow is named by the `signet_flow` cookie or the `Signet-Flow` header):
 *
 *   POST /t/{slug}/authentication/recovery/start                       → 201 {flow_token, …recovery view}
 *   GET  /t/{slug}/authentication/recovery                             → view
 *   POST /t/{slug}/authentication/recovery/email          {email}      → view (step "code"; same answer for unknown addresses)
 *   POST /t/{slug}/authentication/recovery/resend                      → view (a new code and link to the address given; same limits)
 *   POST /t/{slug}/authentication/recovery/code           {code}       → view (step "second_factor" with methods, or "password")
 *   POST /t/{slug}/authentication/recovery/second_factor  {method: "totp" | "recovery_code", code} → view (step "password")
 *   POST /t/{slug}/authentication/recovery/password       {password}   → {state: "completed", user_id, sessions_revoked}
 *
 * Errors `{error, error_description}`: invalid_request (400), invalid_code / code_expired (401),
 * method_not_allowed (403), step_out_of_order (409), flow_failed (410, five wrong answers),
 * password_policy (400). The flow does not sign in: the user signs in with the new password.
 *
 * Hosted pages (plain forms, POST → redirect → GET, CSRF double-submit):
 *   /t/{slug}/recover[?login_challenge=…]    the steps; the end links to the sign-in page (with the challenge)
 *   /t/{slug}/recover/verify?code=…          the link in the mail: proves the code in the browser that asked
 */
export function registerRecoveryRoutes(app: FastifyInstance, c: Container): void {
  const engine = c.services.authn;
  const recovery = new RecoveryService({
    engine, sessions: c.services.sessions, consents: c.services.consents,
    contextFor: (r, tenant, actor, em) => endUserContext(c, {
      requestId: r.requestId ?? '', tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, isSystem: tenant.isSystem }, actor, em,
    }),
  });
  const kit = pageKit(c);
  const linkUrl = (t: IssuerRecord) => `${c.services.issuerUrl(t.slug)}/recover/verify`;
  const { body, flowToken, fail, route } = flowApiKit(c);
  const setFlowCookie = (reply: FastifyReply, t: IssuerRecord, token: string | null) =>
    setCookie(reply, FLOW_COOKIE, token, { path: kit.cookiePath(t.slug), secure: kit.secure });

  // ------------------------------------------------------------------ flow API

  app.post('/t/:slug/authentication/recovery/start', route(async (_req, reply, r, t) => {
    const { token, view } = await recovery.start(r);
    setFlowCookie(reply, t, token);
    return reply.code(201).send({ flow_token: token, ...view });
  }));

  app.get('/t/:slug/authentication/recovery', route(async (req, _reply, r) => recovery.status(r, flowToken(req))));

  app.post('/t/:slug/authentication/recovery/:step', route(async (req, reply, r, t) => {
    const b = body(req);
    const token = flowToken(req);
    switch (req.params.step) {
      case 'email':
        return recovery.email(r, token, b, linkUrl(t));
      case 'resend':
        return recovery.resend(r, token, linkUrl(t));
      case 'code':
        return recovery.code(r, token, b);
      case 'second_factor':
        return recovery.secondFactor(r, token, b);
      case 'password': {
        const done = await recovery.password(r, token, b);
        setFlowCookie(reply, t, null);
        return done;
      }
      default:
        return fail(reply, 400, 'invalid_request', 'unknown recovery step (steps: email, resend, code, second_factor, password)');
    }
  }));

  // ------------------------------------------------------------------ hosted pages

  const recoverPath = (t: IssuerRecord) => `/t/${t.slug}/recover`;
  /** The authorization request to sign in to afterwards (carried, not bound: it is only a link). */
  const challengeOf = (req: PageReq): string | null => {
    const v = kit.field(req, 'login_challenge');
    return v && CHALLENGE.test(v) ? v : null;
  };
  const pageUrl = (t: IssuerRecord, challenge: string | null) => (challenge ? `${recoverPath(t)}?login_challenge=${challenge}` : recoverPath(t));
  const signInUrl = (t: IssuerRecord, challenge: string | null) => (challenge ? `/t/${t.slug}/login?login_challenge=${challenge}` : `/t/${t.slug}/login`);

  /** The browser's recovery flow, or a new one (keeping the sign-in to return to, so the mailed link finds it too). */
  const flowFor = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, challenge: string | null, fresh = false): Promise<{ flow: LoginFlow; token: string }> => {
    const token = readCookies(req)[FLOW_COOKIE];
    const existing = token && !fresh ? await engine.load(t.tenantId, token).catch(() => null) : null;
    if (existing && existing.purpose === 'recovery' && existing.state === 'identify' && (!challenge || existing.data.loginChallenge === challenge)) return { flow: existing, token: token! };
    const started = await recovery.start(r, challenge ? { loginChallenge: challenge } : {});
    setFlowCookie(reply, t, started.token);
    return { flow: started.flow, token: started.token };
  };

  const render = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, given: string | null, flow: LoginFlow, status = 200, extra: { error?: string; email?: string } = {}) => {
    const challenge = given ?? (typeof flow.data.loginChallenge === 'string' ? flow.data.loginChallenge : null);
    const view = recovery.view(await engine.tenant(t.tenantId), flow);
    const base: RecoveryPageBase = {
      tenantName: t.name, action: recoverPath(t), error: extra.error, signInUrl: signInUrl(t, challenge),
      hidden: { ...(challenge ? { login_challenge: challenge } : {}), csrf_token: kit.csrfFor(req, reply, t) },
    };
    switch (view.step) {
      case 'code':
        if (view.pending) return kit.html(reply, status, recoverCodePage({ ...base, destination: view.pending.destination }));
        return kit.html(reply, status, recoverEmailPage({ ...base, email: extra.email }));
      case 'second_factor':
        return kit.html(reply, status, recoverSecondFactorPage({ ...base, methods: view.methods }));
      case 'password':
        return kit.html(reply, status, recoverPasswordPage({ ...base, policy: { minLength: view.password_policy.min_length, requireClasses: view.password_policy.require_classes } }));
      default:
        return kit.html(reply, status, recoverEmailPage({ ...base, email: extra.email }));
    }
  };

  const handle = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, challenge: string | null, work: () => Promise<unknown>, email?: string): Promise<unknown> => {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof AuthnError)) throw err;
      const status = AUTHN_ERROR_STATUS[err.code];
      const token = readCookies(req)[FLOW_COOKIE];
      const flow = err.code === AuthnErrorCode.FLOW_FAILED || err.code === AuthnErrorCode.FLOW_NOT_FOUND ? null : await engine.load(t.tenantId, token).catch(() => null);
      if (!flow || flow.purpose !== 'recovery') {
        const fresh = await flowFor(req, reply, t, r, challenge, true);
        return render(req, reply, t, challenge, fresh.flow, status, { error: err.message, email });
      }
      return render(req, reply, t, challenge, flow, status, { error: err.message, email });
    }
  };

  app.get('/t/:slug/recover', kit.withTenant(async (req, reply, t) => {
    const r = flowRequest(c, req, reply, t);
    const challenge = challengeOf(req);
    return handle(req, reply, t, r, challenge, async () => render(req, reply, t, challenge, (await flowFor(req, reply, t, r, challenge)).flow));
  }));

  app.post('/t/:slug/recover', kit.withTenant(async (req, reply, t) => {
    if (!kit.csrfOk(req)) return kit.pageError(reply, req, t, 403, 'invalid_request', 'the form has expired; go back and try again');
    const r = flowRequest(c, req, reply, t);
    const challenge = challengeOf(req);
    const step = kit.field(req, 'step') ?? '';
    const email = kit.field(req, 'email');
    return handle(req, reply, t, r, challenge, async () => {
      if (step === 'restart') {
        await flowFor(req, reply, t, r, challenge, true);
        return kit.redirect(reply, pageUrl(t, challenge));
      }
      const { token } = await flowFor(req, reply, t, r, challenge);
      const code = kit.field(req, 'code') ?? '';
      switch (step) {
        case 'email':
          await recovery.email(r, token, { email: email ?? '' }, linkUrl(t));
          break;
        case 'resend':
          await recovery.resend(r, token, linkUrl(t));
          break;
        case 'code':
          await recovery.code(r, token, { code });
          break;
        case 'second_factor':
          await recovery.secondFactor(r, token, { method: kit.field(req, 'method') ?? '', code });
          break;
        case 'password': {
          const done = await recovery.password(r, token, { password: kit.field(req, 'password') ?? '' });
          setFlowCookie(reply, t, null);
          return kit.html(reply, 200, recoverDonePage({ tenantName: t.name, signInUrl: signInUrl(t, challenge), sessionsRevoked: done.sessions_revoked }));
        }
        default:
          throw new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'unknown step', ['step']);
      }
      return kit.redirect(reply, pageUrl(t, challenge));
    }, email);
  }));

  /** The mailed link: the code, proven in the browser whose flow it belongs to. */
  app.get('/t/:slug/recover/verify', kit.withTenant(async (req, reply, t) => {
    const r = flowRequest(c, req, reply, t);
    const token = readCookies(req)[FLOW_COOKIE];
    const flow = await engine.load(t.tenantId, token).catch(() => null);
    if (!flow || flow.purpose !== 'recovery') {
      const fresh = await flowFor(req, reply, t, r, null, true);
      return render(req, reply, t, null, fresh.flow, 400, { error: 'open the link in the browser where you asked for it, or type the code from the email there' });
    }
    const challenge = typeof flow.data.loginChallenge === 'string' ? flow.data.loginChallenge : null;
    return handle(req, reply, t, r, challenge, async () => {
      await recovery.code(r, token, { code: kit.field(req, 'code') ?? '' });
      return kit.redirect(reply, pageUrl(t, challenge));
    });
  }));
}
