import type { FastifyInstance, FastifyReply } from 'fastify';
import { AUTHN_ERROR_STATUS, AuthnError, AuthnErrorCode, RegistrationService, type FlowRequest, type LoginFlow } from '../modules/authn/index.js';
import {
  signUpCheckEmailPage, signUpCodePage, signUpEmailPage, signUpCodeExpiredPage, signUpPasswordPage, signUpPhonePage,
  signUpProfilePage, signUpTermsPage, signUpUnavailablePage, upgradeUnavailablePage, type SignUpPageBase,
} from '../modules/authn/pages/registration-pages.js';
import { InteractionError } from '../modules/interaction/index.js';
import type { IssuerRecord } from '../protocol/ports.js';
import { FLOW_COOKIE, flowApiKit, flowRequest } from './authn-routes.js';
import type { Container } from './container.js';
import { readCookies, setCookie } from './cookies.js';
import { COOKIE, pageKit, type PageReq } from './page-kit.js';
import { portalUser } from './portal-session.js';


/** Where a hosted sign-up goes when it ends: an authorization request, a page of the tenant, or a "done" page. */
type Target = { kind: 'challenge'; challenge: string } | { kind: 'return'; returnTo: string } | { kind: 'none' };

/**
 * Self-registration and guest upgrade (engine: modules/authn/registration.service.ts), as a
 * headless flow API and as hosted pages.
 *
 * Flow API (JSON; the flow is named by the `signet_flow` cookie or the `Signet-Flow` header,
 * like /authentication/*; errors `{error, error_description}` with the flow API's statuses):
 *
 *   POST /t/{slug}/authentication/registration/start  {login_challenge?}   → 201 {flow_token, …registration view}
 *                                                                             (403 registration_disabled unless tenant.selfRegistration)
 *   POST /t/{slug}/authentication/upgrade/start       (SSO session cookie of a guest) → 201 {flow_token, …view, kind: "upgrade"}
 *   GET  /t/{slug}/authentication/registration                              → view
 *   POST /t/{slug}/authentication/registration/{step} {…fields} | {skip: true} → view
 *   POST /t/{slug}/authentication/registration/resend                        → view (a new code to the address or number given)
 *        email {email} · email_verification {code} · terms {accept: true} · profile {given_name, family_name}
 *        · phone_verification {phone_number} (texts a code) then {code} · credentials {password}
 *   POST /t/{slug}/authentication/complete            (authn-routes.ts)     → {redirect_to} | {session, user_id}
 *
 * The view names the next `step` (`complete` once the account exists, null when the flow ended
 * with `outcome: "check_email"`), every planned step with its requirement and status, and the
 * pending code's masked destination. Bad input: invalid_request (400), invalid_code /
 * code_expired (401), step_out_of_order (409), method_not_allowed (403, a step the tenant hides),
 * password_policy (400), already_exists (409, upgrade only), flow_failed (410, five wrong codes).
 *
 * Hosted pages (plain forms, POST → redirect → GET, CSRF double-submit, page-kit.ts):
 *   /t/{slug}/register[?login_challenge=…|return_to=/t/{slug}/…]   sign-up; 403 page when sign-up is off
 *   /t/{slug}/account/upgrade[?return_to=…]                          a signed-in guest keeps the account
 * With a login_challenge the sign-up ends at the client (login accepted, then consent); otherwise
 * in an SSO session and return_to (default: the account portal).
 */
