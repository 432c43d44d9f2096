import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

/**
 * A mutation answered under an `Idempotency-Key`: the caller, the key, a hash of the request
 * (query, operation name, variables) and the response to replay. Kept until `expiresAt`, then
 * swept by the worker.
 */
export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_key',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    /** The authenticated caller (client id or user subject): keys of different callers never collide. */
    principal: p.string().length(200),
    key: p.string().length(255),
    requestHash: p.string().length(64),
    status: p.string().length(10),
    response: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
  uniques: [{ properties: ['tenant', 'principal', 'key'] }],
  filters: tenantFilter,
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKey>;
