import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { ApolloServer } from '@apollo/server';
import { randomHex } from '../crypto/random.js';
import type { RequestContext } from '../shared/request-context.js';
import { requestScope } from '../shared/request-scope.js';
import type { Container } from './container.js';
import { createApollo } from './graphql.js';
import { graphqlRoute } from './graphql-route.js';
import { idempotencyPlugin } from '../graph/idempotency.js';
import { registerHealthRoutes } from './health-routes.js';
import { createMetrics, type Metrics } from './metrics.js';
import { registerOAuthRoutes } from './oauth-routes.js';
import { registerCors } from './cors.js';
import { registerBrowserRoutes } from './browser-routes.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerAuthnRoutes } from './authn-routes.js';
import { registerPasskeyRoutes } from './passkey-routes.js';
import { registerLoginRoutes } from './login-routes.js';
import { registerRegistrationRoutes } from './registration-routes.js';
import { registerRecoveryRoutes } from './recovery-routes.js';
import { registerPortalRoutes } from './portal-routes.js';
import { authenticate, createRequestContext, TENANT_HEADER } from './request-context.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** Request ids need to be unique, not secret: a random per-process prefix and a counter (no CSPRNG call per request). */
const REQUEST_ID_PREFIX = randomHex(6);
let requestCounter = 0;
const nextRequestId = () => `${REQUEST_ID_PREFIX}${(requestCounter++).toString(36).padStart(6, '0')}`;

/** application/x-www-form-urlencoded, keeping repeated parameters as arrays (RFC 6749 §3.1 needs to see them). */
function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export interface HttpApp {
  app: FastifyInstance;
  apollo: ApolloServer<RequestContext>;
  metrics: Metrics;
}

export async function createHttpApp(c: Container): Promise<HttpApp> {
  const metrics = createMetrics();
  const app = Fastify({
    loggerInstance: c.log as FastifyBaseLogger,
    // Our onResponse hook logs one line per request (path only, never the query string).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    requestIdHeader: false,
    // No per-request child logger (pino builds its redaction for every child): request log lines
    // carry requestId explicitly, and GraphQL operations get a child only when they log.
    childLoggerFactory: (logger) => logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // OAuth endpoints judge content types themselves (RFC 6749 §3.2 wants invalid_request, not a
  // framework 415): any other body reaches them unparsed and is refused by the pipeline.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (req.url.includes('/oauth/')) return done(null, { __unparsed: body });
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    if (req.url.includes('/oauth/')) return done(null, { __unparsed: body });
    const err = Object.assign(new Error(`unsupported content-type: ${String(req.headers['content-type']).slice(0, 100)}`), { statusCode: 415 });
    done(err, undefined);
  });

  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    requestScope.enterWith({ requestId: req.id });
    done();
  });
  // Label-bound metric children, cached per route: prom-client hashes a label object on every
  // unbound call, which shows on the token endpoint's hot path.
  const logRequests = c.log.isLevelEnabled('info');
  const counters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(v: number): void }>();
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const ck = `${req.method} ${route} ${status}`;
    let counter = counters.get(ck);
    if (!counter) counters.set(ck, (counter = metrics.requests.labels(req.method, route, String(status))));
    counter.inc();
    const tk = `${req.method} ${route}`;
    let timer = timers.get(tk);
    if (!timer) timers.set(tk, (timer = metrics.latency.labels(req.method, route)));
    timer.observe(reply.elapsedTime / 1000);
    // Path only: query strings may carry codes or tokens, which never reach the logs.
    if (logRequests) {
      req.log.info({ requestId: req.id, method: req.method, route, path: req.url.split('?')[0], status, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });

  // Errors outside the GraphQL and OAuth handlers (body parsing, limits, bugs): JSON, no stack.
  app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, requestId: req.id }, 'unhandled error');
    const isOAuth = req.url.includes('/oauth/');
    const body = isOAuth
      ? { error: status >= 500 ? 'server_error' : 'invalid_request', error_description: status >= 500 ? `internal error (request id ${req.id})` : err.message }
      : { error: status >= 500 ? 'internal_error' : 'bad_request', message: status >= 500 ? 'internal error' : err.message, requestId: req.id };
    if (isOAuth) reply.header('pragma', 'no-cache');
    return reply.code(status).header('cache-control', 'no-store').send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route for ${req.method} ${req.url.split('?')[0]}`, requestId: req.id }));

  registerHealthRoutes(app, c, metrics);
  registerCors(app, c);
  registerOAuthRoutes(app, c);
  registerBrowserRoutes(app, c);
  registerAdminRoutes(app, c);
  registerAuthnRoutes(app, c);
  registerPasskeyRoutes(app, c);
  registerLoginRoutes(app, c);
  registerRegistrationRoutes(app, c);
  registerRecoveryRoutes(app, c);
  registerPortalRoutes(app, c);

  const apollo = await createApollo(c.log, {
    production: c.config.nodeEnv === 'production', introspection: c.config.graphqlIntrospection,
    plugins: [fastifyApolloDrainPlugin(app), idempotencyPlugin(c.orm, c.masterKey)],
  });
  await apollo.start();
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: graphqlRoute(apollo, async (req) => {
      const principal = await authenticate(c, req.headers.authorization);
      return createRequestContext(c, principal, req.headers[TENANT_HEADER], req.id);
    }),
  });
  return { app, apollo, metrics };
}
