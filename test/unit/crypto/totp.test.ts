import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base32Decode, base32Encode, hotp, numericCode, otpauthUri, recoveryCode, totp, totpStep, verifyTotp,
  TOTP_DIGITS, TOTP_STEP_SECONDS,
} from '../../../src/crypto/totp.js';

// RFC 6238 Appendix B: the seed is "12345678901234567890" repeated to the hash's block-ish length.
const SEEDS = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
} as const;

/** RFC 6238 Appendix B: Unix time (s), T (hex), 8-digit TOTP for SHA1 / SHA256 / SHA512. */
const RFC6238_VECTORS: Array<{ time: number; t: string; sha1: string; sha256: string; sha512: string }> = [
  { time: 59, t: '0000000000000001', sha1: '94287082', sha256: '46119246', sha512: '90693936' },
  { time: 1111111109, t: '00000000023523EC', sha1: '07081804', sha256: '68084774', sha512: '25091201' },
  { time: 1111111111, t: '00000000023523ED', sha1: '14050471', sha256: '67062674', sha512: '99943326' },
  { time: 1234567890, t: '000000000273EF07', sha1: '89005924', sha256: '91819424', sha512: '93441116' },
  { time: 2000000000, t: '0000000003F940AA', sha1: '69279037', sha256: '90698825', sha512: '38618901' },
  { time: 20000000000, t: '0000000027BC86AA', sha1: '65353130', sha256: '77737706', sha512: '47863826' },
];

/** RFC 4226 Appendix D: secret "12345678901234567890", counters 0-9: truncated value (decimal) and 6-digit HOTP. */
const RFC4226_VECTORS: Array<[counter: number, truncated: number, hotp: string]> = [
  [0, 1284755224, '755224'],
  [1, 1094287082, '287082'],
  [2, 137359152, '359152'],
  [3, 1726969429, '969429'],
  [4, 1640338314, '338314'],
  [5, 868254676, '254676'],
  [6, 1918287922, '287922'],
  [7, 82162583, '162583'],
  [8, 673399871, '399871'],
  [9, 645520489, '520489'],
];

describe('TOTP RFC 6238 Appendix B test vectors (8 digits)', () => {
  for (const v of RFC6238_VECTORS) {
    it(`T = ${v.t} (time ${v.time})`, () => {
      expect(totpStep(v.time * 1000)).toBe(BigInt(`0x${v.t}`));
      expect(totp(SEEDS.sha1, v.time * 1000, { digits: 8, algorithm: 'sha1' })).toBe(v.sha1);
      expect(totp(SEEDS.sha256, v.time * 1000, { digits: 8, algorithm: 'sha256' })).toBe(v.sha256);
      expect(totp(SEEDS.sha512, v.time * 1000, { digits: 8, algorithm: 'sha512' })).toBe(v.sha512);
    });
  }

  it('defaults to what authenticator apps use: SHA-1, 6 digits, 30-second steps', () => {
    expect({ digits: TOTP_DIGITS, step: TOTP_STEP_SECONDS }).toEqual({ digits: 6, step: 30 });
    // The 6-digit code is the low 6 digits of the 8-digit one (same truncated value, mod 10^6).
    expect(totp(SEEDS.sha1, 59_000)).toBe('287082');
    expect(totp(SEEDS.sha1, 1111111109_000)).toBe('081804');
  });

  it('the step boundary: 29.999 s is step 0, 30 s is step 1', () => {
    expect(totpStep(29_999)).toBe(0n);
    expect(totpStep(30_000)).toBe(1n);
    expect(totp(SEEDS.sha1, 30_000)).toBe(hotp(SEEDS.sha1, 1n));
    expect(totp(SEEDS.sha1, 29_999)).toBe(hotp(SEEDS.sha1, 0n));
  });
});

describe('HOTP RFC 4226 Appendix D test values', () => {
  for (const [counter, truncated, code] of RFC4226_VECTORS) {
    it(`count ${counter}: ${code}`, () => {
      expect(hotp(SEEDS.sha1, BigInt(counter))).toBe(code);
      // With 10 digits nothing is cut off: the dynamic truncation's 31-bit value itself (§5.3).
      expect(hotp(SEEDS.sha1, BigInt(counter), 10)).toBe(String(truncated).padStart(10, '0'));
    });
  }

  it('uses the full 64-bit counter (big-endian)', () => {
    // T = 0x27BC86AA from RFC 6238 (needs more than 32 bits of time in ms, fits in the 8-byte counter).
    expect(hotp(SEEDS.sha1, 0x27bc86aan, 8)).toBe('65353130');
    expect(hotp(SEEDS.sha1, 2n ** 40n)).not.toBe(hotp(SEEDS.sha1, 0n));
  });
});

