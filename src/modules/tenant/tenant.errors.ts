import { DomainError } from '../../shared/domain-error.js';

export enum TenantErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  SLUG_INVALID = 'SLUG_INVALID',
  SLUG_TAKEN = 'SLUG_TAKEN',
  NAME_INVALID = 'NAME_INVALID',
  SYSTEM_TENANT_PROTECTED = 'SYSTEM_TENANT_PROTECTED',
  SETTING_INVALID = 'SETTING_INVALID',
}

export class TenantError extends DomainError<TenantErrorCode> {
  readonly domain = 'tenant';
}
