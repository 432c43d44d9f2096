import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../../src/protocol/errors.js';
import { param, parseScope, requireParam } from '../../../src/protocol/params.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('RFC 6749 §3.1/§3.2 request parameters (protocol/params)', () => {
  it('returns a single value', () => {
    expect(param({ body: { grant_type: 'client_credentials' } }, 'grant_type')).toBe('client_credentials');
  });

  it('treats an absent or empty parameter as omitted', () => {
    expect(param({ body: {} }, 'scope')).toBeUndefined();
    expect(param({ body: { scope: '' } }, 'scope')).toBeUndefined();
  });

  it('refuses a parameter included more than once with invalid_request', () => {
    const err = thrown(() => param({ body: { scope: ['a', 'b'] } }, 'scope'));
    expect(err).toBeInstanceOf(InvalidRequest);
    expect((err as InvalidRequest).toJSON()).toEqual({ error: 'invalid_request', error_description: "'scope' parameter must not be provided more than once" });
    expect((err as InvalidRequest).status).toBe(400);
    // Even when both values are equal.
    expect(() => param({ body: { grant_type: ['client_credentials', 'client_credentials'] } }, 'grant_type')).toThrow(InvalidRequest);
  });

  it('requireParam names the missing parameter', () => {
    const err = thrown(() => requireParam({ body: { grant_type: '' } }, 'grant_type'));
    expect((err as InvalidRequest).toJSON()).toEqual({ error: 'invalid_request', error_description: "missing required parameter 'grant_type'" });
    expect(requireParam({ body: { grant_type: 'x' } }, 'grant_type')).toBe('x');
  });
});

describe('RFC 6749 §3.3 scope syntax (protocol/params parseScope)', () => {
  it('splits on spaces, ignores extra spaces and removes duplicates', () => {
    expect(parseScope(undefined)).toBeUndefined();
    expect(parseScope('tenant:read')).toEqual(['tenant:read']);
    expect(parseScope('  tenant:read   audit:read ')).toEqual(['tenant:read', 'audit:read']);
    expect(parseScope('a b a')).toEqual(['a', 'b']);
  });

  it('is case-sensitive', () => {
    expect(parseScope('Read read')).toEqual(['Read', 'read']);
  });

  it('accepts every NQCHAR (%x21 / %x23-5B / %x5D-7E)', () => {
    let all = '';
    for (let c = 0x21; c <= 0x7e; c++) if (c !== 0x22 && c !== 0x5c) all += String.fromCharCode(c);
    expect(parseScope(all)).toEqual([all]);
  });

  it.each([
    ['double quote', 'a"b'],
    ['backslash', 'a\\b'],
    ['tab', 'a\tb'],
    ['newline', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['non-ASCII', 'lecture:é'],
  ])('refuses a %s with invalid_request', (_name, raw) => {
    const err = thrown(() => parseScope(`openid ${raw}`));
    expect(err).toBeInstanceOf(InvalidRequest);
    expect((err as InvalidRequest).toJSON()).toEqual({ error: 'invalid_request', error_description: 'scope contains characters outside NQCHAR (RFC 6749 §3.3)' });
  });
});
