import { DomainError } from '../../shared/domain-error.js';

export enum OutboundPolicyErrorCode {
  VALUE_INVALID = 'VALUE_INVALID',
  RELAXATION_FORBIDDEN = 'RELAXATION_FORBIDDEN',
}

export class OutboundPolicyError extends DomainError<OutboundPolicyErrorCode> {
  readonly domain = 'outbound-policy';
}
