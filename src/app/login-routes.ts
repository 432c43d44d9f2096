import type { FastifyInstance, FastifyReply } from 'fastify';
import { AUTHN_ERROR_STATUS, AuthnError, AuthnErrorCode, type FlowRequest, type LoginFlow } from '../modules/authn/index.js';
import { checkEmailPage, enrolTotpPage, enterCodePage, recoveryCodesPage, secondFactorPage, signInPage, type LoginPageBase } from '../modules/authn/pages/login-pages.js';
import { InteractionError } from '../modules/interaction/index.js';
import type { IssuerRecord } from '../protocol/ports.js';
import { FLOW_COOKIE, flowRequest } from './authn-routes.js';
import type { Container } from './container.js';
import { readCookies, setCookie } from './cookies.js';
import { COOKIE, pageKit, type PageReq } from './page-kit.js';

/** Where a hosted sign-in goes when it ends: an authorization request, or a page of the tenant (the portal). */
type Target = { kind: 'challenge'; challenge: string } | { kind: 'return'; returnTo: string } | { kind: 'continue' };

/**
 * The hosted sign-in: `/t/{slug}/login` renders the current step of the browser's login flow
 * (cookie `signet_flow`) and takes each answer as a plain form POST (then redirects back: POST,
 * redirect, GET), so refresh and back never resubmit. `/t/{slug}/login/magic?token=` consumes a
 * magic link in the browser that asked for it. The pages drive the same engine as the headless
 * flow API; without a login_challenge the flow ends in an SSO session and a redirect to
 * `return_to` (a path of the same tenant; default: the account portal).
 */
