import type { ClientRecord, IssuerRecord } from '../../ports.js';

/** A browser request to the authorization endpoint, framework-neutral. */
export interface AuthorizeHttpRequest {
  issuer: string;
  tenant: IssuerRecord;
  /** Query (GET) or form (POST) parameters; repeated parameters keep every value. */
  params: Readonly<Record<string, string | string[]>>;
  /** The full request URL (shown to login UIs). */
  url: string;
  sessionToken: string | undefined;
  bindingToken: string | undefined;
  ip?: string;
  userAgent?: string;
}

export interface CookieDirective {
  name: 'session' | 'binding';
  /** null clears the cookie. */
  value: string | null;
  maxAgeSeconds?: number;
}

export type AuthorizeOutcome =
  | { kind: 'error-page'; status: number; error: string; description: string; cookies?: CookieDirective[] }
  | { kind: 'redirect'; location: string; cookies?: CookieDirective[] }
  | { kind: 'form_post'; action: string; params: Record<string, string>; cookies?: CookieDirective[] };

/** Where authorization responses may go once client and redirect_uri are trusted. */
export interface TrustedRedirect {
  client: ClientRecord;
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  state: string | null;
  issuer: string;
}

/** An error shown on Signet's own page: the redirect URI cannot be trusted (RFC 6749 §4.1.2.1). */
export class PageError extends Error {
  constructor(readonly error: string, readonly description: string, readonly status = 400) {
    super(description);
  }
}
