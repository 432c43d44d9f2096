import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantEm } from '../db/tenant-em.js';
import { AUTHN_ERROR_STATUS, AuthnError } from '../modules/authn/index.js';
import type { IssuerRecord } from '../protocol/ports.js';
import { h, page } from '../shared/html.js';
import { FLOW_COOKIE, FLOW_HEADER, flowRequest } from './authn-routes.js';
import type { Container } from './container.js';
import { readCookies } from './cookies.js';
import { pageKit } from './page-kit.js';
import { PASSKEY_SCRIPT } from './passkey-script.js';
import { portalUser, type PortalUser } from './portal-session.js';

type Req = FastifyRequest<{ Params: { slug: string } }>;

/**
 * Passkey endpoints and assets (the ceremonies are in modules/authn/passkeys.service.ts):
 *
 *   POST /t/{slug}/authentication/passkey/options   → PublicKeyCredentialRequestOptionsJSON for the current flow
 *   POST /t/{slug}/account/passkeys/options          → PublicKeyCredentialCreationOptionsJSON (signed-in user)
 *   POST /t/{slug}/account/passkeys  {response, name?} → 201 the new passkey
 *   GET  /t/{slug}/account/passkeys/new[?next=…]     → a page (hosted CSP, page-kit.ts) with the "Create a passkey" button
 *   GET  /t/{slug}/assets/passkey.js                 → the browser script (passkey-script.ts)
 *
 * Rules: the flow is named like the flow API's (cookie or Signet-Flow header); account endpoints
 * need the SSO session (401 `login_required` JSON) and the double-submit CSRF token in the
 * `x-csrf-token` header (403, page-kit.ts), and only take JSON bodies (a cross-site form cannot send one);
 * errors are `{error, error_description}` with the flow API's statuses, never a 5xx for bad input;
 * nothing is cached.
 */
