import { DomainError } from '../../shared/domain-error.js';

export enum InteractionErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_HANDLED = 'ALREADY_HANDLED',
  SUBJECT_INVALID = 'SUBJECT_INVALID',
  SUBJECT_MISMATCH = 'SUBJECT_MISMATCH',
  SCOPE_NOT_REQUESTED = 'SCOPE_NOT_REQUESTED',
  AUDIENCE_NOT_ALLOWED = 'AUDIENCE_NOT_ALLOWED',
  INVALID_INPUT = 'INVALID_INPUT',
}

export class InteractionError extends DomainError<InteractionErrorCode> {
  readonly domain = 'interaction';
}
