/**
 * OAuth 2.0 errors, one class per spec error code (RFC 6749 §5.2, RFC 8707 §2, RFC 6750 §3.1).
 * `description` is sent as `error_description`: lowercase, specific, never containing a secret.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }
  /** Extra response headers (e.g. WWW-Authenticate on invalid_client with Basic). */
  headers(): Record<string, string> {
    return {};
  }
  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError { readonly error = 'invalid_request'; }
export class InvalidGrant extends OAuthError { readonly error = 'invalid_grant'; }
export class UnauthorizedClient extends OAuthError { readonly error = 'unauthorized_client'; }
export class UnsupportedGrantType extends OAuthError { readonly error = 'unsupported_grant_type'; }
export class InvalidScope extends OAuthError { readonly error = 'invalid_scope'; }
/** RFC 8707 §2: the requested resource is invalid, unknown or not allowed. */
export class InvalidTarget extends OAuthError { readonly error = 'invalid_target'; }

/**
 * RFC 6749 §5.2 invalid_client. When the client tried HTTP Basic, the answer MUST be 401 with a
 * WWW-Authenticate header naming the scheme; otherwise 401 is still used (it is allowed, and it
 * keeps the status independent of the method tried).
 */
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
  constructor(description: string, readonly scheme: 'Basic' | undefined = undefined) {
    super(description);
  }
  override headers(): Record<string, string> {
    return this.scheme ? { 'www-authenticate': `Basic realm="signet", error="invalid_client"` } : {};
  }
}

/** RFC 6749 §5.2 has no 5xx code; `server_error` (§4.1.2.1) is what we answer for the unexpected. */
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}

/** RFC 6749 §4.1.2.1 / OIDC Core §3.1.2.6 authorization errors (sent to the redirect URI). */
export class UnsupportedResponseType extends OAuthError { readonly error = 'unsupported_response_type'; }
export class AccessDenied extends OAuthError { readonly error = 'access_denied'; }
export class LoginRequired extends OAuthError { readonly error = 'login_required'; }
export class ConsentRequired extends OAuthError { readonly error = 'consent_required'; }
export class InteractionRequired extends OAuthError { readonly error = 'interaction_required'; }
export class RequestNotSupported extends OAuthError { readonly error = 'request_not_supported'; }
export class RequestUriNotSupported extends OAuthError { readonly error = 'request_uri_not_supported'; }
export class RegistrationNotSupported extends OAuthError { readonly error = 'registration_not_supported'; }
/** RFC 6750 §3.1: the access token is expired, revoked, malformed or invalid. */
export class InvalidToken extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;
  override headers(): Record<string, string> {
    return { 'www-authenticate': `Bearer realm="signet", error="invalid_token", error_description="${this.description.replace(/"/g, "'")}"` };
  }
}
/** RFC 6750 §3.1: the token lacks the scope the resource needs. */
export class InsufficientScope extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;
  override headers(): Record<string, string> {
    return { 'www-authenticate': `Bearer realm="signet", error="insufficient_scope", error_description="${this.description.replace(/"/g, "'")}"` };
  }
}
