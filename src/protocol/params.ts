import { InvalidRequest } from './errors.js';
import type { OAuthRequest } from './request.js';

/**
 * RFC 6749 §3.1, §3.2: "Request and response parameters MUST NOT be included more than once."
 * Returns the single value of a parameter, or undefined when absent or empty (an empty value is
 * treated as omitted, RFC 6749 §3.1).
 */
export function param(req: Pick<OAuthRequest, 'body'>, name: string): string | undefined {
  const v = req.body[name];
  if (Array.isArray(v)) throw new InvalidRequest(`'${name}' parameter must not be provided more than once`);
  return v === '' ? undefined : v;
}

export function requireParam(req: Pick<OAuthRequest, 'body'>, name: string): string {
  const v = param(req, name);
  if (v === undefined) throw new InvalidRequest(`missing required parameter '${name}'`);
  return v;
}

/** RFC 6749 §3.3: scope is a space-delimited list of case-sensitive strings (NQCHAR). */
export function parseScope(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const scopes = raw.split(' ').filter(Boolean);
  for (const s of scopes) {
    if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s)) throw new InvalidRequest('scope contains characters outside NQCHAR (RFC 6749 §3.3)');
  }
  return [...new Set(scopes)];
}
