import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';
import type { GrantSnapshot } from '../../protocol/ports.js';

/**
 * A user's consent to a client: what was granted, remembered until `rememberUntil` (null: not
 * remembered). Revoking it revokes every token family issued under it.
 */
export const Consent = defineEntity({
  name: 'Consent',
  tableName: 'consent',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    subject: p.string().length(200),
    clientId: p.string().length(128),
    scopes: p.array(),
    audiences: p.array(),
    rememberUntil: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['tenant', 'subject', 'clientId'] }],
  filters: tenantFilter,
});
export type Consent = InferEntity<typeof Consent>;

export type { GrantSnapshot };

/** An authorization code: single use, short-lived, stored as SHA-256. */
export const AuthorizationCode = defineEntity({
  name: 'AuthorizationCode',
  tableName: 'authorization_code',
  properties: {
    id: p.string().length(64).primary(),
    tenant: tenantColumn(),
    familyId: p.uuid(),
    clientId: p.string().length(128),
    redirectUri: p.text(),
    codeChallenge: p.string().length(128).nullable(),
    codeChallengeMethod: p.string().length(10).nullable(),
    grant: p.json<GrantSnapshot>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
    consumedAt: p.datetime().nullable(),
  },
  filters: tenantFilter,
});
export type AuthorizationCode = InferEntity<typeof AuthorizationCode>;

/** A refresh token (SHA-256 id). Rotated on every use; a consumed one presented again is reuse. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  properties: {
    id: p.string().length(64).primary(),
    tenant: tenantColumn(),
    familyId: p.uuid().index(),
    clientId: p.string().length(128),
    grant: p.json<GrantSnapshot>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Idle expiry: unused this long, the token dies. */
    expiresAt: p.datetime().index(),
    /** Absolute expiry of the family, carried over on rotation. */
    absoluteExpiresAt: p.datetime(),
    consumedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
  filters: tenantFilter,
});
export type RefreshToken = InferEntity<typeof RefreshToken>;

/**
 * Access tokens issued for user grants (JWT: by jti; opaque: by SHA-256 of the token), and
 * revocations of client_credentials JWTs (a row with revokedAt set). Introspection and userinfo
 * consult it, so a revoked JWT is refused before its exp.
 */
export const AccessTokenRecord = defineEntity({
  name: 'AccessTokenRecord',
  tableName: 'access_token',
  properties: {
    id: p.string().length(64).primary(),
    tenant: tenantColumn(),
    familyId: p.uuid().nullable().index(),
    format: p.string().length(10),
    clientId: p.string().length(128),
    subject: p.string().length(200),
    scopes: p.array(),
    audience: p.text(),
    claims: p.json<Record<string, unknown>>().nullable(),
    issuedAt: p.datetime(),
    expiresAt: p.datetime().index(),
    revokedAt: p.datetime().nullable(),
  },
  filters: tenantFilter,
});
export type AccessTokenRecord = InferEntity<typeof AccessTokenRecord>;

/** Used client-assertion jti values (RFC 7523 §3: replay refused), kept until their exp. */
export const UsedAssertion = defineEntity({
  name: 'UsedAssertion',
  tableName: 'used_client_assertion',
  properties: {
    id: p.string().length(64).primary(),
    tenant: tenantColumn(),
    expiresAt: p.datetime().index(),
  },
  filters: tenantFilter,
});
export type UsedAssertion = InferEntity<typeof UsedAssertion>;
