import type { FastifyInstance, FastifyReply } from 'fastify';
import { authorizeEndpoint } from '../protocol/endpoints/authorize/index.js';
import { resumeEndpoint } from '../protocol/endpoints/authorize/resume.js';
import type { AuthorizeHttpRequest, AuthorizeOutcome, CookieDirective } from '../protocol/endpoints/authorize/authorize-context.js';
import { endSessionEndpoint } from '../protocol/endpoints/end-session/index.js';
import type { IssuerRecord } from '../protocol/ports.js';
import { issuerUrl } from '../protocol/request.js';
import { InteractionError } from '../modules/interaction/index.js';
import { consentPage, errorPage, formPostPage, loggedOutPage, logoutConfirmPage } from '../modules/interaction/pages/hosted-pages.js';
import type { Container } from './container.js';
import { readCookies, setCookie } from './cookies.js';
import { COOKIE, pageKit, type PageReq } from './page-kit.js';

type Req = PageReq;

export { COOKIE };

/**
 * The browser-facing surface of each issuer: /oauth/authorize (+ resume), the hosted consent
 * page, and /oauth/end-session (the hosted login lives in login-routes.ts). Pages are plain
 * HTML forms (no JavaScript needed), CSRF-protected with a double-submit cookie, never framed.
 */
export function registerBrowserRoutes(app: FastifyInstance, c: Container): void {
  const { cookiePath, html, withTenant, params, field, csrfFor, csrfOk, pageError } = pageKit(c);
  const secure = c.settings.secureCookies;

  const httpRequest = (req: Req, t: IssuerRecord): AuthorizeHttpRequest => {
    const cookies = readCookies(req);
    return {
      issuer: issuerUrl(c.config.publicUrl, t.slug), tenant: t, params: params(req), url: `${c.config.publicUrl}${req.url}`,
      sessionToken: cookies[COOKIE.session], bindingToken: cookies[COOKIE.binding], ip: req.ip, userAgent: req.headers['user-agent'],
    };
  };

  const applyCookies = (reply: FastifyReply, t: IssuerRecord, cookies: CookieDirective[] | undefined) => {
    for (const ck of cookies ?? []) {
      setCookie(reply, COOKIE[ck.name], ck.value, { path: cookiePath(t.slug), secure, maxAgeSeconds: ck.maxAgeSeconds });
    }
  };

  const send = (reply: FastifyReply, req: Req, t: IssuerRecord, out: AuthorizeOutcome) => {
    applyCookies(reply, t, out.cookies);
    if (out.kind === 'redirect') return reply.code(303).header('cache-control', 'no-store').header('location', out.location).send();
    if (out.kind === 'form_post') {
      return reply.code(200).headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' })
        .send(formPostPage({ action: out.action, params: out.params }));
    }
    return html(reply, out.status, errorPage({ tenantName: t.name, error: out.error, description: out.description, requestId: req.id }));
  };

  app.route({
    method: ['GET', 'POST'], url: '/t/:slug/oauth/authorize',
    handler: withTenant(async (req, reply, t) => send(reply, req, t, await authorizeEndpoint(httpRequest(req, t), c.ports, c.settings))),
  });
  app.get('/t/:slug/oauth/authorize/resume', withTenant(async (req, reply, t) => send(reply, req, t, await resumeEndpoint(httpRequest(req, t), c.ports, c.settings))));

  // --- hosted consent ---
  app.get('/t/:slug/consent', withTenant(async (req, reply, t) => {
    const challenge = field(req, 'consent_challenge');
    if (!challenge) return pageError(reply, req, t, 400, 'invalid_request', "missing required parameter 'consent_challenge'");
    try {
      const view = await c.services.interactions.getConsent(t.tenantId, challenge);
      const claims = [
        ...Object.keys((view.oidc_context.claims as { userinfo?: object } | undefined)?.userinfo ?? {}),
        ...Object.keys((view.oidc_context.claims as { id_token?: object } | undefined)?.id_token ?? {}),
      ];
      return html(reply, 200, consentPage({
        tenantName: t.name, clientName: view.client.client_name, challenge, csrf: csrfFor(req, reply, t),
        scopes: view.requested_scope, claims: [...new Set(claims)], action: `/t/${t.slug}/consent`,
      }));
    } catch (err) {
      if (err instanceof InteractionError) return pageError(reply, req, t, 400, 'invalid_request', err.message);
      throw err;
    }
  }));

  app.post('/t/:slug/consent', withTenant(async (req, reply, t) => {
    const challenge = field(req, 'consent_challenge');
    if (!challenge) return pageError(reply, req, t, 400, 'invalid_request', "missing required parameter 'consent_challenge'");
    if (!csrfOk(req)) return pageError(reply, req, t, 403, 'invalid_request', 'the form has expired; go back and try again');
    try {
      const view = await c.services.interactions.getConsent(t.tenantId, challenge);
      const actor = { kind: 'user' as const, id: view.subject, tenantId: t.tenantId };
      const result = field(req, 'decision') === 'allow'
        ? await c.services.interactions.acceptConsent(t.tenantId, t.slug, challenge, {
          grant_scope: view.requested_scope, grant_access_token_audience: view.requested_access_token_audience, remember: field(req, 'remember') === '1',
        }, actor, req.id)
        : await c.services.interactions.rejectConsent(t.tenantId, t.slug, challenge, { error: 'access_denied', error_description: 'the user denied the request' });
      return reply.code(303).header('location', result.redirect_to).header('cache-control', 'no-store').send();
    } catch (err) {
      if (err instanceof InteractionError) return pageError(reply, req, t, 400, 'invalid_request', err.message);
      throw err;
    }
  }));

  // --- RP-initiated logout ---
  app.route({
    method: ['GET', 'POST'], url: '/t/:slug/oauth/end-session',
    handler: withTenant(async (req, reply, t) => {
      const confirmed = req.method === 'POST' && field(req, 'logout') === 'yes';
      if (confirmed && !csrfOk(req)) return pageError(reply, req, t, 403, 'invalid_request', 'the form has expired; go back and try again');
      const out = await endSessionEndpoint({ ...httpRequest(req, t), confirmed }, c.ports);
      if (out.kind === 'error-page') return pageError(reply, req, t, out.status, out.error, out.description);
      if (out.kind === 'confirm') {
        return html(reply, 200, logoutConfirmPage({ tenantName: t.name, action: `/t/${t.slug}/oauth/end-session`, csrf: csrfFor(req, reply, t), hidden: out.hidden }));
      }
      applyCookies(reply, t, out.cookies);
      if (out.kind === 'redirect') return reply.code(303).header('location', out.location).header('cache-control', 'no-store').send();
      return html(reply, 200, loggedOutPage({ tenantName: t.name }));
    }),
  });
}
