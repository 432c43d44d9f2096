import { randomBytes, randomUUID } from 'node:crypto';

/** A CSPRNG token of `bytes` random bytes, base64url without padding. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Random UUID v4 (CSPRNG). */
export function uuid(): string {
  return randomUUID();
}

/** Random hex string (e.g. request ids). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
