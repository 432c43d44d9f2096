import { constants, sign, type KeyObject } from 'node:crypto';
import { jwtVerify, decodeProtectedHeader, createLocalJWKSet, errors as joseErrors, type JWK, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { SigningAlg } from './keys.js';

export interface SigningKeyHandle {
  kid: string;
  alg: SigningAlg;
  key: KeyObject;
}

/**
 * Signs a JWT naming its kid; `typ` e.g. `at+jwt` (RFC 9068 §2.1). The compact JWS (RFC 7515
 * §7.1) is assembled here and signed by node:crypto on libuv's thread pool; jose verifies every
 * JWT Signet reads (and test/unit/crypto/jwt-sign.test.ts checks every algorithm against it).
 *
 * Why not jose's CompactSign: jose 6 signs only through WebCrypto, and Node's WebCrypto (like
 * node:crypto with `dsaEncoding: 'ieee-p1363'`) spends about as much CPU converting an ECDSA
 * signature to R || S as OpenSSL spends making it. Measured on this machine kind with 64 tokens
 * in flight, an ES256 access token cost 12–15 µs on the main thread plus 32–34 µs on the pool
 * through jose, and 5 plus 19–21 µs here, with the DER signature converted below. Signing is the
 * largest cost of a client_credentials token.
 */
export function signJwt(claims: JWTPayload, signer: SigningKeyHandle, typ = 'JWT'): Promise<string> {
  const input = `${base64url(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ }))}.${base64url(JSON.stringify(claims))}`;
  const params = SIGNING[signer.alg];
  return new Promise((resolve, reject) => {
    // The KeyObject itself unless the algorithm needs options (PS256): wrapped in `{ key }`,
    // node:crypto spends 13 µs more of main-thread CPU per call preparing it.
    const key = params.padding === undefined ? signer.key : { key: signer.key, padding: params.padding, saltLength: params.saltLength };
    sign(params.digest, Buffer.from(input, 'latin1'), key, (err, signature) => {
      if (err) return reject(err);
      try {
        const jws = params.ecdsaPart ? ecdsaDerToJose(signature, params.ecdsaPart) : signature;
        resolve(`${input}.${jws.toString('base64url')}`);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** How node:crypto signs each JWS `alg` (RFC 7518 §3.3–3.5, RFC 8037 §3.1). */
const SIGNING: Record<SigningAlg, { digest: string | null; padding?: number; saltLength?: number; ecdsaPart?: number }> = {
  ES256: { digest: 'sha256', ecdsaPart: 32 },
  RS256: { digest: 'sha256' },
  // RFC 7518 §3.5: the salt is as long as the hash output.
  PS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  EdDSA: { digest: null },
};

function base64url(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * An ECDSA signature from DER (`SEQUENCE { r INTEGER, s INTEGER }`, RFC 3279 §2.2.3) to the JWS
 * form: R and S as unsigned big-endian integers of `part` bytes each, concatenated (RFC 7518
 * §3.4).
 */
export function ecdsaDerToJose(der: Buffer, part: number): Buffer {
  if (der[0] !== 0x30) throw new Error('ECDSA signature is not a DER sequence');
  let i = 2 + (der[1]! & 0x80 ? der[1]! & 0x7f : 0);
  const out = Buffer.alloc(part * 2);
  for (let n = 0; n < 2; n++) {
    if (der[i] !== 0x02) throw new Error('ECDSA signature is not two DER integers');
    const length = der[i + 1]!;
    let start = i + 2;
    const end = start + length;
    if (end > der.length) throw new Error('ECDSA signature is truncated');
    while (end - start > part) {
      if (der[start] !== 0) throw new Error('ECDSA signature integer is too long');
      start++;
    }
    der.copy(out, (n + 1) * part - (end - start), start, end);
    i = end;
  }
  return out;
}

export interface VerifyOptions {
  issuer?: string | string[];
  audience?: string | string[];
  typ?: string;
  algorithms?: SigningAlg[];
  clockToleranceSeconds?: number;
}

export class JwtInvalid extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'JwtInvalid';
  }
}

/** Reads the protected header without verifying (only to pick a key). */
export function peekJwtHeader(token: string): { kid?: string; alg?: string; typ?: string } {
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw new JwtInvalid('token is not a JWS');
  }
}

/** Reads the claims without verifying (only to route to the right issuer's keys). */
export function peekJwtPayload(token: string): JWTPayload {
  const part = token.split('.')[1];
  if (!part) throw new JwtInvalid('token is not a JWS');
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as JWTPayload;
  } catch {
    throw new JwtInvalid('token payload is not JSON');
  }
}

export async function verifyJwt(token: string, key: KeyObject, options: VerifyOptions): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: options.issuer,
      audience: options.audience,
      typ: options.typ,
      algorithms: options.algorithms,
      clockTolerance: options.clockToleranceSeconds ?? 5,
    });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new JwtInvalid('token is expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw new JwtInvalid(`token claim "${err.claim}" is invalid`);
    if (err instanceof joseErrors.JOSEError) throw new JwtInvalid('token signature or format is invalid');
    throw err;
  }
}

/** Verifies a JWT against a JWK Set (client keys for private_key_jwt), picking by kid/alg. */
export async function verifyJwtWithJwks(token: string, jwks: { keys: JWK[] }, options: VerifyOptions & { requireClaims?: string[] }): Promise<JWTPayload> {
  try {
    const set = createLocalJWKSet(jwks as JSONWebKeySet);
    const { payload } = await jwtVerify(token, set, {
      issuer: options.issuer, audience: options.audience, algorithms: options.algorithms,
      clockTolerance: options.clockToleranceSeconds ?? 5, requiredClaims: options.requireClaims,
    });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new JwtInvalid('token is expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw new JwtInvalid(`token claim "${err.claim}" is invalid`);
    if (err instanceof joseErrors.JOSEError) throw new JwtInvalid('token signature or format is invalid');
    throw err;
  }
}
