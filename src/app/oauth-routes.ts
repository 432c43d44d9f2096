import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { discoveryEndpoint } from '../protocol/endpoints/discovery/index.js';
import { jwksEndpoint } from '../protocol/endpoints/jwks/index.js';
import { tokenEndpoint } from '../protocol/endpoints/token/index.js';
import { introspectionEndpoint } from '../protocol/endpoints/introspect/index.js';
import { revocationEndpoint } from '../protocol/endpoints/revoke/index.js';
import { userinfoEndpoint } from '../protocol/endpoints/userinfo/index.js';
import { NO_STORE } from '../protocol/respond.js';
import { issuerUrl, type OAuthRequest, type OAuthResponse } from '../protocol/request.js';
import type { IssuerRecord } from '../protocol/ports.js';
import { ALL_MANAGEMENT_SCOPES, TENANT_MANAGEMENT_SCOPES } from '../shared/management-scopes.js';
import { OIDC_SCOPES } from '../protocol/tokens/claims.js';
import type { Container } from './container.js';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

function send(reply: FastifyReply, res: OAuthResponse): FastifyReply {
  return reply.code(res.status).headers(res.headers).send(res.body);
}

/** The OAuth/OIDC REST surface of every tenant issuer: `${PUBLIC_URL}/t/{slug}/…`. */
export function registerOAuthRoutes(app: FastifyInstance, c: Container): void {
  const unknownIssuer = (reply: FastifyReply) =>
    reply.code(404).headers({ ...NO_STORE, 'content-type': 'application/json; charset=utf-8' })
      .send({ error: 'invalid_request', error_description: 'unknown issuer' });

  const withIssuer = (handler: (req: SlugRequest, reply: FastifyReply, tenant: IssuerRecord) => Promise<unknown> | unknown) =>
    async (req: SlugRequest, reply: FastifyReply) => {
      const tenant = await c.issuers.findBySlug(req.params.slug);
      if (!tenant) return unknownIssuer(reply);
      return handler(req, reply, tenant);
    };

  const discovery = withIssuer((_req, reply, tenant) =>
    send(reply, discoveryEndpoint({
      issuer: issuerUrl(c.config.publicUrl, tenant.slug),
      // platform:admin exists only in the system tenant.
      scopesSupported: [...OIDC_SCOPES, ...(tenant.tenantId === c.system.systemTenantId ? ALL_MANAGEMENT_SCOPES : TENANT_MANAGEMENT_SCOPES)],
    })));

  app.get('/t/:slug/.well-known/openid-configuration', discovery);
  app.get('/t/:slug/.well-known/oauth-authorization-server', discovery);
  // RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
  app.get('/.well-known/oauth-authorization-server/t/:slug', discovery);
  app.get('/.well-known/openid-configuration/t/:slug', discovery);

  app.get('/t/:slug/.well-known/jwks.json', withIssuer(async (_req, reply, tenant) => send(reply, await jwksEndpoint(tenant.tenantId, c.keys))));

  const oauthRequest = (req: SlugRequest, tenant: IssuerRecord): OAuthRequest => ({
    issuer: issuerUrl(c.config.publicUrl, tenant.slug),
    tenant,
    method: req.method,
    headers: req.headers,
    body: (req.body && typeof req.body === 'object' && !('__unparsed' in req.body) ? req.body : {}) as OAuthRequest['body'],
    contentType: req.headers['content-type'],
  });

  app.route({
    method: ['POST', 'GET', 'PUT'], url: '/t/:slug/oauth/token',
    handler: withIssuer(async (req, reply, tenant) => send(reply, await tokenEndpoint(oauthRequest(req, tenant), c.ports, c.settings))),
  });
  app.route({
    method: ['POST', 'GET'], url: '/t/:slug/oauth/introspect',
    handler: withIssuer(async (req, reply, tenant) => send(reply, await introspectionEndpoint(oauthRequest(req, tenant), c.ports))),
  });
  app.route({
    method: ['POST', 'GET'], url: '/t/:slug/oauth/revoke',
    handler: withIssuer(async (req, reply, tenant) => send(reply, await revocationEndpoint(oauthRequest(req, tenant), c.ports))),
  });
  app.route({
    method: ['GET', 'POST'], url: '/t/:slug/userinfo',
    handler: withIssuer(async (req, reply, tenant) => send(reply, await userinfoEndpoint({ ...oauthRequest(req, tenant), query: (req.query ?? {}) as Record<string, unknown> }, c.ports))),
  });
}
