import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestServer, uniqueSlug, type TestServer } from '../../../helpers/server.js';
import { ALL_MANAGEMENT_SCOPES, TENANT_MANAGEMENT_SCOPES } from '../../../../src/shared/management-scopes.js';
import { randomToken } from '../../../../src/crypto/random.js';
import {
  basic, createClient, createTenant, expectOAuthError, rootBasic, rootTokenRequest, tokenRequest, type TokenCall,
} from '../protocol-helpers.js';

const WWW_AUTHENTICATE_BASIC = 'Basic realm="signet", error="invalid_client"';

function expectTokenResponse(r: TokenCall): void {
  expect(r.status).toBe(200);
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(r.headers.get('pragma')).toBe('no-cache');
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof r.body.access_token).toBe('string');
  expect((r.body.access_token as string).split('.')).toHaveLength(3);
  expect(r.body.token_type).toBe('Bearer');
  expect(r.body.expires_in).toBe(3600);
  expect(typeof r.body.scope).toBe('string');
  // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
  expect(r.body).not.toHaveProperty('refresh_token');
  expect(Object.keys(r.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
}

describe('RFC 6749 §4.4 client credentials grant', () => {
  let s: TestServer;
  const postClientId = `post-client-${randomToken(4)}`;
  const postSecret = randomToken(24);
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic base64 step.
  const specialClientId = `sp:ec+ial id/${randomToken(3)}`;
  const specialSecret = `p@ss:w rd+&=%/é ${randomToken(16)}`;
  const disabledClientId = `disabled-${randomToken(4)}`;
  const noGrantClientId = `no-grant-${randomToken(4)}`;
  const shortTtlClientId = `short-ttl-${randomToken(4)}`;
  const otherSecret = randomToken(24);

  beforeAll(async () => {
    s = await startTestServer();
    await createClient(s, { clientId: postClientId, secret: postSecret, method: 'client_secret_post' });
    await createClient(s, { clientId: specialClientId, secret: specialSecret });
    await createClient(s, { clientId: disabledClientId, secret: otherSecret, disabled: true });
    await createClient(s, { clientId: noGrantClientId, secret: otherSecret, grantTypes: [] });
    await createClient(s, { clientId: shortTtlClientId, secret: otherSecret, accessTokenTtl: 120 });
  });
  afterAll(async () => { await s.stop(); });

  describe('successful token requests (§4.4.3, §5.1)', () => {
    it('issues a token to a client_secret_basic client', async () => {
      const r = await rootTokenRequest(s);
      expectTokenResponse(r);
    });

    it('issues a token to a client_secret_post client', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials', client_id: postClientId, client_secret: postSecret });
      expectTokenResponse(r);
      expect(r.body.scope).toBe('tenant:read clients:read');
    });

    it('form-decodes client_id and client_secret in the Basic header (§2.3.1)', async () => {
      const header = basic(specialClientId, specialSecret);
      // The encoded form really does use '+' for space and percent-escapes for reserved characters.
      const raw = Buffer.from(header.slice(6), 'base64').toString('utf8');
      expect(raw).toContain('sp%3Aec%2Bial+id%2F');
      expect(raw).toContain('p%40ss%3Aw+rd%2B%26%3D%25%2F%C3%A9+');
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: header } });
      expectTokenResponse(r);
    });

    it('refuses the special-character credentials when they are sent without form-encoding', async () => {
      // Unencoded, the raw '%' of the secret is not a valid percent-escape.
      const header = `Basic ${Buffer.from(`${specialClientId}:${specialSecret}`).toString('base64')}`;
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: header } });
      expectOAuthError(r, 401, 'invalid_client', 'client credentials are not properly form-urlencoded (RFC 6749 §2.3.1)');
      // Without the '%', the first unencoded colon splits: the client id becomes "sp", which is unknown.
      const noPercent = `Basic ${Buffer.from(`${specialClientId}:${specialSecret.replace('%', '')}`).toString('base64')}`;
      const r2 = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: noPercent } });
      expectOAuthError(r2, 401, 'invalid_client', 'client authentication failed');
    });

    it('uses the client\'s own access token lifetime for expires_in', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic(shortTtlClientId, otherSecret) } });
      expect(r.status).toBe(200);
      expect(r.body.expires_in).toBe(120);
    });

    it('accepts a content type with a charset parameter', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials' }, { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' });
      expectTokenResponse(r);
    });
  });

  describe('scope (§3.3)', () => {
    it('grants every scope the client has when scope is omitted', async () => {
      const r = await rootTokenRequest(s);
      expectTokenResponse(r);
      expect((r.body.scope as string).split(' ').sort()).toEqual([...ALL_MANAGEMENT_SCOPES].sort());
    });

    it('treats an empty scope parameter as omitted', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', scope: '' });
      expectTokenResponse(r);
      expect((r.body.scope as string).split(' ').sort()).toEqual([...ALL_MANAGEMENT_SCOPES].sort());
    });

    it('narrows the token to the requested scopes', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', scope: 'tenant:read audit:read' });
      expectTokenResponse(r);
      expect(r.body.scope).toBe('tenant:read audit:read');
    });

    it('collapses a repeated scope value', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', scope: 'tenant:read tenant:read' });
      expectTokenResponse(r);
      expect(r.body.scope).toBe('tenant:read');
    });

    it('refuses a scope the client does not have with invalid_scope', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', scope: 'tenant:read photos:delete' });
      expectOAuthError(r, 400, 'invalid_scope', 'requested scope is not allowed for this client: photos:delete');
    });

    it('refuses platform:admin to a tenant management client', async () => {
      const t = await createTenant(s, uniqueSlug('cc'));
      const ok = await tokenRequest(s, { grant_type: 'client_credentials' }, { tenant: t.slug, headers: { authorization: basic(t.clientId, t.clientSecret) } });
      expectTokenResponse(ok);
      expect((ok.body.scope as string).split(' ').sort()).toEqual([...TENANT_MANAGEMENT_SCOPES].sort());
      const r = await tokenRequest(s, { grant_type: 'client_credentials', scope: 'platform:admin' }, { tenant: t.slug, headers: { authorization: basic(t.clientId, t.clientSecret) } });
      expectOAuthError(r, 400, 'invalid_scope', 'requested scope is not allowed for this client: platform:admin');
    });

    it('refuses a scope token outside NQCHAR with invalid_request', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', scope: 'tenant:read "quoted"' });
      expectOAuthError(r, 400, 'invalid_request', 'scope contains characters outside NQCHAR (RFC 6749 §3.3)');
    });
  });

  describe('client authentication failures (§2.3, §5.2 invalid_client)', () => {
    it('answers 401 with WWW-Authenticate: Basic for a wrong secret sent with Basic', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic(inject('rootClientId'), 'wrong-secret-0123456789') } });
      expectOAuthError(r, 401, 'invalid_client', 'client authentication failed');
      expect(r.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE_BASIC);
    });

    it('gives an unknown client and a wrong secret the identical answer', async () => {
      const wrong = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic(inject('rootClientId'), 'wrong-secret-0123456789') } });
      const unknown = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic('no-such-client', 'wrong-secret-0123456789') } });
      expect(unknown.status).toBe(wrong.status);
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.headers.get('www-authenticate')).toBe(wrong.headers.get('www-authenticate'));
      expectOAuthError(unknown, 401, 'invalid_client', 'client authentication failed');

      const wrongPost = await tokenRequest(s, { grant_type: 'client_credentials', client_id: postClientId, client_secret: 'wrong-secret-0123456789' });
      const unknownPost = await tokenRequest(s, { grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: 'wrong-secret-0123456789' });
      expect(unknownPost.status).toBe(wrongPost.status);
      expect(unknownPost.body).toEqual(wrongPost.body);
      expectOAuthError(unknownPost, 401, 'invalid_client', 'client authentication failed');
    });

    it('gives a disabled client the same answer as an unknown one', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic(disabledClientId, otherSecret) } });
      expectOAuthError(r, 401, 'invalid_client', 'client authentication failed');
      expect(r.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE_BASIC);
    });

    it('refuses a client not registered for client_credentials with unauthorized_client', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic(noGrantClientId, otherSecret) } });
      expectOAuthError(r, 400, 'unauthorized_client', 'requested grant type is not allowed for this client (client_credentials)');
    });

    it('does not send WWW-Authenticate when Basic was not tried', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials', client_id: postClientId, client_secret: 'wrong-secret-0123456789' });
      expectOAuthError(r, 401, 'invalid_client', 'client authentication failed');
      expect(r.headers.get('www-authenticate')).toBeNull();
    });

    it('refuses client_secret_post for a client registered for client_secret_basic', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials', client_id: inject('rootClientId'), client_secret: inject('rootClientSecret') });
      expectOAuthError(r, 401, 'invalid_client', 'the client is registered for client_secret_basic, not client_secret_post');
      expect(r.headers.get('www-authenticate')).toBeNull();
    });

    it('refuses client_secret_basic for a client registered for client_secret_post', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic(postClientId, postSecret) } });
      expectOAuthError(r, 401, 'invalid_client', 'the client is registered for client_secret_post, not client_secret_basic');
      expect(r.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE_BASIC);
    });

    it('refuses a request without client authentication', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials' });
      expectOAuthError(r, 401, 'invalid_client', 'no client authentication mechanism provided');
    });

    it('refuses a client_id without a secret', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials', client_id: inject('rootClientId') });
      expectOAuthError(r, 401, 'invalid_client', 'client authentication failed: no client secret presented');
    });

    it('refuses a malformed Authorization header with WWW-Authenticate', async () => {
      for (const authorization of ['Bearer abc', 'Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
        const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization } });
        expectOAuthError(r, 401, 'invalid_client', 'invalid authorization header value format');
        expect(r.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE_BASIC);
      }
    });

    it('refuses credentials that are not properly form-urlencoded', async () => {
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: `Basic ${Buffer.from('client:%E0%A4%A').toString('base64')}` } });
      expectOAuthError(r, 401, 'invalid_client', 'client credentials are not properly form-urlencoded (RFC 6749 §2.3.1)');
    });

    it('answers invalid_client, not a server error, for a NUL byte in client_id', async () => {
      const viaBasic = await tokenRequest(s, { grant_type: 'client_credentials' }, { headers: { authorization: basic('test\u0000root', 'wrong-secret-0123456789') } });
      expectOAuthError(viaBasic, 401, 'invalid_client', 'client authentication failed');
      const viaPost = await tokenRequest(s, 'grant_type=client_credentials&client_id=%00&client_secret=wrong-secret-0123456789');
      expectOAuthError(viaPost, 401, 'invalid_client', 'client authentication failed');
    });

    it('refuses two authentication methods at once with invalid_request', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', client_id: inject('rootClientId'), client_secret: inject('rootClientSecret') });
      expectOAuthError(r, 400, 'invalid_request', 'client authentication must only be provided using one mechanism');
    });

    it('refuses a body client_secret next to Basic credentials with invalid_request', async () => {
      // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each
      // request." A client_secret in the body is client_secret_post material even without client_id.
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', client_secret: inject('rootClientSecret') });
      expectOAuthError(r, 400, 'invalid_request', 'client authentication must only be provided using one mechanism');
    });

    it('refuses a body client_id that differs from the Basic client', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', client_id: postClientId });
      expectOAuthError(r, 400, 'invalid_request', 'client_id in the body does not match the authenticated client');
    });

    it('refuses a client_assertion that is not a JWT, and one for a client not registered for private_key_jwt', async () => {
      const r = await tokenRequest(s, {
        grant_type: 'client_credentials', client_id: inject('rootClientId'),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'a.b.c',
      });
      expectOAuthError(r, 401, 'invalid_client', 'client_assertion is not a JWT');
      const body = Buffer.from(JSON.stringify({ sub: inject('rootClientId'), iss: inject('rootClientId') })).toString('base64url');
      const r2 = await tokenRequest(s, {
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: `eyJhbGciOiJFUzI1NiJ9.${body}.sig`,
      });
      expectOAuthError(r2, 401, 'invalid_client', 'client authentication failed');
    });
  });

  describe('request format (§3.2, §3.1)', () => {
    it('refuses a missing grant_type', async () => {
      const r = await rootTokenRequest(s, { scope: 'tenant:read' });
      expectOAuthError(r, 400, 'invalid_request', "missing required parameter 'grant_type'");
    });

    it('refuses an unsupported grant type', async () => {
      const r = await rootTokenRequest(s, { grant_type: 'password', username: 'u', password: 'p' });
      expectOAuthError(r, 400, 'unsupported_grant_type', 'unsupported grant_type requested (password)');
    });

    it('refuses a repeated parameter', async () => {
      const twice = new URLSearchParams([['grant_type', 'client_credentials'], ['grant_type', 'client_credentials']]);
      expectOAuthError(await rootTokenRequest(s, twice), 400, 'invalid_request', "'grant_type' parameter must not be provided more than once");
      const scopes = new URLSearchParams([['grant_type', 'client_credentials'], ['scope', 'tenant:read'], ['scope', 'audit:read']]);
      expectOAuthError(await rootTokenRequest(s, scopes), 400, 'invalid_request', "'scope' parameter must not be provided more than once");
    });

    it('refuses a JSON body', async () => {
      const r = await tokenRequest(s, JSON.stringify({ grant_type: 'client_credentials' }), { headers: { authorization: rootBasic(), 'content-type': 'application/json' } });
      expectOAuthError(r, 400, 'invalid_request', 'only application/x-www-form-urlencoded content-type bodies are supported');
    });

    it('refuses a text/plain body', async () => {
      const r = await tokenRequest(s, 'grant_type=client_credentials', { headers: { authorization: rootBasic(), 'content-type': 'text/plain' } });
      expectOAuthError(r, 400, 'invalid_request', 'only application/x-www-form-urlencoded content-type bodies are supported');
    });

    it('refuses any other body with the same invalid_request (400, no-store, no-cache)', async () => {
      // Bodies the HTTP framework cannot parse itself must reach the same check, not a generic error.
      const form = new FormData();
      form.set('grant_type', 'client_credentials');
      const cases: [string, RequestInit][] = [
        ['multipart/form-data', { body: form }],
        ['application/xml', { headers: { 'content-type': 'application/xml' }, body: '<grant_type>client_credentials</grant_type>' }],
        ['application/json with a form body', { headers: { 'content-type': 'application/json' }, body: 'grant_type=client_credentials' }],
      ];
      for (const [name, init] of cases) {
        const res = await fetch(`${s.url}/t/system/oauth/token`, { method: 'POST', ...init, headers: { authorization: rootBasic(), ...init.headers as Record<string, string> } });
        const r: TokenCall = { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
        expect.soft(r.body, name).toEqual({ error: 'invalid_request', error_description: 'only application/x-www-form-urlencoded content-type bodies are supported' });
        expect.soft(r.status, name).toBe(400);
        expect.soft(r.headers.get('pragma'), name).toBe('no-cache');
        expect.soft(r.headers.get('cache-control'), name).toBe('no-store');
      }
    });

    it('refuses GET', async () => {
      const res = await fetch(`${s.url}/t/system/oauth/token?grant_type=client_credentials`, { headers: { authorization: rootBasic() } });
      const r: TokenCall = { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
      expectOAuthError(r, 400, 'invalid_request', 'the token endpoint only accepts POST');
    });

    it('answers 404 JSON for an unknown tenant', async () => {
      for (const slug of ['no-such-tenant', 'NOT%20A%20SLUG', '%00']) {
        const res = await fetch(`${s.url}/t/${slug}/oauth/token`, {
          method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: rootBasic() }, body: 'grant_type=client_credentials',
        });
        const r: TokenCall = { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
        expectOAuthError(r, 404, 'invalid_request', 'unknown issuer');
      }
    });

    it('does not accept the root client at another tenant\'s endpoint', async () => {
      const t = await createTenant(s, uniqueSlug('cc'));
      const r = await tokenRequest(s, { grant_type: 'client_credentials' }, { tenant: t.slug, headers: { authorization: rootBasic() } });
      expectOAuthError(r, 401, 'invalid_client', 'client authentication failed');
    });
  });
});
