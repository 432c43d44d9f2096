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
    /** Whether end users may sign themselves up (the hosted sign-up page and the registration flow). */
    selfRegistration: p.boolean().default(false),
    /** First factors users may sign in with: password, email_otp, magic_link, phone_otp, passkey, anonymous. */
    authMethods: p.array().default(['password']),
    /** Second factors users may enrol and answer: totp, passkey, recovery_code, email_otp, phone_otp. */
    mfaMethods: p.array().default(['totp', 'passkey', 'recovery_code']),
    /** `required`: every sign-in needs a second factor (users without one enrol at sign-in). */
    mfaPolicy: p.enum(['optional', 'required'] as const).default('optional'),
    /** Role names whose holders always need a second factor (e.g. admin). */
    mfaRequiredRoles: p.array().default([]),
    /** A sign-in from a new device or network asks for the second factor when the user has one. */
    adaptiveMfa: p.boolean().default(true),
    /** Self-registration steps, each required, optional or hidden. */
    registrationSteps: p.json<Record<string, 'required' | 'optional' | 'hidden'>>().default(JSON.stringify({ email_verification: 'required', terms: 'hidden', profile: 'optional', phone_verification: 'hidden', credentials: 'required' })),
    /** Terms of service shown at the registration terms step. */
    termsUrl: p.text().nullable(),
    /** Whether a completed account recovery (password reset) ends the user's sessions and refresh tokens. */
    recoveryRevokesSessions: p.boolean().default(true),
    /** Wrong passwords (per account, per 15 minutes) before the account locks; each lockout doubles. */
    lockoutThreshold: p.integer().default(5),
    /** WebAuthn relying party id (a registrable domain of PUBLIC_URL's host; null: that host). */
    webauthnRpId: p.string().length(253).nullable(),
    /** Extra origins allowed in WebAuthn responses besides PUBLIC_URL's origin. */
    webauthnOrigins: p.array().default([]),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Tenant = InferEntity<typeof Tenant>;
