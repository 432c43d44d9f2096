import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import { sha256Hex } from '../crypto/secrets.js';
import { open, seal } from '../crypto/aead.js';
import { uuid } from '../crypto/random.js';
import { tenantEm } from '../db/tenant-em.js';
import type { RequestContext } from '../shared/request-context.js';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const KEY = /^[\x21-\x7E]{1,255}$/;

/**
 * `Idempotency-Key` for mutations (the IETF httpapi draft's semantics):
 * - the first request with a key runs and its response is stored (PostgreSQL, 24 h);
 * - a retry with the same key and the same request (query, operation name, variables) gets the
 *   stored response without running again (`Idempotent-Replayed: true`);
 * - the same key with a different request is refused (BAD_USER_INPUT, IDEMPOTENCY_KEY_REUSED);
 * - a retry while the first is still running is refused (IDEMPOTENCY_KEY_IN_PROGRESS);
 * - a response with top-level errors is not stored: the key stays usable for a retry.
 * Keys are per tenant and caller. Stored responses are sealed (AES-256-GCM under the master key):
 * they may hold a secret shown once (a new client secret), which is replayed only to the same
 * caller with the same key.
 */
/**
 * A refusal as the operation's response (errors thrown from responseForOperation would be treated
 * by Apollo as internal errors): 422, the message, the reason code.
 */
function refuse(message: string, reason: string) {
  return {
    http: { status: 422, headers: new Map() as never },
    body: { kind: 'single', singleResult: { errors: [{ message, extensions: { code: 'BAD_USER_INPUT', reason } }] } },
  } as never;
}

export function idempotencyPlugin(orm: MikroORM, masterKey: Buffer): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart(start: GraphQLRequestContext<RequestContext>) {
      const key = start.request.http?.headers.get('idempotency-key');
      if (!key) return;
      let claimed: { id: string; tenantId: string } | undefined;
      return {
        async responseForOperation({ operation, contextValue, request }) {
          if (operation.operation !== 'mutation') return null;
          if (!KEY.test(key)) {
            return refuse('Idempotency-Key must be 1-255 printable ASCII characters', 'IDEMPOTENCY_KEY_INVALID');
          }
          const tenantId = contextValue.tenant.id;
          const principal = contextValue.actor.kind === 'user' ? `user:${contextValue.actor.id}` : `client:${contextValue.actor.clientId ?? contextValue.actor.id}`;
          const hash = sha256Hex(JSON.stringify([request.query ?? '', request.operationName ?? null, request.variables ?? {}]));
          const em = tenantEm(orm, tenantId);
          const conn = em.getConnection();
          const id = uuid();
          const res = await conn.execute<{ affectedRows?: number }>(
            `insert into idempotency_key (id, tenant_id, principal, key, request_hash, status, response, created_at, expires_at)
             values (?, ?, ?, ?, ?, 'pending', null, now(), now() + interval '${IDEMPOTENCY_TTL_SECONDS} seconds')
             on conflict (tenant_id, principal, key) do nothing`,
            [id, tenantId, principal, key, hash], 'run',
          );
          if (((res as { affectedRows?: number }).affectedRows ?? 0) === 1) {
            claimed = { id, tenantId };
            return null;
          }
          const rows = await conn.execute<{ id: string; request_hash: string; status: string; response: unknown }[]>(
            'select id, request_hash, status, response from idempotency_key where tenant_id = ? and principal = ? and key = ?', [tenantId, principal, key], 'all',
          );
          const row = rows[0];
          if (!row) return refuse('Idempotency-Key could not be claimed; retry', 'IDEMPOTENCY_KEY_IN_PROGRESS');
          if (row.request_hash !== hash) {
            return refuse('Idempotency-Key was already used with a different request', 'IDEMPOTENCY_KEY_REUSED');
          }
          if (row.status !== 'done') {
            return refuse('a request with this Idempotency-Key is still in progress', 'IDEMPOTENCY_KEY_IN_PROGRESS');
          }
          const sealed = (typeof row.response === 'string' ? JSON.parse(row.response) : row.response) as { sealed: string };
          const stored = JSON.parse(open(masterKey, sealed.sealed, `idempotency:${row.id}`).toString('utf8')) as Record<string, unknown>;
          const headers = new Map([['idempotent-replayed', 'true']]);
          return { http: { status: undefined, headers: headers as never }, body: { kind: 'single', singleResult: stored } } as never;
        },
        async willSendResponse({ response }) {
          if (!claimed) return;
          const em = tenantEm(orm, claimed.tenantId);
          const body = response.body;
          const result = body.kind === 'single' ? body.singleResult : undefined;
          if (!result || result.errors?.length) {
            await em.getConnection().execute('delete from idempotency_key where id = ?', [claimed.id], 'run');
            return;
          }
          const sealed = seal(masterKey, JSON.stringify(result), `idempotency:${claimed.id}`);
          await em.getConnection().execute(`update idempotency_key set status = 'done', response = ?::jsonb where id = ?`, [JSON.stringify({ sealed }), claimed.id], 'run');
        },
      };
    },
  };
}
