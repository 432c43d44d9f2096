import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from '../../../src/crypto/aead.js';

const key = randomBytes(32);
const aad = 'tenant-1:kid-1';

function parts(sealed: string): [string, string, string, string] {
  return sealed.split('.') as [string, string, string, string];
}

function flipFirstByte(b64url: string): string {
  const buf = Buffer.from(b64url, 'base64url');
  buf[0] = buf[0]! ^ 0x01;
  return buf.toString('base64url');
}

describe('AEAD sealing (crypto/aead, AES-256-GCM)', () => {
  it('round-trips strings, bytes and the empty value', () => {
    expect(open(key, seal(key, 'private key pem', aad), aad).toString('utf8')).toBe('private key pem');
    const bytes = randomBytes(100);
    expect(open(key, seal(key, bytes, aad), aad)).toEqual(bytes);
    expect(open(key, seal(key, '', aad), aad)).toEqual(Buffer.alloc(0));
  });

  it('produces v1.<iv>.<tag>.<ciphertext> with a fresh IV each time', () => {
    const a = seal(key, 'same', aad);
    const b = seal(key, 'same', aad);
    expect(a).not.toBe(b);
    const [v, iv, tag] = parts(a);
    expect(v).toBe('v1');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(a).not.toContain('same');
  });

  it('refuses a wrong associated data', () => {
    const sealed = seal(key, 'secret', aad);
    expect(() => open(key, sealed, 'tenant-2:kid-1')).toThrow();
    expect(() => open(key, sealed, '')).toThrow();
  });

  it('refuses a wrong key', () => {
    const sealed = seal(key, 'secret', aad);
    expect(() => open(randomBytes(32), sealed, aad)).toThrow();
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const [v, iv, tag, ct] = parts(seal(key, 'secret value', aad));
    expect(() => open(key, [v, iv, tag, flipFirstByte(ct)].join('.'), aad)).toThrow();
    expect(() => open(key, [v, iv, flipFirstByte(tag), ct].join('.'), aad)).toThrow();
    expect(() => open(key, [v, flipFirstByte(iv), tag, ct].join('.'), aad)).toThrow();
    expect(() => open(key, [v, iv, tag, `${ct}AA`].join('.'), aad)).toThrow();
  });

  it('refuses a truncated authentication tag', () => {
    // A 4-byte GCM tag would cut forgery resistance to 2^-32; only full 16-byte tags are valid.
    const [v, iv, tag, ct] = parts(seal(key, 'secret value', aad));
    const short = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => open(key, [v, iv, short, ct].join('.'), aad)).toThrow();
  });

  it('refuses unknown formats', () => {
    const [, iv, tag, ct] = parts(seal(key, 'secret', aad));
    expect(() => open(key, ['v2', iv, tag, ct].join('.'), aad)).toThrow('sealed value has an unknown format');
    expect(() => open(key, ['v1', iv, tag].join('.'), aad)).toThrow('sealed value has an unknown format');
    expect(() => open(key, ['v1', '', tag, ct].join('.'), aad)).toThrow('sealed value has an unknown format');
    expect(() => open(key, 'garbage', aad)).toThrow('sealed value has an unknown format');
  });
});