export function registerRegistrationRoutes(app: FastifyInstance, c: Container): void {
  const registration = new RegistrationService(c.services.authn);
  const engine = c.services.authn;
  const kit = pageKit(c);
  const { body, flowToken, fail, route } = flowApiKit(c);
  const setFlowCookie = (reply: FastifyReply, t: IssuerRecord, token: string | null) =>
    setCookie(reply, FLOW_COOKIE, token, { path: kit.cookiePath(t.slug), secure: kit.secure });

  // ------------------------------------------------------------------ flow API

  app.post('/t/:slug/authentication/registration/start', route(async (req, reply, r, t) => {
    const b = body(req);
    if (b.login_challenge !== undefined && typeof b.login_challenge !== 'string') return fail(reply, 400, 'invalid_request', 'login_challenge must be a string');
    const { token, view } = await registration.start(r, { loginChallenge: b.login_challenge as string | undefined });
    setFlowCookie(reply, t, token);
    return reply.code(201).send({ flow_token: token, ...view });
  }));

  app.post('/t/:slug/authentication/upgrade/start', route(async (req, reply, r, t) => {
    const who = await portalUser(c, req, t);
    if (!who) return fail(reply, 401, 'login_required', 'sign in as a guest first (SSO session cookie)');
    const { token, view } = await registration.startUpgrade(r, { userId: who.user.id });
    setFlowCookie(reply, t, token);
    return reply.code(201).send({ flow_token: token, ...view });
  }));

  app.get('/t/:slug/authentication/registration', route(async (req, _reply, r) => registration.status(r, flowToken(req))));

  app.post('/t/:slug/authentication/registration/resend', route(async (req, _reply, r) => registration.resend(r, flowToken(req))));
  app.post('/t/:slug/authentication/registration/:step', route(async (req, _reply, r) =>
    registration.step(r, flowToken(req), req.params.step ?? '', body(req))));

  // ------------------------------------------------------------------ hosted pages

  const registerPath = (t: IssuerRecord) => `/t/${t.slug}/register`;
  const upgradePath = (t: IssuerRecord) => `/t/${t.slug}/account/upgrade`;
  const signInUrl = (t: IssuerRecord, target: Target) =>
    target.kind === 'challenge' ? `/t/${t.slug}/login?login_challenge=${encodeURIComponent(target.challenge)}` : `/t/${t.slug}/login`;

  const targetOf = (req: PageReq, t: IssuerRecord): Target | { kind: 'invalid'; message: string } => {
    const challenge = kit.field(req, 'login_challenge');
    if (challenge) return { kind: 'challenge', challenge };
    const returnTo = kit.field(req, 'return_to');
    if (returnTo !== undefined && returnTo !== '') {
      // Same tenant, path only: never an open redirect.
      const ok = returnTo.startsWith(`/t/${t.slug}/`) && !returnTo.includes('//') && !/[\\\s]/.test(returnTo) && returnTo.length <= 500;
      return ok ? { kind: 'return', returnTo } : { kind: 'invalid', message: 'return_to must be a page of this tenant' };
    }
    return { kind: 'none' };
  };

  const pageUrl = (path: string, target: Target) => {
    if (target.kind === 'challenge') return `${path}?login_challenge=${encodeURIComponent(target.challenge)}`;
    if (target.kind === 'return') return `${path}?return_to=${encodeURIComponent(target.returnTo)}`;
    return path;
  };

  const hiddenFor = (target: Target, csrf: string): Record<string, string> => ({
    ...(target.kind === 'challenge' ? { login_challenge: target.challenge } : target.kind === 'return' ? { return_to: target.returnTo } : {}),
    csrf_token: csrf,
  });

  /** One hosted page family: sign-up (`register`) or guest upgrade (`upgrade`, bound to the signed-in guest). */
  interface Mode {
    upgrade: boolean;
    path: (t: IssuerRecord) => string;
    /** The guest being upgraded (upgrade pages only). */
    guestId?: string;
  }

  /** The browser's flow for this page and target, or a new one (the cookie then names it). */
  const flowFor = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, target: Target, mode: Mode, fresh = false): Promise<{ flow: LoginFlow; token: string }> => {
    const token = readCookies(req)[FLOW_COOKIE];
    const existing = token && !fresh ? await engine.load(t.tenantId, token).catch(() => null) : null;
    if (existing && existing.purpose === 'registration') {
      const kind = (existing.data.registration as { kind?: string } | undefined)?.kind ?? 'registration';
      const returnTo = typeof existing.data.returnTo === 'string' ? existing.data.returnTo : null;
      if (mode.upgrade && kind === 'upgrade' && existing.userId === mode.guestId && returnTo === (target.kind === 'return' ? target.returnTo : null)) return { flow: existing, token: token! };
      if (!mode.upgrade && kind === 'registration') {
        if (target.kind === 'challenge' && existing.interactionId) {
          const facts = await c.services.interactions.loginFacts(t.tenantId, target.challenge);
          if (facts.interactionId === existing.interactionId) return { flow: existing, token: token! };
        } else if (target.kind !== 'challenge' && !existing.interactionId && returnTo === (target.kind === 'return' ? target.returnTo : null)) {
          return { flow: existing, token: token! };
        }
      }
    }
    const returnTo = target.kind === 'return' ? target.returnTo : undefined;
    const started = mode.upgrade
      ? await registration.startUpgrade(r, { userId: mode.guestId!, returnTo })
      : await registration.start(r, { loginChallenge: target.kind === 'challenge' ? target.challenge : null, returnTo });
    setFlowCookie(reply, t, started.token);
    return { flow: started.flow, token: started.token };
  };

  const clientName = async (t: IssuerRecord, target: Target): Promise<string | null> => {
    if (target.kind !== 'challenge') return null;
    return (await c.services.interactions.getLogin(t.tenantId, target.challenge).catch(() => null))?.client.client_name ?? null;
  };

  /** Renders the page of the flow's next step (or finishes it when the account exists). */
  const render = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, target: Target, mode: Mode, flow: LoginFlow, token: string,
    status = 200, extra: { error?: string; fields?: Record<string, string> } = {}): Promise<unknown> => {
    const tenant = await engine.tenant(t.tenantId);
    const view = registration.view(tenant, flow);
    const base: SignUpPageBase = {
      tenantName: t.name, clientName: await clientName(t, target), action: pageUrl(mode.path(t), target).split('?')[0]!,
      hidden: hiddenFor(target, kit.csrfFor(req, reply, t)), error: extra.error, upgrade: mode.upgrade, signInUrl: signInUrl(t, target),
    };
    const optional = (name: string) => view.steps.find((s) => s.name === name)?.requirement === 'optional';
    switch (view.step) {
      case 'email':
        return kit.html(reply, status, signUpEmailPage({ ...base, email: extra.fields?.email }));
      case 'email_verification':
        return kit.html(reply, status, view.pending
          ? signUpCodePage({ ...base, destination: view.pending.destination, channel: 'email', optional: optional('email_verification') })
          : signUpCodeExpiredPage({ ...base, optional: optional('email_verification') }));
      case 'terms':
        return kit.html(reply, status, signUpTermsPage({ ...base, termsUrl: view.terms_url, optional: optional('terms') }));
      case 'profile':
        return kit.html(reply, status, signUpProfilePage({ ...base, optional: optional('profile'), givenName: extra.fields?.given_name, familyName: extra.fields?.family_name }));
      case 'phone_verification':
        return kit.html(reply, status, view.pending
          ? signUpCodePage({ ...base, destination: view.pending.destination, channel: 'sms', optional: optional('phone_verification') })
          : signUpPhonePage({ ...base, optional: optional('phone_verification') }));
      case 'credentials':
        return kit.html(reply, status, signUpPasswordPage({ ...base, optional: optional('credentials'), policy: { minLength: view.password_policy.min_length, requireClasses: view.password_policy.require_classes } }));
      case 'complete':
        return finish(req, reply, t, r, flow, token);
      default:
        return kit.pageError(reply, req, t, 400, 'invalid_request', 'this sign-up has ended; start again');
    }
  };

  /** Hands the new account over: back to the authorization request, or a session and return_to (default: the portal). */
  const finish = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, flow: LoginFlow, token: string) => {
    // A guest's session is replaced by the upgraded account's (same user: no back-channel logout).
    const out = await engine.complete(r, token, { remember: true, previousSessionToken: readCookies(req)[COOKIE.session] });
    setFlowCookie(reply, t, null);
    if (out.redirectTo) return kit.redirect(reply, out.redirectTo);
    const s = out.session!;
    setCookie(reply, COOKIE.session, s.token, { path: kit.cookiePath(t.slug), secure: kit.secure, maxAgeSeconds: s.ttlSeconds });
    return kit.redirect(reply, typeof flow.data.returnTo === 'string' ? flow.data.returnTo : `/t/${t.slug}/account`);
  };

  /** Engine and challenge errors as pages: the step again with the message, or a fresh start. */
  const handle = async (req: PageReq, reply: FastifyReply, t: IssuerRecord, r: FlowRequest, target: Target, mode: Mode, work: () => Promise<unknown>, fields?: Record<string, string>): Promise<unknown> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof InteractionError) return kit.pageError(reply, req, t, 400, 'invalid_request', err.message);
      if (!(err instanceof AuthnError)) throw err;
      if (err.code === AuthnErrorCode.REGISTRATION_DISABLED) return kit.html(reply, 403, signUpUnavailablePage({ tenantName: t.name, signInUrl: signInUrl(t, target) }));
      if (err.code === AuthnErrorCode.REAUTHENTICATION_REQUIRED) return kit.html(reply, 401, upgradeUnavailablePage({ tenantName: t.name, reason: 'signed_out', signInUrl: signInUrl(t, target) }));
      const status = AUTHN_ERROR_STATUS[err.code];
      const token = readCookies(req)[FLOW_COOKIE];
      const flow = err.code === AuthnErrorCode.FLOW_FAILED || err.code === AuthnErrorCode.FLOW_NOT_FOUND ? null : await engine.load(t.tenantId, token).catch(() => null);
      if (!flow || flow.purpose !== 'registration') {
        const fresh = await flowFor(req, reply, t, r, target, mode, true);
        return render(req, reply, t, r, target, mode, fresh.flow, fresh.token, status, { error: err.message });
      }
      return render(req, reply, t, r, target, mode, flow, token!, status, { error: err.message, fields });
    }
  };

  /** The form's answer to the current step. */
  const stepInput = (req: PageReq): Record<string, unknown> => {
    const input: Record<string, unknown> = {};
    for (const k of ['email', 'code', 'given_name', 'family_name', 'phone_number', 'password']) {
      const v = kit.field(req, k);
      if (v !== undefined) input[k] = v;
    }
    if (kit.field(req, 'accept') !== undefined) input.accept = kit.field(req, 'accept') === '1';
    if (kit.field(req, 'skip') === '1') input.skip = true;
    return input;
  };

  const get = (mode: (req: PageReq, reply: FastifyReply, t: IssuerRecord) => Promise<Mode | null>) => kit.withTenant(async (req, reply, t) => {
    const m = await mode(req, reply, t);
    if (!m) return reply;
    const target = targetOf(req, t);
    if (target.kind === 'invalid') return kit.pageError(reply, req, t, 400, 'invalid_request', target.message);
    const r = flowRequest(c, req, reply, t);
    return handle(req, reply, t, r, target, m, async () => {
      const { flow, token } = await flowFor(req, reply, t, r, target, m);
      return render(req, reply, t, r, target, m, flow, token);
    });
  });

  const post = (mode: (req: PageReq, reply: FastifyReply, t: IssuerRecord) => Promise<Mode | null>) => kit.withTenant(async (req, reply, t) => {
    const m = await mode(req, reply, t);
    if (!m) return reply;
    const target = targetOf(req, t);
    if (target.kind === 'invalid') return kit.pageError(reply, req, t, 400, 'invalid_request', target.message);
    if (!kit.csrfOk(req)) return kit.pageError(reply, req, t, 403, 'invalid_request', 'the form has expired; go back and try again');
    const r = flowRequest(c, req, reply, t);
    const step = kit.field(req, 'step') ?? '';
    const fields = Object.fromEntries(['email', 'given_name', 'family_name'].map((k) => [k, kit.field(req, k) ?? '']));
    return handle(req, reply, t, r, target, m, async () => {
      if (step === 'restart') {
        await flowFor(req, reply, t, r, target, m, true);
        return kit.redirect(reply, pageUrl(m.path(t), target));
      }
      const { flow, token } = await flowFor(req, reply, t, r, target, m);
      const view = step === 'resend' ? await registration.resend(r, token) : await registration.step(r, token, step, stepInput(req));
      if (view.state === 'authenticated') return finish(req, reply, t, r, flow, token);
      if (view.outcome === 'check_email') {
        setFlowCookie(reply, t, null);
        return kit.html(reply, 200, signUpCheckEmailPage({ tenantName: t.name, destination: view.email ?? '', signInUrl: signInUrl(t, target) }));
      }
      return kit.redirect(reply, pageUrl(m.path(t), target));
    }, fields);
  });

  /** Sign-up: only where the tenant allows it (403 page otherwise). */
  const signUpMode = async (req: PageReq, reply: FastifyReply, t: IssuerRecord): Promise<Mode | null> => {
    const tenant = await engine.tenant(t.tenantId);
    if (!tenant.selfRegistration) {
      const target = targetOf(req, t);
      kit.html(reply, 403, signUpUnavailablePage({ tenantName: t.name, signInUrl: signInUrl(t, target.kind === 'invalid' ? { kind: 'none' } : target) }));
      return null;
    }
    return { upgrade: false, path: registerPath };
  };

  /** Upgrade: only for the signed-in guest of this browser. */
  const upgradeMode = async (req: PageReq, reply: FastifyReply, t: IssuerRecord): Promise<Mode | null> => {
    const who = await portalUser(c, req, t);
    if (!who || !who.user.isAnonymous) {
      kit.html(reply, who ? 409 : 401, upgradeUnavailablePage({ tenantName: t.name, reason: who ? 'not_guest' : 'signed_out', signInUrl: `/t/${t.slug}/login` }));
      return null;
    }
    return { upgrade: true, path: upgradePath, guestId: who.user.id };
  };

  app.get('/t/:slug/register', get(signUpMode));
  app.post('/t/:slug/register', post(signUpMode));
  app.get('/t/:slug/account/upgrade', get(upgradeMode));
  app.post('/t/:slug/account/upgrade', post(upgradeMode));
}
