import type { Server } from 'node:http';
import { GraphQLError, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { LIMITS, LIMIT_RULES } from '../graph/limits.js';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { randomHex } from '../crypto/random.js';
import { REVOCATION_RECHECK_MS, type Principal } from '../modules/access/index.js';
import type { Container } from './container.js';
import { authenticate, createRequestContext, TENANT_HEADER } from './request-context.js';

/** Close code sent when the connection's access token expires (documented in the README). */
export const TOKEN_EXPIRED_CLOSE_CODE = 4401;

type ConnExtra = Record<PropertyKey, unknown> & {
  socket: WebSocket;
  principal?: Principal;
  expiryTimer?: NodeJS.Timeout;
  revocationTimer?: NodeJS.Timeout;
};

function param(params: Record<string, unknown> | undefined, ...names: string[]): unknown {
  if (!params) return undefined;
  for (const n of names) {
    const hit = Object.keys(params).find((k) => k.toLowerCase() === n);
    if (hit) return params[hit];
  }
  return undefined;
}

/**
 * graphql-ws on `/graphql`, same port. The bearer token is checked at connection_init
 * (connectionParams `Authorization: Bearer …`, optional `Signet-Tenant`): no or a bad token closes
 * the socket with 4401 Unauthorized; the socket is closed with 4401 when the token expires, and
 * when it is revoked (checked through the verifier every REVOCATION_RECHECK_MS / 2, so within
 * about 1.5 × REVOCATION_RECHECK_MS).
 * The context (EntityManager fork, loaders) is created per subscribe operation.
 */
export function attachGraphqlWs(server: Server, schema: GraphQLSchema, c: Container) {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const handle = useServer<Record<string, unknown>, ConnExtra>({
    schema,
    onConnect: async (ctx) => {
      try {
        const principal = await authenticate(c, param(ctx.connectionParams, 'authorization'));
        ctx.extra.principal = principal;
        // Signet-Tenant is checked here, once: a caller that may not use it gets 4403 Forbidden
        // with the reason, instead of an internal error on every subscribe.
        try {
          await createRequestContext(c, principal, param(ctx.connectionParams, TENANT_HEADER), 'ws-connect');
        } catch (err) {
          const reason = err instanceof GraphQLError ? err.message : 'Forbidden';
          ctx.extra.socket.close(CloseCode.Forbidden, reason.slice(0, 120));
          return false;
        }
        const ms = principal.expiresAt * 1000 - Date.now();
        ctx.extra.expiryTimer = setTimeout(() => ctx.extra.socket.close(TOKEN_EXPIRED_CLOSE_CODE, 'Token expired'), Math.max(ms, 0));
        ctx.extra.expiryTimer.unref();
        // The verifier rechecks a cached token's revocation in the background and then drops it,
        // so a later tick verifies in full and is refused. Other failures (a database outage)
        // leave the socket open: the next tick tries again.
        const authorization = param(ctx.connectionParams, 'authorization');
        ctx.extra.revocationTimer = setInterval(() => {
          authenticate(c, authorization).catch((err: unknown) => {
            if (err instanceof GraphQLError && err.extensions.code === 'UNAUTHENTICATED') ctx.extra.socket.close(CloseCode.Unauthorized, 'Token revoked');
          });
        }, REVOCATION_RECHECK_MS / 2);
        ctx.extra.revocationTimer.unref();
        return true;
      } catch (err) {
        const reason = err instanceof GraphQLError ? err.message : 'Unauthorized';
        ctx.extra.socket.close(CloseCode.Unauthorized, reason.slice(0, 120));
        return false;
      }
    },
    // The same abuse limits as over HTTP: tokens at parse time, then depth, aliases and cost.
    onSubscribe: (_ctx, _id, payload) => {
      let document;
      try {
        document = parse(payload.query, { maxTokens: LIMITS.maxTokens });
      } catch (err) {
        return [err instanceof GraphQLError ? err : new GraphQLError('could not parse the document')];
      }
      const errors = validate(schema, document, [...specifiedRules, ...LIMIT_RULES]);
      if (errors.length) return errors;
      return { schema, document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined };
    },
    onClose: (ctx) => {
      clearTimeout(ctx.extra.expiryTimer);
      clearInterval(ctx.extra.revocationTimer);
    },
    context: async (ctx) => {
      const principal = ctx.extra.principal!;
      return createRequestContext(c, principal, param(ctx.connectionParams, TENANT_HEADER), randomHex(12));
    },
  }, wss);
  return {
    async close() {
      await handle.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
