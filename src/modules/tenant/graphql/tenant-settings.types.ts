import { Field, InputType, Int, ObjectType } from 'type-graphql';
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
  @Field(() => [String], { description: 'Authentication methods users may sign in with: password, passkey, totp, magic_link, sso (only password is implemented today). Requires tenant:read.' })
  authenticationMethods!: string[];
}

export function toTenantSettings(t: Tenant): TenantSettingsType {
  return Object.assign(new TenantSettingsType(), {
    sessionTtl: t.sessionTtl,
    accessTokenTtl: t.accessTokenTtl ?? null, idTokenTtl: t.idTokenTtl ?? null, refreshTokenTtl: t.refreshTokenTtl ?? null, refreshTokenIdleTtl: t.refreshTokenIdleTtl ?? null,
    passwordPolicy: Object.assign(new PasswordPolicyType(), { minLength: t.passwordMinLength, requireClasses: t.passwordRequireClasses }),
    selfRegistration: t.selfRegistration,
    authenticationMethods: t.authMethods,
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
  @Field(() => [String], { nullable: true, description: 'Allowed authentication methods: password, passkey, totp, magic_link, sso (at least one).' })
  authenticationMethods?: string[] | null;
}

@ObjectType('TenantSettingsUpdatePayload', { description: 'Result of tenantSettingsUpdate.' })
export class TenantSettingsUpdatePayload {
  @Field(() => TenantType, { nullable: true, description: 'The tenant after the change, unless userErrors is non-empty.' })
  tenant!: TenantType | null;
  @Field(() => [TenantUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: TenantUserError[];
}
