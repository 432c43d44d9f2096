import { createHash, scrypt as scryptCb, timingSafeEqual, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/**
 * Hashing for client secrets and other bearer credentials.
 *
 * - Server-generated secrets carry >= 256 bits of entropy, so a single SHA-256 is a sufficient
 *   one-way function (no dictionary to attack) and keeps the token endpoint's hot path cheap.
 *   Format: `sha256$<hex>`.
 * - Operator-chosen secrets (e.g. SIGNET_ROOT_CLIENT_SECRET) may be guessable, so they get a
 *   memory-hard scrypt hash. Format: `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`.
 */
export type SecretStrength = 'high-entropy' | 'operator-chosen';

const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashSecret(secret: string, strength: SecretStrength): Promise<string> {
  if (strength === 'high-entropy') return `sha256$${sha256Hex(secret)}`;
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Constant-time verification against a stored hash. Unknown formats never verify. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts[0] === 'sha256' && parts.length === 2) {
    return safeEqual(Buffer.from(sha256Hex(secret), 'hex'), Buffer.from(parts[1]!, 'hex'));
  }
  if (parts[0] === 'scrypt' && parts.length === 6) {
    const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
    const expected = Buffer.from(hash, 'base64url');
    const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, {
      N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem,
    });
    return safeEqual(actual, expected);
  }
  return false;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time string comparison (lengths may leak, contents do not). */
export function safeEqualStrings(a: string, b: string): boolean {
  return safeEqual(Buffer.from(a), Buffer.from(b));
}
