import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ecdsaDerToJose, signJwt } from '../../../src/crypto/jwt.js';
import { generateSigningKey, privateKeyFromPem, publicKeyFromJwk, SIGNING_ALGS } from '../../../src/crypto/keys.js';

describe('JWT signing (crypto/jwt, RFC 7515 §7.1 compact JWS, RFC 7518 §3)', () => {
  it.each(SIGNING_ALGS)('signs %s JWTs that jose verifies with the published key, header naming alg, kid and typ', async (alg) => {
    const key = await generateSigningKey(alg);
    const claims = { iss: 'https://signet.test/t/acme', sub: 'client-1', aud: 'https://api.test', exp: Math.floor(Date.now() / 1000) + 60, scope: 'a b', name: 'Zoë' };
    const token = await signJwt(claims, { kid: key.kid, alg, key: privateKeyFromPem(key.privatePem) }, 'at+jwt');
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: key.kid, typ: 'at+jwt' });
    const { payload, protectedHeader } = await jwtVerify(token, publicKeyFromJwk(key.publicJwk), { algorithms: [alg], typ: 'at+jwt' });
    expect(protectedHeader.alg).toBe(alg);
    expect(payload).toEqual(claims);
  });

  it('a changed payload no longer verifies', async () => {
    const key = await generateSigningKey('ES256');
    const token = await signJwt({ sub: 'a' }, { kid: key.kid, alg: 'ES256', key: privateKeyFromPem(key.privatePem) });
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from('{"sub":"b"}').toString('base64url')}.${s}`;
    await expect(compactVerify(forged, publicKeyFromJwk(key.publicJwk))).rejects.toThrow();
  });

  it('ES256 signatures are 64 bytes of R || S that verify as IEEE P1363 (RFC 7518 §3.4), over many random nonces', async () => {
    const key = await generateSigningKey('ES256');
    const signer = { kid: key.kid, alg: 'ES256' as const, key: privateKeyFromPem(key.privatePem) };
    const pub = publicKeyFromJwk(key.publicJwk);
    for (let i = 0; i < 300; i++) {
      const token = await signJwt({ i }, signer);
      const [h, p, s] = token.split('.') as [string, string, string];
      const signature = Buffer.from(s, 'base64url');
      expect(signature.length).toBe(64);
      expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: pub, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    }
  });

  describe('ecdsaDerToJose', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('signing input');

    it('pads short integers and strips the DER sign byte, matching what OpenSSL verifies', () => {
      let short = 0, signed = 0;
      for (let i = 0; i < 2000 && (short === 0 || signed === 0); i++) {
        const der = sign('sha256', data, privateKey);
        const rLength = der[3]!;
        if (rLength < 32) short++;
        if (rLength === 33) signed++;
        const jose = ecdsaDerToJose(der, 32);
        expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
      }
      expect(signed).toBeGreaterThan(0);
      expect(short).toBeGreaterThan(0);
    });

    it('converts a hand-built signature with a one-byte r and a 33-byte s', () => {
      const s = Buffer.concat([Buffer.from([0x00, 0x80]), Buffer.alloc(31, 0x11)]);
      const der = Buffer.concat([Buffer.from([0x30, 3 + 2 + s.length, 0x02, 0x01, 0x05, 0x02, s.length]), s]);
      const out = ecdsaDerToJose(der, 32);
      expect(out.subarray(0, 32)).toEqual(Buffer.concat([Buffer.alloc(31), Buffer.from([0x05])]));
      expect(out.subarray(32)).toEqual(s.subarray(1));
    });

    it('rejects what is not a DER ECDSA signature', () => {
      expect(() => ecdsaDerToJose(Buffer.from([0x31, 0x00]), 32)).toThrow(/not a DER sequence/);
      expect(() => ecdsaDerToJose(Buffer.from([0x30, 0x03, 0x04, 0x01, 0x00]), 32)).toThrow(/two DER integers/);
      expect(() => ecdsaDerToJose(Buffer.from([0x30, 0x06, 0x02, 0x09, 0x01, 0x02]), 32)).toThrow(/truncated/);
      const long = Buffer.concat([Buffer.from([0x30, 0x24, 0x02, 0x22]), Buffer.alloc(34, 0x01)]);
      expect(() => ecdsaDerToJose(long, 32)).toThrow(/too long/);
    });
  });
});
