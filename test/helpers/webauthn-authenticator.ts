import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software WebAuthn authenticator for tests (WebAuthn L3 §6): ES256 keys, attestation `none`,
 * discoverable credentials (the user handle is kept and returned), a signature counter per
 * credential, and flags UP/UV/AT. Every field a test may want to break is an option.
 */
export interface SoftCredential {
  id: string;
  rpId: string;
  userHandle: string;
  privateKey: KeyObject;
  cose: Buffer;
  counter: number;
}

export interface CeremonyOptions {
  origin?: string;
  /** User verification flag (default true); user presence is always set unless `up: false`. */
  uv?: boolean;
  up?: boolean;
  /** Overrides: the challenge answered, the clientData type, the RP ID hashed into authenticatorData. */
  challenge?: string;
  type?: string;
  rpId?: string;
  /** The counter to report (default: the credential's counter + 1). */
  counter?: number;
  /** Which credential to use (default: the first allowed, or the first for the RP ID). */
  credentialId?: string;
  /** Leave the user handle out of the assertion. */
  omitUserHandle?: boolean;
}

const b64u = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

// ---- a minimal CBOR encoder (RFC 8949): unsigned/negative ints, byte and text strings, maps
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
  const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
}
type Cbor = number | string | Buffer | Map<number | string, Cbor>;
export function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') { const s = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, s.length), s]); }
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  const parts: Buffer[] = [head(5, v.size)];
  for (const [k, val] of v) parts.push(cbor(k), cbor(val));
  return Buffer.concat(parts);
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  readonly aaguid = Buffer.alloc(16);

  constructor(readonly origin: string) {}

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  private flags(o: CeremonyOptions, attested: boolean): number {
    return (o.up === false ? 0 : 0x01) | (o.uv === false ? 0 : 0x04) | (attested ? 0x40 : 0);
  }

  /** navigator.credentials.create() for PublicKeyCredentialCreationOptionsJSON. */
  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }, o: CeremonyOptions = {}) {
    const rpId = options.rp.id!;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(new Map<number, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const id = randomBytes(32);
    const counter = o.counter ?? 0;
    const credIdLen = Buffer.alloc(2);
    credIdLen.writeUInt16BE(id.length);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const authData = Buffer.concat([sha256(o.rpId ?? rpId), Buffer.from([this.flags(o, true)]), count, this.aaguid, credIdLen, id, cose]);
    const attestationObject = cbor(new Map<string, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const clientDataJSON = this.clientData(o.type ?? 'webauthn.create', o.challenge ?? options.challenge, o.origin ?? this.origin);
    const credential: SoftCredential = { id: b64u(id), rpId, userHandle: options.user.id, privateKey, cose, counter };
    this.credentials.push(credential);
    return {
      credential,
      response: {
        id: credential.id, rawId: credential.id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
        response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ['internal'] },
      },
    };
  }

  /** navigator.credentials.get() for PublicKeyCredentialRequestOptionsJSON (discoverable when the allow list is empty). */
  get(options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] }, o: CeremonyOptions = {}) {
    const rpId = options.rpId!;
    const allowed = options.allowCredentials?.length ? options.allowCredentials.map((c) => c.id) : null;
    const credential = this.credentials.find((c) => (o.credentialId ? c.id === o.credentialId : c.rpId === rpId && (!allowed || allowed.includes(c.id))));
    if (!credential) throw new Error('no credential for this request');
    const counter = o.counter ?? credential.counter + 1;
    credential.counter = Math.max(credential.counter, counter);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const authData = Buffer.concat([sha256(o.rpId ?? rpId), Buffer.from([this.flags(o, false)]), count]);
    const clientDataJSON = this.clientData(o.type ?? 'webauthn.get', o.challenge ?? options.challenge, o.origin ?? this.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: credential.id, rawId: credential.id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature),
        ...(o.omitUserHandle ? {} : { userHandle: credential.userHandle }),
      },
    };
  }
}
