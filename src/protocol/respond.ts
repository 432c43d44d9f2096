import { OAuthError } from './errors.js';
import type { OAuthResponse } from './request.js';

/** RFC 6749 §5.1 / §5.2: token and error responses must not be cached. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** Renders a protocol error as RFC 6749 §5.2 JSON; anything else is rethrown for the edge to mask. */
export function errorResponse(err: unknown): OAuthResponse {
  if (!(err instanceof OAuthError)) throw err;
  return {
    status: err.status,
    headers: { ...NO_STORE, 'content-type': 'application/json; charset=utf-8', ...err.headers() },
    body: err.toJSON(),
  };
}
