import { DomainError } from '../../shared/domain-error.js';

/**
 * Why an authentication step was refused. The flow API answers `{ error: <code in lower case>,
 * error_description }` with the HTTP status below; the hosted pages show the message.
 */
export enum AuthnErrorCode {
  INVALID_REQUEST = 'INVALID_REQUEST',
  FLOW_NOT_FOUND = 'FLOW_NOT_FOUND',
  FLOW_FAILED = 'FLOW_FAILED',
  STEP_OUT_OF_ORDER = 'STEP_OUT_OF_ORDER',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_CODE = 'INVALID_CODE',
  CODE_EXPIRED = 'CODE_EXPIRED',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  WRONG_BROWSER = 'WRONG_BROWSER',
  WEBAUTHN_FAILED = 'WEBAUTHN_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  REAUTHENTICATION_REQUIRED = 'REAUTHENTICATION_REQUIRED',
  REGISTRATION_DISABLED = 'REGISTRATION_DISABLED',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  PASSWORD_POLICY = 'PASSWORD_POLICY',
}

export const AUTHN_ERROR_STATUS: Record<AuthnErrorCode, number> = {
  INVALID_REQUEST: 400, FLOW_NOT_FOUND: 404, FLOW_FAILED: 410, STEP_OUT_OF_ORDER: 409, METHOD_NOT_ALLOWED: 403,
  INVALID_CREDENTIALS: 401, INVALID_CODE: 401, CODE_EXPIRED: 401, TOO_MANY_ATTEMPTS: 429, WRONG_BROWSER: 403,
  WEBAUTHN_FAILED: 401, NOT_FOUND: 404, REAUTHENTICATION_REQUIRED: 401, REGISTRATION_DISABLED: 403, ALREADY_EXISTS: 409,
  PASSWORD_POLICY: 400,
};

export class AuthnError extends DomainError<AuthnErrorCode> {
  readonly domain = 'authn';
  constructor(code: AuthnErrorCode, message: string, field?: readonly string[], readonly retryAfterSeconds?: number) {
    super(code, message, field);
  }
}