describe('verifyTotp: the current step ±1, nothing beyond', () => {
  const secret = Buffer.from('3132333435363738393031323334353637383930', 'hex');
  const now = 1_700_000_015_000; // mid-step
  const step = totpStep(now);

  it('accepts the codes of the previous, current and next step and returns the matched step', () => {
    for (const delta of [-1n, 0n, 1n]) {
      expect(verifyTotp(secret, hotp(secret, step + delta), now)).toBe(step + delta);
    }
    // At the edges of the current step too.
    const startOfStep = Number(step) * 30_000;
    expect(verifyTotp(secret, hotp(secret, step - 1n), startOfStep)).toBe(step - 1n);
    expect(verifyTotp(secret, hotp(secret, step + 1n), startOfStep + 29_999)).toBe(step + 1n);
  });

  it('refuses codes two or more steps away (in either direction)', () => {
    const window = new Set([-1n, 0n, 1n].map((d) => hotp(secret, step + d)));
    for (const delta of [-10n, -3n, -2n, 2n, 3n, 10n]) {
      const code = hotp(secret, step + delta);
      // (A far code equal by chance to one in the window would legitimately match; this secret has none.)
      expect(window.has(code)).toBe(false);
      expect(verifyTotp(secret, code, now)).toBeNull();
    }
  });

  it('refuses a code from another secret, malformed codes and 8-digit codes', () => {
    const other = randomBytes(20);
    const foreign = hotp(other, step);
    if (![-1n, 0n, 1n].some((d) => hotp(secret, step + d) === foreign)) expect(verifyTotp(secret, foreign, now)).toBeNull();
    const good = hotp(secret, step);
    for (const bad of ['', '12345', '1234567', ` ${good}`, `${good} `, `${good.slice(0, 5)}a`, '１２３４５６', hotp(secret, step, 8)]) {
      expect(verifyTotp(secret, bad, now)).toBeNull();
    }
  });
});

describe('base32 (RFC 4648 §6, no padding)', () => {
  it('encodes the RFC 4648 §10 test vectors (padding stripped)', () => {
    const vectors: Array<[string, string]> = [
      ['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain, 'ascii'))).toBe(encoded);
      expect(base32Decode(encoded).toString('ascii')).toBe(plain);
    }
  });

  it('decodes padded and lower-case input', () => {
    expect(base32Decode('MZXW6YQ=').toString('ascii')).toBe('foob');
    expect(base32Decode('MY======').toString('ascii')).toBe('f');
    expect(base32Decode('mzxw6ytboi').toString('ascii')).toBe('foobar');
  });

  it('round-trips random secrets of every length up to 64 bytes', () => {
    for (let n = 0; n <= 64; n++) {
      const buf = randomBytes(n);
      const enc = base32Encode(buf);
      expect(enc).toMatch(/^[A-Z2-7]*$/);
      expect(enc.length).toBe(Math.ceil((n * 8) / 5));
      expect(base32Decode(enc).equals(buf)).toBe(true);
    }
  });

  it('refuses characters outside the alphabet', () => {
    for (const bad of ['MZXW1', 'MZXW8', 'MZ XW', 'MZXW6!']) expect(() => base32Decode(bad)).toThrow('invalid base32');
  });
});

describe('otpauth URI (Key Uri Format)', () => {
  it('names the issuer and account, and carries the secret, algorithm, digits and period', () => {
    const secret = randomBytes(20);
    const uri = otpauthUri(secret, 'Acme Corp', 'alice@example.com');
    expect(uri.startsWith('otpauth://totp/Acme%20Corp:alice%40example.com?')).toBe(true);
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Acme Corp:alice@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({ secret: base32Encode(secret), issuer: 'Acme Corp', algorithm: 'SHA1', digits: '6', period: '30' });
    expect(base32Decode(url.searchParams.get('secret')!).equals(secret)).toBe(true);
    expect(url.searchParams.get('secret')).not.toContain('=');
  });

  it('escapes a colon or other reserved characters in the issuer and account (the label separator stays unique)', () => {
    const uri = otpauthUri(Buffer.alloc(20, 1), 'A:B & Co', 'x:y?z#');
    const label = uri.slice('otpauth://totp/'.length, uri.indexOf('?'));
    expect(label.split(':')).toHaveLength(2);
    expect(label).toBe('A%3AB%20%26%20Co:x%3Ay%3Fz%23');
    expect(new URL(uri).searchParams.get('issuer')).toBe('A:B & Co');
  });
});

describe('numeric codes and recovery codes', () => {
  it('numericCode: 6 digits (zero-padded), uniformly drawn', () => {
    const codes = Array.from({ length: 2000 }, () => numericCode());
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(numericCode(8)).toMatch(/^\d{8}$/);
    // Leading digits take every value (codes below 100000 are padded, not dropped).
    expect(new Set(codes.map((c) => c[0])).size).toBe(10);
  });

  it('recoveryCode: xxxxx-xxxxx from an alphabet without 0/o/1/l/i', () => {
    const codes = Array.from({ length: 200 }, () => recoveryCode());
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
    expect(new Set(codes).size).toBe(200);
  });
});
