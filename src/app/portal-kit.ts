import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyReply } from 'fastify';
import { tenantEm } from '../db/tenant-em.js';
import { notifyOutbox } from '../events/outbox.js';
import { SYSTEM_TENANT_SLUG } from '../modules/tenant/index.js';
import type { PortalPageBase } from '../modules/authn/pages/portal-pages.js';
import type { IssuerRecord } from '../protocol/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { endUserContext } from './request-context.js';
import type { Container } from './container.js';
import { pageKit, type PageReq } from './page-kit.js';
import { portalUser, type PortalUser } from './portal-session.js';

/** One portal request: the tenant, the signed-in user, their CSRF token and a unit of work acting as them. */
export interface PortalCall {
  req: PageReq;
  reply: FastifyReply;
  t: IssuerRecord;
  who: PortalUser;
  csrf: string;
  /** Services' context: actor = the user, a fresh EntityManager of the tenant. */
  ctx: RequestContext;
  /** `/t/{slug}/account` */
  base: string;
}

/**
 * The identity portal's kit on top of the hosted page kit. Rules every portal route gets:
 * - a POST without the double-submit CSRF token is refused (403) before anything else;
 * - without a live SSO session: 303 to the hosted sign-in, coming back to the page (GET) or to
 *   the page the form was on (POST);
 * - sensitive actions (`recent`) need a sign-in younger than REAUTH_WINDOW_SECONDS, otherwise a
 *   fresh sign-in is asked with return_to = the confirmation page of the action.
 */
export function portalKit(c: Container) {
  const kit = pageKit(c);
  const base = (t: IssuerRecord) => `/t/${t.slug}/account`;
  const loginUrl = (t: IssuerRecord, returnTo: string) => `/t/${t.slug}/login?return_to=${encodeURIComponent(returnTo)}`;

  const contextFor = (req: PageReq, t: IssuerRecord, who: PortalUser): RequestContext => endUserContext(c, {
    requestId: req.id, tenant: { id: t.tenantId, slug: t.slug, name: t.name, isSystem: t.slug === SYSTEM_TENANT_SLUG },
    actor: { kind: 'user', id: who.user.id, tenantId: t.tenantId }, em: tenantEm(c.orm, t.tenantId),
  });

  /** This page again after sign-in: with its query when the sign-in would accept it (same rules as return_to there), else the path. */
  const comeBack = (url: string) => (url.length <= 500 && !url.includes('//') && !/[\\\s]/.test(url) ? url : url.split('?')[0]!);

  /**
   * A portal route handler. `back` is the portal page (relative to /account) a signed-out POST
   * returns to after sign-in; GETs return to themselves.
   */
  const route = (back: string, handler: (call: PortalCall) => Promise<unknown>) => kit.withTenant(async (req, reply, t) => {
    if (req.method === 'POST' && !kit.csrfOk(req)) return kit.pageError(reply, req, t, 403, 'invalid_request', 'the form has expired; go back and try again');
    const who = await portalUser(c, req, t);
    if (!who) return kit.redirect(reply, loginUrl(t, req.method === 'GET' ? comeBack(req.url) : `${base(t)}${back}`));
    return handler({ req, reply, t, who, csrf: kit.csrfFor(req, reply, t), ctx: contextFor(req, t, who), base: base(t) });
  });

  /** Whether the action may go on; otherwise the answer (a fresh sign-in coming back to `confirmPath`) is sent. */
  const recent = (call: PortalCall, confirmPath: string): boolean => {
    if (call.who.recentlyAuthenticated) return true;
    kit.redirect(call.reply, loginUrl(call.t, confirmPath));
    return false;
  };

  /** Ends browser sessions of the user (ids already checked to be theirs): Session.Ended each, then back-channel logout. */
  const endSessions = async (ctx: RequestContext, ids: string[], reason: string) => {
    if (!ids.length) return [];
    const em = ctx.em;
    const ended = await em.transactional(async (tx) => {
      const r = await c.services.sessions.endSessions(ctx, tx as EntityManager, { ids }, reason);
      await tx.flush();
      return r;
    });
    await notifyOutbox(em);
    await c.services.sessions.notifyEnded(ctx, ended);
    return ended;
  };

  /**
   * What every portal page shows: tenant, links, CSRF token, date preferences, and the message of
   * a redirect (`done` / `error`: keys of fixed messages, never text reflected from the URL).
   */
  const pageBase = (call: PortalCall): PortalPageBase => ({
    tenantName: call.t.name, base: call.base, csrf: call.csrf,
    done: call.req.method === 'GET' ? kit.field(call.req, 'done') : undefined, error: call.req.method === 'GET' ? kit.field(call.req, 'error') : undefined,
    prefs: { locale: call.who.user.locale ?? null, zoneinfo: call.who.user.zoneinfo ?? null },
  });

  return { ...kit, base, loginUrl, contextFor, route, recent, endSessions, pageBase };
}

export type PortalKit = ReturnType<typeof portalKit>;
