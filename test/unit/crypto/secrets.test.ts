import { describe, expect, it } from 'vitest';
import { hashSecret, safeEqualStrings, sha256Hex, verifySecret } from '../../../src/crypto/secrets.js';

describe('secret hashing (crypto/secrets)', () => {
  const secret = 'correct horse battery staple 0123';

  it('hashes high-entropy secrets as sha256$<hex>, which verifies', async () => {
    const stored = await hashSecret(secret, 'high-entropy');
    expect(stored).toBe(`sha256$${sha256Hex(secret)}`);
    expect(stored).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(await verifySecret(secret, stored)).toBe(true);
  });

  it('hashes operator-chosen secrets with salted scrypt, which verifies', async () => {
    const stored = await hashSecret(secret, 'operator-chosen');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(await verifySecret(secret, stored)).toBe(true);
    // A fresh salt every time.
    expect(await hashSecret(secret, 'operator-chosen')).not.toBe(stored);
  });

  it('refuses a wrong secret in either format', async () => {
    for (const strength of ['high-entropy', 'operator-chosen'] as const) {
      const stored = await hashSecret(secret, strength);
      expect(await verifySecret(`${secret}x`, stored)).toBe(false);
      expect(await verifySecret(secret.slice(0, -1), stored)).toBe(false);
      expect(await verifySecret('', stored)).toBe(false);
    }
  });

  it('never verifies an unknown or malformed format', async () => {
    const hex = sha256Hex(secret);
    for (const stored of [
      hex, `md5$${hex}`, `SHA256$${hex}`, `sha256$${hex}$extra`, 'sha256$', 'sha256$zz', `bcrypt$${hex}`, secret, '',
      'scrypt$32768$8$1$onlyfive',
    ]) {
      expect(await verifySecret(secret, stored), stored).toBe(false);
    }
  });

  it('compares strings in constant time by content', () => {
    expect(safeEqualStrings('abc', 'abc')).toBe(true);
    expect(safeEqualStrings('abc', 'abd')).toBe(false);
    expect(safeEqualStrings('abc', 'abcd')).toBe(false);
  });
});
