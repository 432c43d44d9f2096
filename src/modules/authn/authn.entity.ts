import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';
import { User } from '../user/user.entity.js';

/** What a flow is for: signing in (for an authorization request or the portal), signing up, recovering an account. */
export const FLOW_PURPOSES = ['login', 'registration', 'recovery'] as const;
export type FlowPurpose = (typeof FLOW_PURPOSES)[number];

/**
 * Where a flow stands (see authn-engine.ts for the diagram): `identify` (no user yet: a first
 * factor is next), `second_factor`, `enroll_mfa` (policy demands a factor the user lacks),
 * `authenticated` (ready to complete), `completed` (handed over: login accepted or session
 * created), `failed` (destroyed after too many wrong answers).
 */
export const FLOW_STATES = ['identify', 'second_factor', 'enroll_mfa', 'authenticated', 'completed', 'failed'] as const;
export type FlowState = (typeof FLOW_STATES)[number];

/** A code or link in flight (email / SMS OTP, magic link): only its hash is stored. */
export interface PendingOtp {
  channel: 'email_otp' | 'phone_otp' | 'magic_link';
  /** The user the code was sent to (null: nobody; an unknown address gets the same answer). */
  userId: string | null;
  /** Masked destination for display (m***@example.com). */
  destination: string;
  codeHash: string;
  expiresAt: number;
  /** The factor being proven: first (sign-in) or second (MFA), or a registration/recovery step. */
  step: 'first' | 'second' | 'verify_email' | 'verify_phone' | 'recovery';
  /**
   * The id the send limits count this destination under (LoginThrottle.sendId: a hash, never the
   * address), so that sending it again counts alike for known and unknown addresses.
   */
  sendId?: string;
}

/**
 * One authentication attempt of one browser (or headless client): the factors proven so far,
 * the pending code, the failures. Bound to its creator by a random flow token (cookie or
 * header) stored as SHA-256; lives at most 15 minutes.
 */
export const LoginFlow = defineEntity({
  name: 'LoginFlow',
  tableName: 'login_flow',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    tokenHash: p.string().length(64).unique(),
    purpose: p.enum(FLOW_PURPOSES),
    state: p.enum(FLOW_STATES),
    /** The authorization request being served (null: portal sign-in, registration, recovery). */
    interactionId: p.uuid().nullable().index(),
    userId: p.uuid().nullable(),
    /** RFC 8176 method references proven so far, in order. */
    amr: p.array().default([]),
    /** Whether policy (tenant, role, organization, acr_values, risk) demands a second factor. */
    mfaRequired: p.boolean().default(false),
    /** Why the second factor is required (tenant_policy, role_policy, acr_values, risk…). */
    mfaReasons: p.array().default([]),
    /** The acr the client asked for (acr_values), if any. */
    requestedAcr: p.string().length(100).nullable(),
    otp: p.json<PendingOtp>().nullable(),
    /** The WebAuthn challenge issued for this flow (base64url), single use. */
    webauthnChallenge: p.string().length(128).nullable(),
    /** Wrong answers so far (codes, links, second factors); at the limit the flow fails. */
    failures: p.integer().default(0),
    /** Registration / recovery progress: steps done, profile collected, pending password. */
    data: p.json<Record<string, unknown>>().onCreate(() => ({})),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(300).nullable(),
    /** SHA-256 of the device cookie of the browser that started the flow (adaptive MFA). */
    deviceHash: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
  filters: tenantFilter,
});
export type LoginFlow = InferEntity<typeof LoginFlow>;

export const AUTHENTICATOR_KINDS = ['totp', 'passkey', 'recovery_codes'] as const;
export type AuthenticatorKind = (typeof AUTHENTICATOR_KINDS)[number];

/**
 * A user's enrolled authenticator: a TOTP app (secret sealed under the master key, last used
 * step for replay refusal), a passkey (WebAuthn credential id, COSE public key, signature
 * counter) or a set of recovery codes (the codes themselves in recovery_code). `confirmedAt`
 * null: enrolment started but not proven yet (never counts as a factor).
 */
export const Authenticator = defineEntity({
  name: 'Authenticator',
  tableName: 'authenticator',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').index(),
    kind: p.enum(AUTHENTICATOR_KINDS),
    name: p.string().length(100),
    secretSealed: p.text().nullable().lazy(),
    lastUsedStep: p.bigint('number').nullable(),
    credentialId: p.string().length(1400).nullable(),
    publicKey: p.text().nullable(),
    signCount: p.bigint('number').default(0),
    transports: p.array().default([]),
    backedUp: p.boolean().default(false),
    confirmedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'credentialId'] }],
  filters: tenantFilter,
});
export type Authenticator = InferEntity<typeof Authenticator>;

/** One recovery code (HMAC under the master key), usable once: `usedAt` set by a conditional UPDATE. */
export const RecoveryCode = defineEntity({
  name: 'RecoveryCode',
  tableName: 'recovery_code',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').index(),
    authenticator: p.manyToOne(Authenticator).mapToPk().deleteRule('cascade').index(),
    codeHash: p.string().length(64),
    usedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['user', 'codeHash'] }],
  filters: tenantFilter,
});
export type RecoveryCode = InferEntity<typeof RecoveryCode>;

/** A browser (device cookie) and network a user signed in from before: adaptive MFA's memory. */
export const KnownDevice = defineEntity({
  name: 'KnownDevice',
  tableName: 'known_device',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').index(),
    deviceHash: p.string().length(64),
    /** The /24 (IPv4) or /48 (IPv6) network last seen from this device. */
    network: p.string().length(64).nullable(),
    userAgent: p.string().length(300).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastSeenAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['user', 'deviceHash'] }],
  filters: tenantFilter,
});
export type KnownDevice = InferEntity<typeof KnownDevice>;
