import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from './container.js';

/**
 * CORS for browser-based OAuth clients (SPAs). Public metadata (discovery, JWKS) is readable from
 * any origin; the token, revocation, introspection and userinfo endpoints answer cross-origin
 * calls only from an origin some enabled client of the tenant lists in `allowedCorsOrigins`.
 * Nothing is sent with credentials: these endpoints authenticate by body or bearer token, never
 * by cookie, so `Access-Control-Allow-Credentials` is never set.
 *
 * A refused origin gets no CORS headers (the browser then blocks the read); the request itself
 * is still answered, because CORS protects readers, not the server.
 */
const PUBLIC = /^\/(?:t\/[^/]+\/\.well-known\/[^/?]+|\.well-known\/(?:openid-configuration|oauth-authorization-server)\/t\/[^/?]+)(?:\?|$)/;
const CLIENT_FACING = /^\/t\/([^/]+)\/(?:oauth\/(?:token|revoke|introspect)|userinfo)(?:\?|$)/;

const ALLOW_HEADERS = 'authorization, content-type';
const PREFLIGHT_MAX_AGE = '600';

function preflight(reply: FastifyReply, methods: string): FastifyReply {
  return reply.code(204)
    .header('access-control-allow-methods', methods)
    .header('access-control-allow-headers', ALLOW_HEADERS)
    .header('access-control-max-age', PREFLIGHT_MAX_AGE)
    .send();
}

export function registerCors(app: FastifyInstance, c: Container): void {
  const originAllowed = async (slug: string, origin: string): Promise<boolean> => {
    const issuer = await c.issuers.findBySlug(slug);
    if (!issuer) return false;
    return (await c.clients.corsOrigins(issuer.tenantId)).has(origin);
  };

  // Callback style: requests without an Origin header (every server-to-server call, the token
  // endpoint's hot path) pass without allocating a promise.
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const origin = req.headers.origin;
    if (!origin) return done();
    if (PUBLIC.test(req.url)) {
      reply.header('access-control-allow-origin', '*');
      return req.method === 'OPTIONS' ? void preflight(reply, 'GET') : done();
    }
    const m = CLIENT_FACING.exec(req.url);
    if (!m) return done();
    reply.header('vary', 'origin');
    originAllowed(m[1]!, origin).then((allowed) => {
      if (allowed) {
        reply.header('access-control-allow-origin', origin);
        reply.header('access-control-expose-headers', 'www-authenticate');
      }
      if (req.method === 'OPTIONS') preflight(reply, 'GET, POST');
      else done();
    }, done);
  });

  // Preflights need a route to land on; the hook above has already answered them.
  const answered = (_req: FastifyRequest, reply: FastifyReply) => reply.code(204).send();
  for (const url of ['/t/:slug/oauth/token', '/t/:slug/oauth/revoke', '/t/:slug/oauth/introspect', '/t/:slug/userinfo',
    '/t/:slug/.well-known/:doc', '/.well-known/openid-configuration/t/:slug', '/.well-known/oauth-authorization-server/t/:slug']) {
    app.options(url, answered);
  }
}
