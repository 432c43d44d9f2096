import { createHash, createHmac } from 'node:crypto';
import type { SigningAlg } from './keys.js';

/** OIDC Core §3.1.3.6 at_hash / c_hash: left half of the alg's hash, base64url. */
export function leftHalfHash(value: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Keyed hash for pairwise subjects (OIDC Core §8.1), under a key derived from the master key. */
export function hmacBase64url(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}
