import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Tenant } from '../tenant.entity.js';
import { TenantType } from './tenant.type.js';
import { TenantUserError } from './tenant-mutations.types.js';

@ObjectType('PasswordPolicy', { description: 'Rules every password set in the tenant must meet (userCreate, userPasswordSet, invitations, resets). Requires tenant:read.' })
export class PasswordPolicyType {
  @Field(() => Int, { description: 'Minimum length (8-128; at most 1024 characters in any case). Requires tenant:read.' })
  minLength!: number;
  @Field(() => [String], { description: 'Character classes a password must contain, among lowercase, uppercase, digit, symbol. Requires tenant:read.' })
  requireClasses!: string[];
}

export enum RegistrationStepMode { REQUIRED = 'required', OPTIONAL = 'optional', HIDDEN = 'hidden' }
registerEnumType(RegistrationStepMode, { name: 'RegistrationStepMode', description: 'Whether a self-registration step must be completed, may be skipped, or is not shown.' });

export enum MfaPolicy { OPTIONAL = 'optional', REQUIRED = 'required' }
registerEnumType(MfaPolicy, { name: 'MfaPolicy', description: 'OPTIONAL: users may enrol a second factor; REQUIRED: every sign-in needs one (users without one enrol at sign-in).' });

@ObjectType('RegistrationSteps', { description: 'The self-registration workflow: each step required, optional or hidden. Requires tenant:read.' })
export class RegistrationStepsType {
  @Field(() => RegistrationStepMode, { description: 'Prove the email address with a code.' })
  emailVerification!: RegistrationStepMode;
  @Field(() => RegistrationStepMode, { description: 'Accept the terms of service (termsUrl).' })
  terms!: RegistrationStepMode;
  @Field(() => RegistrationStepMode, { description: 'Name and profile details.' })
  profile!: RegistrationStepMode;
  @Field(() => RegistrationStepMode, { description: 'Prove a phone number with an SMS code.' })
  phoneVerification!: RegistrationStepMode;
  @Field(() => RegistrationStepMode, { description: 'Choose a password.' })
  credentials!: RegistrationStepMode;
}

@InputType('RegistrationStepsInput', { description: 'Changes to the registration workflow; omitted steps stay as they are.' })
export class RegistrationStepsInput {
  @Field(() => RegistrationStepMode, { nullable: true, description: 'Prove the email address with a code.' })
  emailVerification?: RegistrationStepMode | null;
  @Field(() => RegistrationStepMode, { nullable: true, description: 'Accept the terms of service.' })
  terms?: RegistrationStepMode | null;
  @Field(() => RegistrationStepMode, { nullable: true, description: 'Name and profile details.' })
  profile?: RegistrationStepMode | null;
  @Field(() => RegistrationStepMode, { nullable: true, description: 'Prove a phone number.' })
  phoneVerification?: RegistrationStepMode | null;
  @Field(() => RegistrationStepMode, { nullable: true, description: 'Choose a password.' })
  credentials?: RegistrationStepMode | null;
}

const STEP_KEYS = { emailVerification: 'email_verification', terms: 'terms', profile: 'profile', phoneVerification: 'phone_verification', credentials: 'credentials' } as const;

export function registrationStepsFromInput(input: RegistrationStepsInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(STEP_KEYS)) {
    const mode = input[k as keyof RegistrationStepsInput];
    if (mode != null) out[v] = mode;
  }
  return out;
}

@ObjectType('TenantSettings', { description: 'Sign-in settings of a tenant. Requires tenant:read.' })
export class TenantSettingsType {
  @Field(() => Int, { description: 'Browser SSO session lifetime in seconds (applies to sessions started from now on). Requires tenant:read.' })
  sessionTtl!: number;
  @Field(() => Int, { nullable: true, description: 'Access token lifetime for user grants in seconds (null: server default); a client\'s own setting wins. Requires tenant:read.' })
  accessTokenTtl!: number | null;
  @Field(() => Int, { nullable: true, description: 'ID token lifetime in seconds (null: 3600). Requires tenant:read.' })
  idTokenTtl!: number | null;
  @Field(() => Int, { nullable: true, description: 'Absolute refresh token lifetime in seconds (null: 30 days); a client\'s own setting wins. Requires tenant:read.' })
  refreshTokenTtl!: number | null;
  @Field(() => Int, { nullable: true, description: 'Idle refresh token lifetime in seconds (null: 14 days); a client\'s own setting wins. Requires tenant:read.' })
  refreshTokenIdleTtl!: number | null;
  @Field(() => PasswordPolicyType, { description: 'The password policy. Requires tenant:read.' })
  passwordPolicy!: PasswordPolicyType;
  @Field(() => Boolean, { description: 'Whether end users may sign themselves up (used by the registration flow of a later release). Requires tenant:read.' })
  selfRegistration!: boolean;
  @Field(() => [String], { description: 'First factors users may sign in with: password, email_otp, magic_link, phone_otp, passkey, anonymous. Requires tenant:read.' })
  authenticationMethods!: string[];
  @Field(() => [String], { description: 'Second factors users may enrol and answer: totp, recovery_code, passkey, email_otp, phone_otp. Requires tenant:read.' })
  mfaMethods!: string[];
  @Field(() => MfaPolicy, { description: 'Whether every sign-in needs a second factor. Requires tenant:read.' })
  mfaPolicy!: MfaPolicy;
  @Field(() => [String], { description: 'Role names whose holders always need a second factor (e.g. admin). Requires tenant:read.' })
  mfaRequiredRoles!: string[];
  @Field(() => Boolean, { description: 'Ask for the second factor (when the user has one) on a sign-in from a new device or network. Requires tenant:read.' })
  adaptiveMfa!: boolean;
  @Field(() => RegistrationStepsType, { description: 'The self-registration workflow. Requires tenant:read.' })
  registrationSteps!: RegistrationStepsType;
  @Field(() => String, { nullable: true, description: 'Terms of service linked from the registration terms step. Requires tenant:read.' })
  termsUrl!: string | null;
  @Field(() => Boolean, { description: 'Whether a completed account recovery ends the user\'s sessions and refresh tokens. Requires tenant:read.' })
  recoveryRevokesSessions!: boolean;
  @Field(() => Int, { description: 'Wrong passwords per account (per 15 minutes) before sign-in locks; each lockout doubles (1 minute first). Requires tenant:read.' })
  lockoutThreshold!: number;
  @Field(() => String, { nullable: true, description: 'WebAuthn relying party id (null: the host of PUBLIC_URL). Requires tenant:read.' })
  webauthnRpId!: string | null;
  @Field(() => [String], { description: 'Extra origins accepted in WebAuthn responses besides PUBLIC_URL\'s. Requires tenant:read.' })
  webauthnOrigins!: string[];
}

