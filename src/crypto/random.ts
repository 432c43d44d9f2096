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

/**
 * A unique identifier (jti, …): 122 random bits from randomUUID, which draws on a cached entropy
 * pool (much cheaper per call than randomBytes), without dashes.
 */
export function uniqueId(): string {
  return randomUUID().replace(/-/g, '');
}
