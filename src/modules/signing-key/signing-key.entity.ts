import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { JWK } from '../../crypto/keys.js';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

export const SIGNING_KEY_STATUSES = ['next', 'active', 'retired'] as const;
export type SigningKeyStatus = (typeof SIGNING_KEY_STATUSES)[number];

/** A tenant's signing key. The private half is sealed (AES-256-GCM, AAD = tenant id + kid). */
export const SigningKey = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_key',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    kid: p.string().length(100),
    alg: p.string().length(10),
    status: p.enum(SIGNING_KEY_STATUSES),
    publicJwk: p.json<JWK>(),
    privateKeySealed: p.text().lazy(),
    createdAt: p.datetime().onCreate(() => new Date()),
    activatedAt: p.datetime().nullable(),
    retiredAt: p.datetime().nullable(),
    /** Retired keys stay published until this instant, then the expiry sweep deletes them. */
    expiresAt: p.datetime().nullable().index(),
  },
  uniques: [{ properties: ['tenant', 'kid'] }],
  filters: tenantFilter,
});
export type SigningKey = InferEntity<typeof SigningKey>;
