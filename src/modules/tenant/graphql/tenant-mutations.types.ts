import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { UserErrorInterface } from '../../../graph/errors/user-error.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import { TenantError, TenantErrorCode } from '../tenant.errors.js';
import { TenantType } from './tenant.type.js';

registerEnumType(TenantErrorCode, {
  name: 'TenantErrorCode',
  description: 'Why a tenant mutation was refused.',
  valuesConfig: {
    NOT_FOUND: { description: 'No tenant with this id is visible to the caller.' },
    SLUG_INVALID: { description: 'The slug is not 2-63 lowercase letters, digits or inner hyphens.' },
    SLUG_TAKEN: { description: 'Another tenant already has this slug.' },
    NAME_INVALID: { description: 'The name is empty or longer than 200 characters.' },
    SYSTEM_TENANT_PROTECTED: { description: 'The operation is not allowed on the system tenant (or on the caller\'s own tenant).' },
    SETTING_INVALID: { description: 'A tenant setting is out of range or unknown.' },
  },
});

@ObjectType('TenantUserError', { implements: UserErrorInterface, description: 'A problem with a tenant mutation\'s input.' })
export class TenantUserError extends UserErrorInterface {
  @Field(() => TenantErrorCode, { description: 'Machine-readable reason.' })
  code!: TenantErrorCode;
}

/** Exhaustive mapping of tenant domain errors to userErrors. */
export function tenantUserError(e: TenantError): TenantUserError {
  switch (e.code) {
    case TenantErrorCode.NOT_FOUND:
    case TenantErrorCode.SLUG_INVALID:
    case TenantErrorCode.SLUG_TAKEN:
    case TenantErrorCode.NAME_INVALID:
    case TenantErrorCode.SYSTEM_TENANT_PROTECTED:
    case TenantErrorCode.SETTING_INVALID:
      return Object.assign(new TenantUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@InputType('TenantCreateInput', { description: 'A new tenant.' })
export class TenantCreateInput {
  @Field(() => String, { description: 'URL-safe unique name (2-63 lowercase letters, digits, inner hyphens).' })
  slug!: string;
  @Field(() => String, { description: 'Display name.' })
  name!: string;
  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'Also register a management client for the tenant and return its credentials once (default true).' })
  createManagementClient?: boolean;
}

@ObjectType('ClientCredentials', { description: 'Client credentials, shown exactly once: store the secret now, it cannot be read again.' })
export class ClientCredentials {
  @Field(() => String, { description: 'The OAuth client_id.' })
  clientId!: string;
  @Field(() => String, { description: 'The plaintext client secret (only in this payload).' })
  plaintextSecret!: string;
}

@ObjectType('TenantCreatePayload', { description: 'Result of tenantCreate.' })
export class TenantCreatePayload {
  @Field(() => TenantType, { nullable: true, description: 'The new tenant, unless userErrors is non-empty.' })
  tenant!: TenantType | null;
  @Field(() => ClientCredentials, { nullable: true, description: 'Credentials of the tenant\'s management client (client_credentials at the tenant\'s token endpoint), when one was requested.' })
  managementClient!: ClientCredentials | null;
  @Field(() => [TenantUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: TenantUserError[];
}

@InputType('TenantUpdateInput', { description: 'Changes to a tenant; omitted fields stay as they are.' })
export class TenantUpdateInput {
  @Field(() => String, { nullable: true, description: 'New display name.' })
  name?: string | null;
}

@ObjectType('TenantUpdatePayload', { description: 'Result of tenantUpdate.' })
export class TenantUpdatePayload {
  @Field(() => TenantType, { nullable: true, description: 'The tenant after the change, unless userErrors is non-empty.' })
  tenant!: TenantType | null;
  @Field(() => [TenantUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: TenantUserError[];
}

@ObjectType('TenantDeletePayload', { description: 'Result of tenantDelete.' })
export class TenantDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted tenant, unless userErrors is non-empty.' })
  deletedTenantId!: string | null;
  @Field(() => [TenantUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: TenantUserError[];
}