export function registerLoginRoutes(app: FastifyInstance, c: Container): void {
  const kit = pageKit(c);
  const engine = c.services.authn;
  const loginPath = (t: IssuerRecord) => `/t/${t.slug}/login`;

  const targetOf = (req: PageReq, t: IssuerRecord): Target | { kind: 'invalid'; message: string } => {
    const challenge = kit.field(req, 'login_challenge');
    if (challenge) return { kind: 'challenge', challenge };
    const returnTo = kit.field(req, 'return_to');
    if (returnTo !== undefined) {
      // Same tenant, path only: never an open redirect.
      const ok = returnTo.startsWith(`/t/${t.slug}/`) && !returnTo.includes('//') && !/[\\\s]/.test(returnTo) && returnTo.length <= 500;
      return ok ? { kind: 'return', returnTo } : { kind: 'invalid', message: 'return_to must be a page of this tenant' };
    }
    return { kind: 'continue' };
  };

  const pageUrl = (t: IssuerRecord, target: Target) => {
    if (target.kind === 'challenge') return `${loginPath(t)}?login_challenge=${encodeURIComponent(target.challenge)}`;
    if (target.kind === 'return') return `${loginPath(t)}?return_to=${encodeURIComponent(target.returnTo)}`;
    return loginPath(t);
  };

  const setFlowCookie = (reply: FastifyReply, t: IssuerRecord, token: string | null) =>
    setCookie(reply, FLOW_COOKIE, token, { path: kit.cookiePath(t.slug), secure: kit.secure });

  /** The browser's flow for this target, or a new one (the cookie then names it). */
  const flowFor = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, target: Target, fresh = false): Promise<{ flow: LoginFlow; token: string }> => {
    const token = readCookies(req)[FLOW_COOKIE];
    const existing = token && !fresh ? await engine.load(t.tenantId, token).catch(() => null) : null;
    if (existing && existing.purpose === 'login') {
      if (target.kind === 'continue') return { flow: existing, token: token! };
      if (target.kind === 'return' && !existing.interactionId) return { flow: existing, token: token! };
      if (target.kind === 'challenge' && existing.interactionId) {
        const facts = await c.services.interactions.loginFacts(t.tenantId, target.challenge);
        if (facts.interactionId === existing.interactionId) return { flow: existing, token: token! };
      }
    }
    const started = await engine.start(r, {
      purpose: 'login',
      loginChallenge: target.kind === 'challenge' ? target.challenge : null,
      sessionToken: readCookies(req)[COOKIE.session],
      data: { returnTo: target.kind === 'return' ? target.returnTo : `/t/${t.slug}/account` },
    });
    setFlowCookie(reply, t, started.token);
    return { flow: started.flow, token: started.token };
  };

  /** Sign-up and recovery continue the authorization request (`?login_challenge=`). */
  const withChallenge = (target: Target) => (target.kind === 'challenge' ? `?login_challenge=${encodeURIComponent(target.challenge)}` : '');

  const hiddenFor = (target: Target, csrf: string): Record<string, string> => ({
    ...(target.kind === 'challenge' ? { login_challenge: target.challenge } : target.kind === 'return' ? { return_to: target.returnTo } : {}),
    csrf_token: csrf,
  });

  /** Renders the page of the flow's current step (or finishes it when nothing is left). */
  const render = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, target: Target, flow: LoginFlow, token: string,
    status = 200, extra: { error?: string; notice?: string; email?: string; recoveryCodes?: string[] } = {}): Promise<unknown> => {
    const tenant = await engine.tenant(t.tenantId);
    const view = await engine.view(tenant, flow);
    const clientName = flow.interactionId ? (await c.services.interactions.clientOf(t.tenantId, flow.interactionId))?.client_name ?? null : null;
    const base: LoginPageBase = {
      tenantName: t.name, clientName, action: loginPath(t), hidden: hiddenFor(target, kit.csrfFor(req, reply, t)),
      error: extra.error, notice: extra.notice, restartable: true,
      passkey: view.methods.includes('passkey') ? {
        script: `/t/${t.slug}/assets/passkey.js`, optionsUrl: `/t/${t.slug}/authentication/passkey/options`,
        verifyUrl: `/t/${t.slug}/authentication/authenticate`, nextUrl: pageUrl(t, target),
      } : undefined,
    };
    switch (view.state) {
      case 'identify':
        if (flow.otp?.channel === 'magic_link') return kit.html(reply, status, checkEmailPage({ ...base, destination: flow.otp.destination }));
        if (flow.otp) return kit.html(reply, status, enterCodePage({ ...base, destination: flow.otp.destination, channel: flow.otp.channel }));
        return kit.html(reply, status, signInPage({
          ...base, restartable: false, methods: view.methods, email: extra.email,
          registerUrl: tenant.selfRegistration ? `/t/${t.slug}/register${withChallenge(target)}` : undefined, recoverUrl: `/t/${t.slug}/recover${withChallenge(target)}`,
        }));
      case 'second_factor':
        if (flow.otp) return kit.html(reply, status, enterCodePage({ ...base, destination: flow.otp.destination, channel: flow.otp.channel as 'email_otp' | 'phone_otp' }));
        return kit.html(reply, status, secondFactorPage({ ...base, methods: view.methods }));
      case 'enroll_mfa': {
        const enrolment = await engine.beginEnrolment(r, token);
        return kit.html(reply, status, enrolTotpPage({ ...base, qrSvg: enrolment.qrSvg, secret: enrolment.secret }));
      }
      case 'authenticated':
        if (extra.recoveryCodes) return kit.html(reply, 200, recoveryCodesPage({ ...base, restartable: false, codes: extra.recoveryCodes }));
        return finish(req, reply, t, r, flow, token);
      default:
        return kit.pageError(reply, req, t, 400, 'invalid_request', 'this sign-in has ended; start again from the application');
    }
  };

  /** Hands the proven sign-in over: back to the authorization request, or a session and the return page. */
  const finish = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, flow: LoginFlow, token: string) => {
    const out = await engine.complete(r, token, { previousSessionToken: readCookies(req)[COOKIE.session] });
    setFlowCookie(reply, t, null);
    if (out.redirectTo) return kit.redirect(reply, out.redirectTo);
    const s = out.session!;
    setCookie(reply, COOKIE.session, s.token, { path: kit.cookiePath(t.slug), secure: kit.secure, maxAgeSeconds: s.remember ? s.ttlSeconds : undefined });
    const returnTo = typeof flow.data.returnTo === 'string' ? flow.data.returnTo : `/t/${t.slug}/account`;
    return kit.redirect(reply, returnTo);
  };

  /** Engine and challenge errors as pages: the step again with the message, or a fresh start. */
  const handle = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, target: Target, work: () => Promise<unknown>, email?: string): Promise<unknown> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof InteractionError) return kit.pageError(reply, req, t, 400, 'invalid_request', err.message);
      if (!(err instanceof AuthnError)) throw err;
      if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      const status = AUTHN_ERROR_STATUS[err.code];
      if (err.code === AuthnErrorCode.FLOW_FAILED || err.code === AuthnErrorCode.FLOW_NOT_FOUND) {
        const { flow, token } = await flowFor(req, reply, t, r, target, true);
        return render(req, reply, t, r, target, flow, token, status, { error: err.message });
      }
      const token = readCookies(req)[FLOW_COOKIE];
      const flow = await engine.load(t.tenantId, token).catch(() => null);
      if (!flow) {
        const fresh = await flowFor(req, reply, t, r, target, true);
        return render(req, reply, t, r, target, fresh.flow, fresh.token, status, { error: err.message });
      }
      return render(req, reply, t, r, target, flow, token!, status, { error: err.message, email });
    }
  };

  app.get('/t/:slug/login', kit.withTenant(async (req, reply, t) => {
    const target = targetOf(req, t);
    if (target.kind === 'invalid') return kit.pageError(reply, req, t, 400, 'invalid_request', target.message);
    const r = flowRequest(c, req, reply, t);
    const effective: Target = target.kind === 'continue' && !readCookies(req)[FLOW_COOKIE] ? { kind: 'return', returnTo: `/t/${t.slug}/account` } : target;
    return handle(req, reply, t, r, effective, async () => {
      const { flow, token } = await flowFor(req, reply, t, r, effective);
      return render(req, reply, t, r, effective, flow, token);
    });
  }));

  app.post('/t/:slug/login', kit.withTenant(async (req, reply, t) => {
    const target = targetOf(req, t);
    if (target.kind === 'invalid') return kit.pageError(reply, req, t, 400, 'invalid_request', target.message);
    if (!kit.csrfOk(req)) return kit.pageError(reply, req, t, 403, 'invalid_request', 'the form has expired; go back and try again');
    const r = flowRequest(c, req, reply, t);
    const step = kit.field(req, 'step') ?? 'password';
    const email = kit.field(req, 'email');
    return handle(req, reply, t, r, target, async () => {
      if (step === 'restart') {
        await flowFor(req, reply, t, r, target, true);
        return kit.redirect(reply, pageUrl(t, target));
      }
      const { flow, token } = await flowFor(req, reply, t, r, target);
      let recoveryCodes: string[] | undefined;
      const code = kit.field(req, 'code') ?? '';
      switch (step) {
        case 'password':
          await engine.setData(t.tenantId, flow, { remember: kit.field(req, 'remember') === '1' });
          await engine.authenticate(r, token, { method: 'password', email: email ?? '', password: kit.field(req, 'password') ?? '' });
          break;
        case 'email_otp':
        case 'magic_link':
        case 'phone_otp':
          await engine.authenticate(r, token, { method: step, email: email ?? '', phone_number: kit.field(req, 'phone_number') ?? '' });
          break;
        case 'verify_code':
          await engine.verifyOtp(r, token, { code });
          break;
        case 'resend_code':
          await engine.resendCode(r, token);
          break;
        case 'totp':
        case 'enrol_totp':
          ({ recoveryCodes } = await engine.authenticate(r, token, { method: 'totp', code }));
          break;
        case 'recovery_code':
          await engine.authenticate(r, token, { method: 'recovery_code', code });
          break;
        case 'anonymous':
          await engine.authenticate(r, token, { method: 'anonymous' });
          break;
        case 'complete':
          break;
        default:
          throw new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'unknown step', ['step']);
      }
      const current = await engine.load(t.tenantId, token);
      if (recoveryCodes) return render(req, reply, t, r, target, current, token, 200, { recoveryCodes });
      if (current.state === 'authenticated') return finish(req, reply, t, r, current, token);
      return kit.redirect(reply, pageUrl(t, target));
    }, email);
  }));

  app.get('/t/:slug/login/magic', kit.withTenant(async (req, reply, t) => {
    const link = kit.field(req, 'token') ?? '';
    const r = flowRequest(c, req, reply, t);
    try {
      const { flow } = await engine.consumeMagicLink(r, readCookies(req)[FLOW_COOKIE], link);
      const token = readCookies(req)[FLOW_COOKIE]!;
      if (flow.state === 'authenticated') return await finish(req, reply, t, r, flow, token);
      return kit.redirect(reply, loginPath(t));
    } catch (err) {
      if (err instanceof AuthnError || err instanceof InteractionError) {
        const status = err instanceof AuthnError ? AUTHN_ERROR_STATUS[err.code] : 400;
        return kit.pageError(reply, req, t, status, err instanceof AuthnError && err.code === AuthnErrorCode.WRONG_BROWSER ? 'wrong_browser' : 'invalid_link', err.message);
      }
      throw err;
    }
  }));
}
