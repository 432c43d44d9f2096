import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  appsPage, deviceName, overviewPage, profilePage, PROFILE_FORM_FIELDS, sessionsPage, signedOutPage, type ProfileView,
} from '../modules/authn/pages/portal-pages.js';
import { UserError, UserErrorCode, type User } from '../modules/user/index.js';
import { tenantEm } from '../db/tenant-em.js';
import type { Container } from './container.js';
import { COOKIE } from './page-kit.js';
import { portalKit } from './portal-kit.js';
import { registerPortalSecurityRoutes } from './portal-security-routes.js';
import { setCookie } from './cookies.js';
import { portalUser } from './portal-session.js';
import type { IssuerRecord } from '../protocol/ports.js';

/** Live sessions listed per user (the newest first). */
const MAX_SESSIONS = 100;

export const profileView = (u: User): ProfileView => ({
  email: u.email, emailVerified: u.emailVerified, isAnonymous: u.isAnonymous, name: u.name ?? null, givenName: u.givenName ?? null,
  familyName: u.familyName ?? null, phoneNumber: u.phoneNumber ?? null, phoneNumberVerified: u.phoneNumberVerified, locale: u.locale ?? null, zoneinfo: u.zoneinfo ?? null,
});

/**
 * The end user's identity portal, hosted on the same services as the management API:
 *
 *   GET  /t/{slug}/account                       overview (profile summary, links)
 *   GET  /t/{slug}/account/profile               profile form; POST saves it (User.Updated)
 *   GET  /t/{slug}/account/security …            sign-in methods (portal-security-routes.ts)
 *   GET  /t/{slug}/account/sessions              live browser sessions, this one marked
 *   POST /t/{slug}/account/sessions/revoke       ends one other session (Session.Ended)
 *   POST /t/{slug}/account/sessions/revoke-others ends all but this one
 *   GET  /t/{slug}/account/apps                  connected applications (live consents)
 *   POST /t/{slug}/account/apps/revoke           revokes a consent and its token families (Consent.Revoked)
 *   POST /t/{slug}/account/logout                ends this session, clears the cookie
 *   GET  /t/{slug}/account/signed-out            "you have been signed out"
 *
 * Rules (portal-kit.ts): signed out → the hosted sign-in with return_to; every POST needs the
 * CSRF token and answers with a redirect (POST, redirect, GET), except the pages showing
 * recovery codes once; a user acts only on their own sessions, consents and factors.
 */
