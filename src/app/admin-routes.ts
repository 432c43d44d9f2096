import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { InteractionError } from '../modules/interaction/index.js';
import type { IssuerRecord } from '../protocol/ports.js';
import type { Container } from './container.js';
import { authenticate } from './request-context.js';

type Req = FastifyRequest<{ Params: { slug: string }; Querystring: Record<string, string | undefined> }>;

/**
 * The login and consent challenge API (shaped after the broker API in the seeds):
 *   GET  /t/{slug}/admin/login?login_challenge=…          PUT …/admin/login/accept|reject
 *   GET  /t/{slug}/admin/consent?consent_challenge=…      PUT …/admin/consent/accept|reject
 * Authenticated with a management token holding `interactions:write`, issued by this tenant
 * (or by the system tenant to a platform operator). Errors: JSON {error, error_description}.
 */
export function registerAdminRoutes(app: FastifyInstance, c: Container): void {
  const fail = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });

  const guarded = (handler: (req: Req, reply: FastifyReply, t: IssuerRecord, actor: { kind: 'client'; id: string; clientId: string; tenantId: string }) => Promise<unknown>) =>
    async (req: Req, reply: FastifyReply) => {
      let principal;
      try {
        principal = await authenticate(c, req.headers.authorization);
      } catch (err) {
        if (err instanceof GraphQLError) return fail(reply.header('www-authenticate', 'Bearer realm="signet"'), 401, 'unauthorized', err.message);
        throw err;
      }
      const t = await c.issuers.findBySlug(req.params.slug);
      const operator = principal.tenantId === c.system.systemTenantId && principal.scopes.has('platform:admin');
      if (!t || (principal.tenantId !== t.tenantId && !operator)) return fail(reply, 404, 'not_found', 'unknown issuer');
      if (!principal.scopes.has('interactions:write')) return fail(reply, 403, 'forbidden', 'this operation requires the scope "interactions:write"');
      try {
        return await handler(req, reply, t, { kind: 'client', id: principal.subject, clientId: principal.clientId, tenantId: principal.tenantId });
      } catch (err) {
        if (err instanceof InteractionError) {
          const status = err.code === 'NOT_FOUND' ? 404 : err.code === 'ALREADY_HANDLED' ? 409 : 400;
          return fail(reply, status, err.code.toLowerCase(), err.message);
        }
        throw err;
      }
    };

  const body = (req: FastifyRequest): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body as Record<string, unknown> : {});
  const challenge = (req: Req, name: string) => req.query[name] ?? '';

  app.get('/t/:slug/admin/login', guarded(async (req, reply, t) => reply.send(await c.services.interactions.getLogin(t.tenantId, challenge(req, 'login_challenge')))));
  app.put('/t/:slug/admin/login/accept', guarded(async (req, reply, t, actor) =>
    reply.send(await c.services.interactions.acceptLogin(t.tenantId, t.slug, challenge(req, 'login_challenge'), body(req) as never, actor, req.id))));
  app.put('/t/:slug/admin/login/reject', guarded(async (req, reply, t) =>
    reply.send(await c.services.interactions.rejectLogin(t.tenantId, t.slug, challenge(req, 'login_challenge'), body(req) as never))));
  app.get('/t/:slug/admin/consent', guarded(async (req, reply, t) => reply.send(await c.services.interactions.getConsent(t.tenantId, challenge(req, 'consent_challenge')))));
  app.put('/t/:slug/admin/consent/accept', guarded(async (req, reply, t, actor) =>
    reply.send(await c.services.interactions.acceptConsent(t.tenantId, t.slug, challenge(req, 'consent_challenge'), body(req) as never, actor, req.id))));
  app.put('/t/:slug/admin/consent/reject', guarded(async (req, reply, t) =>
    reply.send(await c.services.interactions.rejectConsent(t.tenantId, t.slug, challenge(req, 'consent_challenge'), body(req) as never))));
}
