import { describe, expect, it } from 'vitest';
import { InvalidClient } from '../../../../src/protocol/errors.js';
import { readBasicCredentials } from '../../../../src/protocol/client-auth/client-secret-basic.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function refusal(header: string): InvalidClient {
  try {
    readBasicCredentials(header);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidClient);
    return err as InvalidClient;
  }
  throw new Error(`expected ${JSON.stringify(header)} to be refused`);
}

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  it('reads plain credentials', () => {
    expect(readBasicCredentials(`Basic ${b64('my-client:my-secret')}`)).toEqual({ method: 'client_secret_basic', clientId: 'my-client', secret: 'my-secret' });
  });

  it('accepts the scheme name case-insensitively', () => {
    expect(readBasicCredentials(`basic ${b64('a:b')}`).clientId).toBe('a');
    expect(readBasicCredentials(`BASIC ${b64('a:b')}`).secret).toBe('b');
  });

  it('form-decodes client_id and client_secret after base64', () => {
    // "a:b c" and "p@ss w+d:%" form-urlencoded.
    const r = readBasicCredentials(`Basic ${b64('a%3Ab+c:p%40ss+w%2Bd%3A%25')}`);
    expect(r.clientId).toBe('a:b c');
    expect(r.secret).toBe('p@ss w+d:%');
  });

  it('decodes percent-encoded UTF-8', () => {
    expect(readBasicCredentials(`Basic ${b64('caf%C3%A9:s%C3%BC%C3%9F')}`)).toMatchObject({ clientId: 'café', secret: 'süß' });
  });

  it('splits at the first colon: an unencoded colon in the secret stays in the secret', () => {
    expect(readBasicCredentials(`Basic ${b64('id:se:cret')}`)).toMatchObject({ clientId: 'id', secret: 'se:cret' });
  });

  it('refuses a malformed header, asking for Basic (401 + WWW-Authenticate)', () => {
    for (const header of ['Bearer abc', 'Basic', 'Basic ', 'Basic !!!', 'Basic a b', 'Digest username="x"', `Basic ${b64('no-colon-here')}`]) {
      const err = refusal(header);
      expect(err.toJSON()).toEqual({ error: 'invalid_client', error_description: 'invalid authorization header value format' });
      expect(err.status).toBe(401);
      expect(err.headers()).toEqual({ 'www-authenticate': 'Basic realm="signet", error="invalid_client"' });
    }
  });

  it('refuses an empty client_id or client_secret', () => {
    for (const raw of [':secret', 'client:', ':']) {
      expect(refusal(`Basic ${b64(raw)}`).toJSON()).toEqual({
        error: 'invalid_client', error_description: 'client_id and client_secret in the authorization header must not be empty',
      });
    }
  });

  it('refuses credentials that are not valid form-urlencoding', () => {
    for (const raw of ['client:%', 'client:%ZZ', '%E0%A4%A:secret', 'client:%FF']) {
      const err = refusal(`Basic ${b64(raw)}`);
      expect(err.toJSON()).toEqual({ error: 'invalid_client', error_description: 'client credentials are not properly form-urlencoded (RFC 6749 §2.3.1)' });
      expect(err.headers()['www-authenticate']).toMatch(/^Basic /);
    }
  });
});
