import { DomainError } from '../../shared/domain-error.js';

export enum UserErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  EMAIL_INVALID = 'EMAIL_INVALID',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  PASSWORD_TOO_WEAK = 'PASSWORD_TOO_WEAK',
  NAME_INVALID = 'NAME_INVALID',
}

export class UserError extends DomainError<UserErrorCode> {
  readonly domain = 'user';
}
