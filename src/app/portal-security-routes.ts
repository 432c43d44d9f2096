import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { open, seal } from '../crypto/aead.js';
import { tenantEm } from '../db/tenant-em.js';
import { AuthnError, AuthnErrorCode } from '../modules/authn/index.js';
import { confirmActionPage, factorLabel, portalRecoveryCodesPage, securityPage, totpEnrolPage } from '../modules/authn/pages/portal-security-pages.js';
import type { Container } from './container.js';
import { readCookies, setCookie } from './cookies.js';
import type { PortalCall, PortalKit } from './portal-kit.js';

/** The TOTP enrolment in progress (sealed, bound to the session): survives the redirect and a wrong code. */
const ENROL_COOKIE = 'signet_totp_enrol';
const ENROL_TTL_SECONDS = 900;

interface Enrolment { id: string; secret: string; uri: string }

/**
 * The portal's sign-in methods (second factors):
 *
 *   GET  /t/{slug}/account/security                     list, links to add / remove
 *   POST /t/{slug}/account/security/totp                starts a TOTP enrolment, → GET …/totp
 *   GET  /t/{slug}/account/security/totp                QR code, key, code field
 *   POST /t/{slug}/account/security/totp/confirm        first code: Mfa.Factor.Enrolled; recovery codes shown once when new
 *   GET  /t/{slug}/account/security/remove?id=          confirmation            } a sign-in younger than
 *   POST /t/{slug}/account/security/remove              Mfa.Factor.Removed      } REAUTH_WINDOW_SECONDS,
 *   GET  /t/{slug}/account/security/recovery-codes      confirmation            } else a fresh sign-in that
 *   POST /t/{slug}/account/security/recovery-codes      new codes, shown once   } returns to the confirmation
 *
 * Passkeys are listed and removed here like other factors; they are added on
 * /t/{slug}/account/passkeys/new (passkey-routes.ts). Guest (anonymous) accounts get the upgrade
 * prompt instead, and their POSTs change nothing.
 */
