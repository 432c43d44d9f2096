import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';

export type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON };

/**
 * WebAuthn Level 3 ceremonies (@simplewebauthn/server does the CBOR, COSE and signature work).
 * Rules enforced here:
 * - the response is well formed, bounded in size, `id` = `rawId`, type `public-key` (§5.1);
 * - clientData.type is `webauthn.create` / `webauthn.get`, its challenge is exactly the one
 *   issued, its origin one of the relying party's origins, and no cross-origin (iframe) use
 *   (§7.1 steps 7-9, §7.2 steps 11-13);
 * - rpIdHash is SHA-256 of the RP ID (§7.1 step 13, §7.2 step 15); user presence always, user
 *   verification at registration (§7.1 steps 14-15) and reported at sign-in;
 * - credentials use EdDSA, ES256 or RS256 (§5.4 pubKeyCredParams; §7.1 step 17);
 * - the assertion signature verifies with the stored COSE public key (§7.2 step 21);
 * - the signature counter: when either the stored or the new counter is non-zero, the new one
 *   must be greater, else the authenticator may be cloned (§7.2 step 22; §6.1.1).
 * Each failure is a `WebauthnCheckError` with a reason the caller turns into a message.
 */
export type WebauthnFailure =
  | 'malformed' | 'type' | 'challenge' | 'origin' | 'cross_origin' | 'rp_id' | 'user_presence' | 'user_verification'
  | 'signature' | 'algorithm' | 'counter';

export class WebauthnCheckError extends Error {
  constructor(readonly reason: WebauthnFailure, message: string) {
    super(message);
  }
}

export interface RelyingParty {
  /** RP ID: a registrable domain suffix of the origins' host. */
  id: string;
  name: string;
  /** Origins a response may come from (scheme://host[:port]). */
  origins: string[];
}

export interface NewCredential {
  /** Credential id, base64url. */
  credentialId: string;
  /** COSE_Key public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  backedUp: boolean;
  userVerified: boolean;
}

/** How long a browser may take for the ceremony (ms). */
export const CEREMONY_TIMEOUT_MS = 300_000;
const B64URL = /^[A-Za-z0-9_-]*$/;
const CREDENTIAL_ID_MAX = 1400;
/**
 * EdDSA, ES256, RS256: explicit, so the choice does not follow the runtime (the library would
 * prefer ML-DSA-44 where Node supports it, still experimental there).
 */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

const fail = (reason: WebauthnFailure, message: string) => new WebauthnCheckError(reason, message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const b64 = (v: unknown, max: number, optional = false): v is string =>
  (optional && v === undefined) || (typeof v === 'string' && v.length > 0 && v.length <= max && B64URL.test(v));

/** A credential id from a browser (base64url, bounded), or null. */
export function credentialIdOf(response: unknown): string | null {
  return isObject(response) && b64(response.id, CREDENTIAL_ID_MAX) ? response.id : null;
}

/** The WebAuthn user handle Signet uses for a user: the 16 bytes of the user's UUID (never PII). */
export function userHandleBytes(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));
}

export function userHandleOf(userId: string): string {
  return Buffer.from(userHandleBytes(userId)).toString('base64url');
}

function shape(response: unknown, kind: 'create' | 'get'): Record<string, unknown> {
  if (!isObject(response) || !b64(response.id, CREDENTIAL_ID_MAX) || response.rawId !== response.id || response.type !== 'public-key' || !isObject(response.response)) {
    throw fail('malformed', 'the passkey response is malformed');
  }
  const r = response.response;
  const ok = kind === 'create'
    ? b64(r.clientDataJSON, 8_192) && b64(r.attestationObject, 65_536) && (r.transports === undefined || (Array.isArray(r.transports) && r.transports.length <= 10 && r.transports.every((x) => typeof x === 'string' && x.length <= 20)))
    : b64(r.clientDataJSON, 8_192) && b64(r.authenticatorData, 8_192) && b64(r.signature, 8_192) && (r.userHandle === undefined || r.userHandle === null || b64(r.userHandle, 128));
  if (!ok) throw fail('malformed', 'the passkey response is malformed');
  if (response.clientExtensionResults !== undefined && !isObject(response.clientExtensionResults)) throw fail('malformed', 'the passkey response is malformed');
  return r;
}