export function registerPortalRoutes(app: FastifyInstance, c: Container): void {
  const kit = portalKit(c);
  const base = kit.pageBase;
  /** After this browser's session ended: forget its cookie. */
  const forget = (reply: FastifyReply, t: IssuerRecord) => {
    setCookie(reply, COOKIE.session, null, { path: kit.cookiePath(t.slug), secure: kit.secure });
    return kit.redirect(reply, `${kit.base(t)}/signed-out`);
  };

  app.get('/t/:slug/account', kit.route('', async (call) => {
    const { ctx, who, t } = call;
    const factors = who.user.isAnonymous ? [] : await c.services.factors.list(tenantEm(c.orm, t.tenantId), t.tenantId, who.user.id);
    const sessions = await c.services.sessions.liveSessionsOf(ctx, [who.user.id], MAX_SESSIONS, null);
    const consents = await c.services.consents.consentsOf(ctx, [who.user.id]);
    return kit.html(call.reply, 200, overviewPage({
      ...base(call), user: profileView(who.user), factorCount: factors.length,
      sessionCount: sessions.get(who.user.id)?.length ?? 0, appCount: consents.get(who.user.id)?.length ?? 0,
    }));
  }));

  app.get('/t/:slug/account/profile', kit.route('/profile', async (call) =>
    kit.html(call.reply, 200, profilePage({ ...base(call), user: profileView(call.who.user) }))));

  app.post('/t/:slug/account/profile', kit.route('/profile', async (call) => {
    const input: Record<string, string> = {};
    const values: Record<string, string> = {};
    for (const [key, field] of PROFILE_FORM_FIELDS) {
      const v = kit.field(call.req, field);
      if (v === undefined) continue;
      values[field] = v;
      input[key] = v;
    }
    try {
      await c.services.users.update(call.ctx, call.who.user.id, input);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return kit.html(call.reply, 400, profilePage({ ...base(call), done: undefined, errorText: err.message, user: profileView(call.who.user), values }));
    }
    return kit.redirect(call.reply, `${call.base}/profile?done=profile_saved`);
  }));

  app.get('/t/:slug/account/sessions', kit.route('/sessions', async (call) => {
    const { who } = call;
    const live = (await c.services.sessions.liveSessionsOf(call.ctx, [who.user.id], MAX_SESSIONS, null)).get(who.user.id) ?? [];
    const rows = live.map((s) => ({ id: s.id, current: s.id === who.session.id, device: deviceName(s.userAgent), ip: s.ip, authTime: s.authTime, lastActiveAt: s.lastActiveAt }));
    rows.sort((a, b) => Number(b.current) - Number(a.current));
    return kit.html(call.reply, 200, sessionsPage({ ...base(call), sessions: rows }));
  }));

  app.post('/t/:slug/account/sessions/revoke', kit.route('/sessions', async (call) => {
    const id = kit.field(call.req, 'session_id') ?? '';
    const uuidLike = /^[0-9a-f-]{36}$/i.test(id);
    const session = uuidLike ? await c.services.sessions.findLive(call.ctx, id) : null;
    // Another user's session is "not found" too: nothing tells whether it exists.
    if (!session || session.subject !== call.who.user.id) return kit.redirect(call.reply, `${call.base}/sessions?error=session_not_found`);
    await kit.endSessions(call.ctx, [session.id], session.id === call.who.session.id ? 'logout' : 'revoked');
    if (session.id === call.who.session.id) return forget(call.reply, call.t);
    return kit.redirect(call.reply, `${call.base}/sessions?done=session_revoked`);
  }));

  app.post('/t/:slug/account/sessions/revoke-others', kit.route('/sessions', async (call) => {
    const live = (await c.services.sessions.liveSessionsOf(call.ctx, [call.who.user.id], 10_000, null)).get(call.who.user.id) ?? [];
    await kit.endSessions(call.ctx, live.filter((s) => s.id !== call.who.session.id).map((s) => s.id), 'revoked');
    return kit.redirect(call.reply, `${call.base}/sessions?done=others_revoked`);
  }));

  app.get('/t/:slug/account/apps', kit.route('/apps', async (call) => {
    const { who, t } = call;
    const consents = (await c.services.consents.consentsOf(call.ctx, [who.user.id])).get(who.user.id) ?? [];
    const apps = await Promise.all(consents.map(async (k) => ({
      clientId: k.clientId, name: (await c.ports.clients.find(t.tenantId, k.clientId))?.name ?? k.clientId, scopes: k.scopes, since: k.createdAt,
    })));
    return kit.html(call.reply, 200, appsPage({ ...base(call), apps }));
  }));

  app.post('/t/:slug/account/apps/revoke', kit.route('/apps', async (call) => {
    const clientId = kit.field(call.req, 'client_id') ?? '';
    try {
      if (!clientId || clientId.length > 128) throw new UserError(UserErrorCode.CONSENT_NOT_FOUND, 'no consent', ['clientId']);
      await c.services.users.revokeConsent(call.ctx, call.who.user.id, clientId);
    } catch (err) {
      if (err instanceof UserError && err.code === UserErrorCode.CONSENT_NOT_FOUND) return kit.redirect(call.reply, `${call.base}/apps?error=app_not_found`);
      throw err;
    }
    return kit.redirect(call.reply, `${call.base}/apps?done=app_revoked`);
  }));

  app.post('/t/:slug/account/logout', kit.withTenant(async (req, reply, t) => {
    if (!kit.csrfOk(req)) return kit.pageError(reply, req, t, 403, 'invalid_request', 'the form has expired; go back and try again');
    // Already signed out (or the session ended elsewhere): just forget the cookie.
    const who = await portalUser(c, req, t);
    if (who) await kit.endSessions(kit.contextFor(req, t, who), [who.session.id], 'logout');
    return forget(reply, t);
  }));

  app.get('/t/:slug/account/signed-out', kit.withTenant(async (_req, reply, t) =>
    kit.html(reply, 200, signedOutPage({ tenantName: t.name, loginUrl: kit.loginUrl(t, kit.base(t)) }))));

  registerPortalSecurityRoutes(app, c, kit);
}