export function registerPortalSecurityRoutes(app: FastifyInstance, c: Container, kit: PortalKit): void {
  const base = kit.pageBase;
  const page = (call: PortalCall) => `${call.base}/security`;
  const em = (call: PortalCall) => tenantEm(c.orm, call.t.tenantId);
  const actor = (call: PortalCall) => ({ kind: 'user' as const, id: call.who.user.id, tenantId: call.t.tenantId });
  const enrolAad = (call: PortalCall) => `signet:portal-totp:${call.t.tenantId}:${call.who.session.id}`;
  const enrolCookie = (call: PortalCall, value: string | null) =>
    setCookie(call.reply, ENROL_COOKIE, value, { path: `${call.base}/security/`, secure: kit.secure, sameSite: 'Strict', maxAgeSeconds: ENROL_TTL_SECONDS });
  const enrolment = (call: PortalCall): Enrolment | null => {
    const sealed = readCookies(call.req)[ENROL_COOKIE];
    if (!sealed || sealed.length > 2000) return null;
    try {
      return JSON.parse(open(c.masterKey, sealed, enrolAad(call)).toString('utf8')) as Enrolment;
    } catch {
      return null;
    }
  };
  /** Guests have no second factors to manage: back to the page with the upgrade prompt. */
  const guest = (call: PortalCall) => (call.who.user.isAnonymous ? kit.redirect(call.reply, page(call)) : null);

  app.get('/t/:slug/account/security', kit.route('/security', async (call) => {
    const factors = call.who.user.isAnonymous ? [] : await c.services.factors.list(em(call), call.t.tenantId, call.who.user.id);
    return kit.html(call.reply, 200, securityPage({
      ...base(call), anonymous: call.who.user.isAnonymous, factors, recentlyAuthenticated: call.who.recentlyAuthenticated,
      passkeyUrl: `${call.base}/passkeys/new?next=${encodeURIComponent(`${page(call)}?done=passkey_added`)}`,
    }));
  }));

  app.post('/t/:slug/account/security/totp', kit.route('/security', async (call) => {
    const isGuest = guest(call);
    if (isGuest) return isGuest;
    // Adding a sign-in method needs a recent sign-in, like removing one: a stolen session must not
    // be able to plant its own second factor.
    if (!kit.recent(call, page(call))) return call.reply;
    const e = await c.services.factors.beginTotp(em(call), call.t.tenantId, call.who.user.id, { issuer: call.t.name, account: call.who.user.email });
    enrolCookie(call, seal(c.masterKey, JSON.stringify({ id: e.authenticatorId, secret: e.secret, uri: e.otpauthUri } satisfies Enrolment), enrolAad(call)));
    return kit.redirect(call.reply, `${page(call)}/totp`);
  }));

  app.get('/t/:slug/account/security/totp', kit.route('/security', async (call) => {
    const isGuest = guest(call);
    if (isGuest) return isGuest;
    const e = enrolment(call);
    if (!e) return kit.redirect(call.reply, `${page(call)}?error=enrolment_expired`);
    const qrSvg = await QRCode.toString(e.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    return kit.html(call.reply, 200, totpEnrolPage({ ...base(call), qrSvg, secret: e.secret }));
  }));

  app.post('/t/:slug/account/security/totp/confirm', kit.route('/security', async (call) => {
    const isGuest = guest(call);
    if (isGuest) return isGuest;
    const e = enrolment(call);
    if (!e) return kit.redirect(call.reply, `${page(call)}?error=enrolment_expired`);
    const code = (kit.field(call.req, 'code') ?? '').replace(/\s/g, '').slice(0, 12);
    let recoveryCodes: string[] | null;
    try {
      ({ recoveryCodes } = await c.services.factors.confirmTotp(em(call), call.t.tenantId, call.who.user.id, e.id, code, actor(call), call.req.id));
    } catch (err) {
      if (!(err instanceof AuthnError)) throw err;
      if (err.code === AuthnErrorCode.INVALID_CODE) return kit.redirect(call.reply, `${page(call)}/totp?error=invalid_code`);
      enrolCookie(call, null);
      return kit.redirect(call.reply, `${page(call)}?error=enrolment_expired`);
    }
    enrolCookie(call, null);
    // Shown once, as the answer to this POST (never in a URL or a cookie).
    if (recoveryCodes) return kit.html(call.reply, 200, portalRecoveryCodesPage({ ...base(call), done: 'totp_added', codes: recoveryCodes }));
    return kit.redirect(call.reply, `${page(call)}?done=totp_added`);
  }));

  /** The factor named by the request (`id` or `authenticator_id`), if it is the user's. */
  const factorOf = async (call: PortalCall) => {
    const id = kit.field(call.req, 'authenticator_id') ?? kit.field(call.req, 'id') ?? '';
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return (await c.services.factors.list(em(call), call.t.tenantId, call.who.user.id)).find((f) => f.id === id) ?? null;
  };

  app.get('/t/:slug/account/security/remove', kit.route('/security', async (call) => {
    const isGuest = guest(call);
    if (isGuest) return isGuest;
    const f = await factorOf(call);
    if (!f) return kit.redirect(call.reply, `${page(call)}?error=factor_not_found`);
    if (!kit.recent(call, `${page(call)}/remove?id=${encodeURIComponent(f.id)}`)) return call.reply;
    const label = factorLabel(f);
    return kit.html(call.reply, 200, confirmActionPage({
      ...base(call), title: 'Remove this sign-in method?',
      message: f.kind === 'recovery_codes'
        ? 'Your recovery codes will stop working. You can get new ones later.'
        : `You will no longer be able to sign in with “${label}”.`,
      action: `${page(call)}/remove`, hidden: { authenticator_id: f.id }, button: 'Remove',
    }));
  }));

  app.post('/t/:slug/account/security/remove', kit.route('/security', async (call) => {
    const isGuest = guest(call);
    if (isGuest) return isGuest;
    const f = await factorOf(call);
    if (!f) return kit.redirect(call.reply, `${page(call)}?error=factor_not_found`);
    if (!kit.recent(call, `${page(call)}/remove?id=${encodeURIComponent(f.id)}`)) return call.reply;
    try {
      await c.services.factors.remove(em(call), call.t.tenantId, call.who.user.id, f.id, actor(call), call.req.id);
    } catch (err) {
      if (err instanceof AuthnError && err.code === AuthnErrorCode.NOT_FOUND) return kit.redirect(call.reply, `${page(call)}?error=factor_not_found`);
      throw err;
    }
    return kit.redirect(call.reply, `${page(call)}?done=factor_removed`);
  }));

  app.get('/t/:slug/account/security/recovery-codes', kit.route('/security', async (call) => {
    const isGuest = guest(call);
    if (isGuest) return isGuest;
    if (!kit.recent(call, `${page(call)}/recovery-codes`)) return call.reply;
    return kit.html(call.reply, 200, confirmActionPage({
      ...base(call), title: 'Get new recovery codes?', message: 'You get 10 new codes; the codes you have now stop working.',
      action: `${page(call)}/recovery-codes`, hidden: {}, button: 'Get new codes',
    }));
  }));

  app.post('/t/:slug/account/security/recovery-codes', kit.route('/security', async (call) => {
    const isGuest = guest(call);
    if (isGuest) return isGuest;
    if (!kit.recent(call, `${page(call)}/recovery-codes`)) return call.reply;
    const codes = await c.services.factors.regenerateRecoveryCodes(em(call), call.t.tenantId, call.who.user.id, actor(call), call.req.id);
    return kit.html(call.reply, 200, portalRecoveryCodesPage({ ...base(call), codes }));
  }));
}