/** clientDataJSON checks done before any signature work, so each failure has its own message. */
function checkClientData(clientDataJSON: string, kind: 'create' | 'get', rp: RelyingParty, challenge: string): void {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
  } catch {
    throw fail('malformed', 'the passkey response is malformed (clientDataJSON)');
  }
  if (!isObject(data)) throw fail('malformed', 'the passkey response is malformed (clientDataJSON)');
  if (data.type !== `webauthn.${kind}`) throw fail('type', kind === 'get' ? 'the passkey response is not a sign-in (webauthn.get) response' : 'the passkey response is not a registration (webauthn.create) response');
  if (data.challenge !== challenge) throw fail('challenge', 'the passkey response answers another challenge; ask for passkey options again');
  if (typeof data.origin !== 'string' || !rp.origins.includes(data.origin)) throw fail('origin', 'the passkey response comes from an origin this tenant does not allow');
  if (data.crossOrigin === true || data.topOrigin !== undefined) throw fail('cross_origin', 'passkeys cannot be used from an embedded (cross-origin) frame here');
}

function libraryFailure(err: unknown): WebauthnCheckError {
  const message = err instanceof Error ? err.message : '';
  if (err instanceof Error && err.name === 'UnexpectedRPIDHash') return fail('rp_id', 'the passkey was made for another relying party (RP ID)');
  if (/RP ID/i.test(message)) return fail('rp_id', 'the passkey was made for another relying party (RP ID)');
  if (/user (was )?not present|presence/i.test(message)) return fail('user_presence', 'the authenticator did not confirm user presence');
  if (/user verification/i.test(message)) return fail('user_verification', 'the authenticator did not verify the user (PIN or biometrics)');
  if (/alg/i.test(message)) return fail('algorithm', 'the passkey uses an unsupported algorithm');
  return fail('malformed', 'the passkey response could not be verified');
}

/** Options for `navigator.credentials.create()`: a discoverable credential with user verification, no attestation. */
export function registrationOptions(rp: RelyingParty, user: { id: string; name: string; displayName: string }, exclude: { id: string; transports: string[] }[]): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name, rpID: rp.id, userID: userHandleBytes(user.id), userName: user.name, userDisplayName: user.displayName,
    attestationType: 'none', timeout: CEREMONY_TIMEOUT_MS, supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    excludeCredentials: exclude.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
  });
}

/** Verifies a registration response (attestation `none` or any format the library verifies). */
export async function verifyRegistration(rp: RelyingParty, challenge: string, response: unknown): Promise<NewCredential> {
  const r = shape(response, 'create');
  checkClientData(r.clientDataJSON as string, 'create', rp, challenge);
  let out: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    out = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON, expectedChallenge: challenge, expectedOrigin: rp.origins, expectedRPID: rp.id,
      requireUserPresence: true, requireUserVerification: true, supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  } catch (err) {
    throw libraryFailure(err);
  }
  if (!out.verified) throw fail('signature', 'the passkey attestation is not valid');
  const info = out.registrationInfo;
  return {
    credentialId: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: [...new Set(((r.transports as string[] | undefined) ?? []).filter((x) => TRANSPORTS.has(x)))],
    backedUp: info.credentialBackedUp,
    userVerified: info.userVerified,
  };
}

/** Options for `navigator.credentials.get()`; an empty allow list asks for a discoverable credential. */
export function authenticationOptions(rp: RelyingParty, allow: { id: string; transports: string[] }[], userVerification: 'required' | 'preferred'): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id, timeout: CEREMONY_TIMEOUT_MS, userVerification,
    allowCredentials: allow.map((c) => ({ id: c.id, transports: c.transports })),
  });
}

/** The user handle an assertion carries (base64url), if any; the shape is checked first. */
export function assertionUserHandle(response: unknown): string | null {
  const r = shape(response, 'get');
  return typeof r.userHandle === 'string' && r.userHandle.length ? r.userHandle : null;
}

/**
 * Verifies an assertion with the stored credential. User verification is not required here but
 * reported; the counter rule is applied after the signature verified.
 */
export async function verifyAssertion(rp: RelyingParty, challenge: string, response: unknown, credential: { id: string; publicKey: string; counter: number }): Promise<{ newCounter: number; userVerified: boolean; backedUp: boolean }> {
  const r = shape(response, 'get');
  checkClientData(r.clientDataJSON as string, 'get', rp, challenge);
  if ((response as { id: string }).id !== credential.id) throw fail('malformed', 'the passkey response names another credential');
  let out: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    out = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON, expectedChallenge: challenge, expectedOrigin: rp.origins, expectedRPID: rp.id,
      // The counter is judged below (after the signature), with a message of its own.
      credential: { id: credential.id, publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')), counter: 0 },
      requireUserVerification: false,
    });
  } catch (err) {
    throw libraryFailure(err);
  }
  if (!out.verified) throw fail('signature', 'the passkey signature is not valid');
  const { newCounter, userVerified, credentialBackedUp } = out.authenticationInfo;
  if ((newCounter > 0 || credential.counter > 0) && newCounter <= credential.counter) {
    throw fail('counter', 'the passkey signature counter went backwards: the authenticator may have been cloned');
  }
  return { newCounter, userVerified, backedUp: credentialBackedUp };
}