export function registerPasskeyRoutes(app: FastifyInstance, c: Container): void {
  const kit = pageKit(c);
  const body = (req: FastifyRequest): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body as Record<string, unknown> : {});
  const fail = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });

  const json = (handler: (req: Req, reply: FastifyReply, t: IssuerRecord) => Promise<unknown>) => async (req: Req, reply: FastifyReply) => {
    const t = await c.issuers.findBySlug(req.params.slug);
    if (!t) return fail(reply, 404, 'not_found', 'unknown issuer');
    reply.header('cache-control', 'no-store');
    try {
      return await handler(req, reply, t);
    } catch (err) {
      if (err instanceof AuthnError) {
        if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
        return fail(reply, AUTHN_ERROR_STATUS[err.code], err.code.toLowerCase(), err.message);
      }
      throw err;
    }
  };

  /** The signed-in user for an account endpoint, or an answer already sent. */
  const accountUser = async (req: Req, reply: FastifyReply, t: IssuerRecord): Promise<PortalUser | null> => {
    const who = await portalUser(c, req, t);
    if (!who) {
      fail(reply, 401, 'login_required', 'sign in first');
      return null;
    }
    if (!kit.csrfOk(req)) {
      fail(reply, 403, 'invalid_request', 'missing or wrong CSRF token (x-csrf-token header)');
      return null;
    }
    // Adding a passkey needs a recent sign-in (as removing a sign-in method does): a stolen
    // session must not be able to plant its own credential.
    if (!who.recentlyAuthenticated) {
      fail(reply, 403, 'reauthentication_required', 'sign in again to add a passkey (your last sign-in is more than 5 minutes old)');
      return null;
    }
    return who;
  };

  app.post('/t/:slug/authentication/passkey/options', json(async (req, reply, t) => {
    const header = req.headers[FLOW_HEADER];
    const token = (typeof header === 'string' ? header : undefined) ?? readCookies(req)[FLOW_COOKIE];
    return c.services.passkeys.flowOptions(c.services.authn, flowRequest(c, req, reply, t), token);
  }));

  app.post('/t/:slug/account/passkeys/options', json(async (req, reply, t) => {
    const who = await accountUser(req, reply, t);
    if (!who) return reply;
    const tenant = await c.services.authn.tenant(t.tenantId);
    return c.services.passkeys.registrationOptions(tenantEm(c.orm, t.tenantId), tenant, who.user, who.session.id);
  }));

  app.post('/t/:slug/account/passkeys', json(async (req, reply, t) => {
    const who = await accountUser(req, reply, t);
    if (!who) return reply;
    const tenant = await c.services.authn.tenant(t.tenantId);
    const b = body(req);
    const created = await c.services.passkeys.register(tenantEm(c.orm, t.tenantId), tenant, who.user.id, who.session.id, { response: b.response, name: b.name },
      { kind: 'user', id: who.user.id, tenantId: t.tenantId }, req.id);
    return reply.code(201).send({ id: created.id, kind: created.kind, name: created.name, created_at: created.createdAt.toISOString() });
  }));

  app.get('/t/:slug/account/passkeys/new', kit.withTenant(async (req, reply, t) => {
    const query = req.query as Record<string, unknown>;
    const who = await portalUser(c, req, t);
    const base = `/t/${t.slug}`;
    const given = typeof query.next === 'string' && safeNext(query.next, base) ? query.next : null;
    const next = given ?? `${base}/account/passkeys/new?added=1`;
    // Not signed in, or not recently (adding a passkey needs a fresh sign-in): sign in and come back.
    if (!who || !who.recentlyAuthenticated) return kit.redirect(reply, `${base}/login?return_to=${encodeURIComponent(`${base}/account/passkeys/new${given ? `?next=${encodeURIComponent(given)}` : ''}`)}`);
    if (!c.services.passkeys.enabled(await c.services.authn.tenant(t.tenantId))) {
      return kit.html(reply, 403, page({ title: 'Add a passkey', tenantName: t.name, body: '<p class="error" role="alert">Passkeys are not enabled for this account.</p>' }));
    }
    const rows = await c.services.passkeys.list(tenantEm(c.orm, t.tenantId), t.tenantId, who.user.id);
    const list = rows.length
      ? `<table><thead><tr><th>Passkey</th><th>Added</th><th>Last used</th></tr></thead><tbody>${rows.map((a) =>
        `<tr><td>${h(a.name)}</td><td>${h(a.createdAt.toISOString().slice(0, 10))}</td><td>${h(a.lastUsedAt ? a.lastUsedAt.toISOString().slice(0, 10) : 'never')}</td></tr>`).join('')}</tbody></table>`
      : '<p class="muted">You have no passkeys yet.</p>';
    return kit.html(reply, 200, page({
      title: 'Add a passkey', tenantName: t.name,
      body: `${query.added === '1' ? '<p class="notice" role="status">Passkey added.</p>' : ''}
<p>Signed in as <strong>${h(who.user.email)}</strong>. A passkey lets you sign in with your device's screen lock instead of a password.</p>
${list}
<label for="passkey-name">Name (optional)</label>
<input type="text" id="passkey-name" data-passkey-name maxlength="100" placeholder="e.g. Work laptop" autocomplete="off">
<p class="error" role="alert" data-passkey-error hidden></p>
<button type="button" data-passkey="register" data-options-url="${h(`${base}/account/passkeys/options`)}" data-verify-url="${h(`${base}/account/passkeys`)}" data-next-url="${h(next)}" data-csrf-token="${h(kit.csrfFor(req, reply, t))}">Create a passkey</button>
<script src="${h(`${base}/assets/passkey.js`)}" defer></script>`,
    }));
  }));

  app.get('/t/:slug/assets/passkey.js', async (_req, reply) => reply.code(200).headers({
    'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff',
  }).send(PASSKEY_SCRIPT));
}

/** A same-tenant path to continue to (no scheme, no host, no `//` or backslash tricks). */
function safeNext(next: string, base: string): boolean {
  return next.length <= 500 && next.startsWith(`${base}/`) && !/[\\\s]|\/\/|\/\.\.?(\/|$)/.test(next);
}
