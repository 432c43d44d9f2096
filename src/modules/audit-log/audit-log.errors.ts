import { DomainError } from '../../shared/domain-error.js';

export enum AuditLogErrorCode {
  EVENT_TYPE_UNKNOWN = 'EVENT_TYPE_UNKNOWN',
  RANGE_INVALID = 'RANGE_INVALID',
}

export class AuditLogError extends DomainError<AuditLogErrorCode> {
  readonly domain = 'audit-log';
}
