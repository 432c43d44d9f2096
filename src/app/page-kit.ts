import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../crypto/random.js';
import { safeEqualStrings } from '../crypto/secrets.js';
import type { IssuerRecord } from '../protocol/ports.js';
import { errorPage } from '../modules/interaction/pages/hosted-pages.js';
import type { Container } from './container.js';
import { readCookies, setCookie } from './cookies.js';

export type PageReq = FastifyRequest<{ Params: { slug: string } }>;

export const COOKIE = { session: 'signet_session', binding: 'signet_binding', csrf: 'signet_csrf' } as const;
/** Hosted pages: no inline script, no external asset; scripts only from Signet itself (passkeys). */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/**
 * The shared kit of every hosted page (login, consent, sign-up, recovery, portal): security
 * headers, the tenant lookup, form fields, and CSRF by double-submit cookie (HttpOnly,
 * SameSite=Strict) echoed in a hidden `csrf_token` field or an `x-csrf-token` header.
 */
export function pageKit(c: Container) {
  const secure = c.settings.secureCookies;
  const cookiePath = (slug: string) => `/t/${slug}/`;

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).headers({
      'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache',
      'content-security-policy': PAGE_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff',
    }).send(body);

  const withTenant = (handler: (req: PageReq, reply: FastifyReply, t: IssuerRecord) => Promise<unknown>) => async (req: PageReq, reply: FastifyReply) => {
    const t = await c.issuers.findBySlug(req.params.slug);
    if (!t) return html(reply, 404, errorPage({ tenantName: 'Signet', error: 'not_found', description: 'unknown issuer', requestId: req.id }));
    return handler(req, reply, t);
  };

  const params = (req: FastifyRequest): Record<string, string | string[]> => {
    const source = req.method === 'POST' ? req.body : req.query;
    return source && typeof source === 'object' && !('__unparsed' in source) ? (source as Record<string, string | string[]>) : {};
  };

  const field = (req: FastifyRequest, name: string): string | undefined => {
    const v = params(req)[name];
    return typeof v === 'string' ? v : undefined;
  };

  const csrfFor = (req: FastifyRequest, reply: FastifyReply, t: IssuerRecord): string => {
    let token = readCookies(req)[COOKIE.csrf];
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
      token = randomToken(32);
      setCookie(reply, COOKIE.csrf, token, { path: cookiePath(t.slug), secure, sameSite: 'Strict' });
    }
    return token;
  };

  const csrfOk = (req: FastifyRequest): boolean => {
    const cookie = readCookies(req)[COOKIE.csrf];
    const header = req.headers['x-csrf-token'];
    const presented = field(req, 'csrf_token') ?? (typeof header === 'string' ? header : '');
    return Boolean(cookie) && safeEqualStrings(cookie!, presented);
  };

  const pageError = (reply: FastifyReply, req: FastifyRequest, t: IssuerRecord, status: number, error: string, description: string) =>
    html(reply, status, errorPage({ tenantName: t.name, error, description, requestId: req.id }));

  const redirect = (reply: FastifyReply, location: string) => reply.code(303).header('location', location).header('cache-control', 'no-store').send();

  return { secure, cookiePath, html, withTenant, params, field, csrfFor, csrfOk, pageError, redirect };
}
