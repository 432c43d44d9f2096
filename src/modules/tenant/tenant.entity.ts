import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A tenant is an issuer: its own users, clients, signing keys and sessions. Not itself tenant-scoped. */
export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenant',
  properties: {
    id: p.uuid().primary(),
    slug: p.string().length(63).unique(),
    name: p.string().length(200),
    isSystem: p.boolean().default(false),
    /** A tenant-hosted login UI driven by the challenge API; null: Signet's hosted page. */
    loginUiUrl: p.text().nullable(),
    consentUiUrl: p.text().nullable(),
    /** Browser SSO session lifetime in seconds. */
    sessionTtl: p.integer().default(1_209_600),
    /** Token lifetimes for the tenant's user grants (seconds; null: the server defaults). Client settings override them. */
    accessTokenTtl: p.integer().nullable(),
    idTokenTtl: p.integer().nullable(),
    refreshTokenTtl: p.integer().nullable(),
    refreshTokenIdleTtl: p.integer().nullable(),
    /** Password policy: minimum length (8-128) and character classes every password must contain. */
    passwordMinLength: p.integer().default(8),
    passwordRequireClasses: p.array().default([]),
    /** Whether end users may sign themselves up (read by the registration flow of a later issue). */
    selfRegistration: p.boolean().default(false),
    /** Authentication methods users may sign in with (a list for later issues; `password` today). */
    authMethods: p.array().default(['password']),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Tenant = InferEntity<typeof Tenant>;
