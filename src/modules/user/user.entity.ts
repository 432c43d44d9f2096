import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

/**
 * `active`: may sign in (a pre-provisioned user is active without credentials until a password
 * is set); `invited`: created by an invitation that has not been accepted yet; `suspended`:
 * sign-in, refresh and introspection of existing tokens refused until reactivated.
 */
export const USER_STATUSES = ['active', 'suspended', 'invited'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** OIDC Core §5.1.1 address claim. */
export interface UserAddress {
  formatted?: string | null;
  street_address?: string | null;
  locality?: string | null;
  region?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

/** An end user of a tenant. The subject (`sub`) is the row id; the password only as argon2id. */
export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    /** Lowercased; unique per tenant. */
    email: p.string().length(320),
    emailVerified: p.boolean().default(false),
    passwordHash: p.text().nullable().lazy(),
    name: p.string().length(200).nullable(),
    givenName: p.string().length(100).nullable(),
    familyName: p.string().length(100).nullable(),
    middleName: p.string().length(100).nullable(),
    nickname: p.string().length(100).nullable(),
    preferredUsername: p.string().length(200).nullable(),
    picture: p.text().nullable(),
    website: p.text().nullable(),
    gender: p.string().length(50).nullable(),
    /** ISO 8601 `YYYY-MM-DD` (or `0000-MM-DD` / `YYYY`), as OIDC Core §5.1 allows. */
    birthdate: p.string().length(10).nullable(),
    zoneinfo: p.string().length(64).nullable(),
    locale: p.string().length(35).nullable(),
    address: p.json<UserAddress>().nullable(),
    phoneNumber: p.string().length(40).nullable(),
    phoneNumberVerified: p.boolean().default(false),
    /** Tenant-defined JSON object (at most 16 KiB serialised). */
    metadata: p.json<Record<string, unknown>>().nullable(),
    status: p.enum(USER_STATUSES).default('active'),
    /** A guest account made by anonymous sign-in (placeholder email under .invalid), upgradable in place. */
    isAnonymous: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'email'] }],
  indexes: [{ properties: ['tenant', 'createdAt'] }],
  filters: tenantFilter,
});
export type User = InferEntity<typeof User>;

export const USER_TOKEN_PURPOSES = ['invitation', 'password_reset'] as const;
export type UserTokenPurpose = (typeof USER_TOKEN_PURPOSES)[number];

/**
 * Single-use tokens mailed to a user (invitation, password reset). Only the SHA-256 of the token
 * is stored; `usedAt` is set by a conditional UPDATE, so a token works once.
 */
export const UserToken = defineEntity({
  name: 'UserToken',
  tableName: 'user_token',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').index(),
    purpose: p.enum(USER_TOKEN_PURPOSES),
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
    usedAt: p.datetime().nullable(),
  },
  filters: tenantFilter,
});
export type UserToken = InferEntity<typeof UserToken>;
