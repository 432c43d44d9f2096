/**
 * client_secret_basic.
 * - RFC 6749 §2.3.1: HTTP Basic with client_id and client_secret, each encoded with
 *   application/x-www-form-urlencoded before the base64 step, so both must be form-decoded.
 * - RFC 6749 §5.2: a failed Basic authentication answers 401 with WWW-Authenticate.
 */
import { InvalidClient } from '../errors.js';

export interface PresentedSecret {
  method: 'client_secret_basic' | 'client_secret_post';
  clientId: string;
  secret: string;
}

export function readBasicCredentials(header: string): PresentedSecret {
  const m = /^Basic ([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!m) throw new InvalidClient('invalid authorization header value format', 'Basic');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const idx = decoded.indexOf(':');
  if (idx < 0) throw new InvalidClient('invalid authorization header value format', 'Basic');
  try {
    const clientId = decodeURIComponent(decoded.slice(0, idx).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(idx + 1).replace(/\+/g, ' '));
    if (!clientId || !secret) throw new InvalidClient('client_id and client_secret in the authorization header must not be empty', 'Basic');
    return { method: 'client_secret_basic', clientId, secret };
  } catch (err) {
    if (err instanceof InvalidClient) throw err;
    throw new InvalidClient('client credentials are not properly form-urlencoded (RFC 6749 §2.3.1)', 'Basic');
  }
}
