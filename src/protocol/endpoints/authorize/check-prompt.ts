/**
 * - OIDC Core §3.1.2.1: prompt is a space-delimited list of none, login, consent, select_account;
 *   `none` with any other value is an error.
 * - OIDC Core §3.1.2.1: max_age is a non-negative number of seconds.
 */
import { InvalidRequest } from '../../errors.js';
import type { AuthorizeHttpRequest } from './authorize-context.js';
import { oneParam } from './check-client.js';

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

export function checkPrompt(req: AuthorizeHttpRequest): string[] {
  const raw = oneParam(req, 'prompt');
  if (raw === undefined) return [];
  const values = [...new Set(raw.split(' ').filter(Boolean))];
  const unknown = values.filter((v) => !PROMPTS.has(v));
  if (unknown.length) throw new InvalidRequest(`unsupported prompt value requested (${unknown.join(' ').slice(0, 40)})`);
  if (values.includes('none') && values.length > 1) throw new InvalidRequest('prompt none must only be used alone');
  return values;
}

export function checkMaxAge(req: AuthorizeHttpRequest): number | null {
  const raw = oneParam(req, 'max_age');
  if (raw === undefined) return null;
  if (!/^\d{1,9}$/.test(raw)) throw new InvalidRequest('invalid max_age parameter value');
  return Number(raw);
}