export function toTenantSettings(t: Tenant): TenantSettingsType {
  return Object.assign(new TenantSettingsType(), {
    sessionTtl: t.sessionTtl,
    accessTokenTtl: t.accessTokenTtl ?? null, idTokenTtl: t.idTokenTtl ?? null, refreshTokenTtl: t.refreshTokenTtl ?? null, refreshTokenIdleTtl: t.refreshTokenIdleTtl ?? null,
    passwordPolicy: Object.assign(new PasswordPolicyType(), { minLength: t.passwordMinLength, requireClasses: t.passwordRequireClasses }),
    selfRegistration: t.selfRegistration,
    authenticationMethods: t.authMethods,
    mfaMethods: t.mfaMethods, mfaPolicy: t.mfaPolicy as MfaPolicy, mfaRequiredRoles: t.mfaRequiredRoles, adaptiveMfa: t.adaptiveMfa,
    registrationSteps: Object.assign(new RegistrationStepsType(), Object.fromEntries(Object.entries(STEP_KEYS).map(([k, v]) => [k, (t.registrationSteps as Record<string, string>)[v] ?? 'hidden']))),
    termsUrl: t.termsUrl ?? null, recoveryRevokesSessions: t.recoveryRevokesSessions, lockoutThreshold: t.lockoutThreshold,
    webauthnRpId: t.webauthnRpId ?? null, webauthnOrigins: t.webauthnOrigins,
  });
}

@InputType('TenantSettingsUpdateInput', { description: 'Changes to the current tenant\'s settings; omitted fields stay as they are.' })
export class TenantSettingsUpdateInput {
  @Field(() => Int, { nullable: true, description: 'Browser SSO session lifetime in seconds (300-31536000).' })
  sessionTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Access token lifetime for user grants in seconds (60-86400).' })
  accessTokenTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'ID token lifetime in seconds (60-86400).' })
  idTokenTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Absolute refresh token lifetime in seconds (300-31536000).' })
  refreshTokenTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Idle refresh token lifetime in seconds (300-31536000).' })
  refreshTokenIdleTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Minimum password length (8-128).' })
  passwordMinLength?: number | null;
  @Field(() => [String], { nullable: true, description: 'Required character classes: any of lowercase, uppercase, digit, symbol (empty: none).' })
  passwordRequireClasses?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Allow end users to sign themselves up.' })
  selfRegistration?: boolean | null;
  @Field(() => [String], { nullable: true, description: 'Allowed first factors: password, email_otp, magic_link, phone_otp, passkey, anonymous (at least one).' })
  authenticationMethods?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Allowed second factors: totp, recovery_code, passkey, email_otp, phone_otp.' })
  mfaMethods?: string[] | null;
  @Field(() => MfaPolicy, { nullable: true, description: 'Whether every sign-in needs a second factor.' })
  mfaPolicy?: MfaPolicy | null;
  @Field(() => [String], { nullable: true, description: 'Role names whose holders always need a second factor.' })
  mfaRequiredRoles?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Adaptive MFA on new devices and networks.' })
  adaptiveMfa?: boolean | null;
  @Field(() => RegistrationStepsInput, { nullable: true, description: 'Changes to the registration workflow (email verification and credentials cannot both be hidden).' })
  registrationSteps?: RegistrationStepsInput | null;
  @Field(() => String, { nullable: true, description: 'Terms of service URL (http or https).' })
  termsUrl?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'End sessions and refresh tokens after an account recovery.' })
  recoveryRevokesSessions?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Wrong passwords before lockout (3-100).' })
  lockoutThreshold?: number | null;
  @Field(() => String, { nullable: true, description: 'WebAuthn relying party id: a registrable suffix of PUBLIC_URL\'s host.' })
  webauthnRpId?: string | null;
  @Field(() => [String], { nullable: true, description: 'Extra WebAuthn origins (scheme://host[:port]).' })
  webauthnOrigins?: string[] | null;
}

@ObjectType('TenantSettingsUpdatePayload', { description: 'Result of tenantSettingsUpdate.' })
export class TenantSettingsUpdatePayload {
  @Field(() => TenantType, { nullable: true, description: 'The tenant after the change, unless userErrors is non-empty.' })
  tenant!: TenantType | null;
  @Field(() => [TenantUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: TenantUserError[];
}
