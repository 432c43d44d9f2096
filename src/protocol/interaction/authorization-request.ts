/**
 * A validated authorization request (OIDC Core §3.1.2.1, RFC 6749 §4.1.1), as stored with its
 * interaction. Everything the later steps need is here; nothing is re-read from the URL.
 */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  state: string | null;
  scopes: string[];
  nonce: string | null;
  prompt: string[];
  maxAge: number | null;
  loginHint: string | null;
  uiLocales: string | null;
  acrValues: string[] | null;
  claims: ClaimsRequest | null;
  audience: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  /** The request URL, for display to the login UI. */
  requestUrl: string;
  /** The requested active organization (`organization` parameter), checked against the user's memberships. */
  organization?: string | null;
}

/** OIDC Core §5.5 claims request parameter. */
export interface ClaimsRequest {
  userinfo?: Record<string, { essential?: boolean; value?: unknown; values?: unknown[] } | null>;
  id_token?: Record<string, { essential?: boolean; value?: unknown; values?: unknown[] } | null>;
}
