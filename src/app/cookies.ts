import type { FastifyReply, FastifyRequest } from 'fastify';

/** Parses the Cookie header (RFC 6265 §5.4), first value wins. */
export function readCookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';')) {
    const idx = part.indexOf('=');
    if (idx < 0) continue;
    const name = part.slice(0, idx).trim();
    if (name && !(name in out)) out[name] = part.slice(idx + 1).trim();
  }
  return out;
}

/**
 * Sets a cookie scoped to one tenant's path: HttpOnly always, Secure under https, SameSite=Lax
 * (the browser must send it on the top-level redirect back from the login UI).
 */
export function setCookie(reply: FastifyReply, name: string, value: string | null, opts: { path: string; secure: boolean; maxAgeSeconds?: number; sameSite?: 'Lax' | 'Strict' }): void {
  const parts = [`${name}=${value ?? ''}`, `Path=${opts.path}`, 'HttpOnly', `SameSite=${opts.sameSite ?? 'Lax'}`];
  if (opts.secure) parts.push('Secure');
  if (value === null) parts.push('Max-Age=0');
  else if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.floor(opts.maxAgeSeconds)}`);
  const prev = reply.getHeader('set-cookie');
  const list = Array.isArray(prev) ? prev.map(String) : prev ? [String(prev)] : [];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}
