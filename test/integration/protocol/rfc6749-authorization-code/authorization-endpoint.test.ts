import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { authorizeUrl, createClient, createTenant, createUser, pkce, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { expectErrorPage, expectErrorRedirect, PASSWORD, runAuthorize } from '../../../helpers/oauth-assertions.js';

describe('RFC 6749 §4.1.1 / §4.1.2.1 authorization endpoint', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const ch = pkce();
  const valid = () => ({ scope: 'openid', state: 'xyz', code_challenge: ch.challenge, code_challenge_method: 'S256' });

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: 'ada@example.com', password: PASSWORD });
    c = await createClient(s, t, { redirectUris: ['http://127.0.0.1:9/cb', 'https://app.example.com/cb'] });
  });
  afterAll(async () => { await s.stop(); });

  describe('§4.1.2.1: a missing or invalid client_id or redirect_uri is shown to the user, never redirected', () => {
    it('unknown client_id → 400 page invalid_client "unknown client", no Location', async () => {
      const res = await fetch(authorizeUrl(t, { ...c, clientId: 'no-such-client' }, valid()), { redirect: 'manual' });
      await expectErrorPage(res, 400, 'invalid_client', 'unknown client');
    });

    it('missing client_id → 400 page invalid_request', async () => {
      const url = new URL(authorizeUrl(t, c, valid()));
      url.searchParams.delete('client_id');
      await expectErrorPage(await fetch(url, { redirect: 'manual' }), 400, 'invalid_request', "missing required parameter 'client_id'");
    });

    it('unregistered redirect_uri → 400 page, no redirect to it', async () => {
      const res = await fetch(authorizeUrl(t, { ...c, redirectUri: 'https://evil.example.com/cb' }, valid()), { redirect: 'manual' });
      await expectErrorPage(res, 400, 'invalid_request', "redirect_uri did not match any of the client's registered redirect_uris");
    });

    it('redirect_uri differing from a registered one only by a path suffix or query is refused (exact match, RFC 9700 §2.1)', async () => {
      for (const uri of ['http://127.0.0.1:9/cb/extra', 'http://127.0.0.1:9/cb?x=1', 'https://app.example.com/cb/']) {
        const res = await fetch(authorizeUrl(t, { ...c, redirectUri: uri }, valid()), { redirect: 'manual' });
        await expectErrorPage(res, 400, 'invalid_request', "redirect_uri did not match any of the client's registered redirect_uris");
      }
    });

    it('OIDC Core §3.1.2.1: redirect_uri omitted on an openid request → 400 page', async () => {
      const url = new URL(authorizeUrl(t, c, valid()));
      url.searchParams.delete('redirect_uri');
      await expectErrorPage(await fetch(url, { redirect: 'manual' }), 400, 'invalid_request', "missing required parameter 'redirect_uri'");
    });
  });

  describe('§4.1.2.1: other errors are redirected with error, state and iss', () => {
    it('response_type=token → unsupported_response_type', async () => {
      const res = await fetch(authorizeUrl(t, c, { ...valid(), response_type: 'token' }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'unsupported_response_type', description: 'unsupported response_type requested (token)' });
    });

    it('response_type=code id_token (hybrid) → unsupported_response_type', async () => {
      const res = await fetch(authorizeUrl(t, c, { ...valid(), response_type: 'code id_token' }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'unsupported_response_type', description: 'unsupported response_type requested (code id_token)' });
    });

    it('missing response_type → invalid_request', async () => {
      const url = new URL(authorizeUrl(t, c, valid()));
      url.searchParams.delete('response_type');
      expectErrorRedirect(await fetch(url, { redirect: 'manual' }), { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'invalid_request', description: "missing required parameter 'response_type'" });
    });

    it('OIDC Core §6.1: request → request_not_supported', async () => {
      const res = await fetch(authorizeUrl(t, c, { ...valid(), request: 'eyJhbGciOiJub25lIn0.e30.' }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'request_not_supported', description: 'request objects are not supported' });
    });

    it('OIDC Core §6.2: request_uri → request_uri_not_supported', async () => {
      const res = await fetch(authorizeUrl(t, c, { ...valid(), request_uri: 'https://app.example.com/request.jwt' }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'request_uri_not_supported', description: 'request_uri is not supported' });
    });

    it('§3.3: a scope the client may not use → invalid_scope', async () => {
      const res = await fetch(authorizeUrl(t, c, { ...valid(), scope: 'openid admin' }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'invalid_scope', description: 'requested scope is not allowed for this client: admin' });
    });

    it('without state the error redirect carries no state parameter', async () => {
      const { state: _s, ...noState } = valid();
      const res = await fetch(authorizeUrl(t, c, { ...noState, response_type: 'token' }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, error: 'unsupported_response_type', description: 'unsupported response_type requested (token)' });
    });
  });

  describe('OIDC Core §3.1.2.1: the authorization endpoint supports GET and POST', () => {
    it('a form-encoded POST is processed like a GET (proceeds to login)', async () => {
      const res = await fetch(`${t.issuer}/oauth/authorize`, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: c.clientId, redirect_uri: c.redirectUri, response_type: 'code', ...valid() }),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(new RegExp(`^${t.issuer}/login\\?login_challenge=`));
    });

    it('a POST error is redirected like a GET error', async () => {
      const res = await fetch(`${t.issuer}/oauth/authorize`, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: c.clientId, redirect_uri: c.redirectUri, response_type: 'token', ...valid() }),
      });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'unsupported_response_type', description: 'unsupported response_type requested (token)' });
    });
  });

  describe('§3.1: request parameters MUST NOT be included more than once', () => {
    it('a repeated client_id → 400 page (nothing trusted yet)', async () => {
      const url = new URL(authorizeUrl(t, c, valid()));
      url.searchParams.append('client_id', c.clientId);
      await expectErrorPage(await fetch(url, { redirect: 'manual' }), 400, 'invalid_request', "'client_id' parameter must not be provided more than once");
    });

    it('a repeated redirect_uri → 400 page', async () => {
      const url = new URL(authorizeUrl(t, c, valid()));
      url.searchParams.append('redirect_uri', c.redirectUri);
      await expectErrorPage(await fetch(url, { redirect: 'manual' }), 400, 'invalid_request', "'redirect_uri' parameter must not be provided more than once");
    });

    it('a repeated nonce once client and redirect_uri are trusted → invalid_request redirected (§4.1.2.1)', async () => {
      const url = new URL(authorizeUrl(t, c, valid()));
      url.searchParams.append('nonce', 'a');
      url.searchParams.append('nonce', 'b');
      expectErrorRedirect(await fetch(url, { redirect: 'manual' }), { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'invalid_request', description: "'nonce' parameter must not be provided more than once" });
    });
  });

  describe('OAuth 2.0 Form Post Response Mode', () => {
    it('response_mode=form_post answers an auto-submitting HTML form with code, state and iss', async () => {
      const b = new TestBrowser();
      const run = await runAuthorize(s, t, c, b, { user: { email: 'ada@example.com', password: PASSWORD }, params: { state: 'fp-state', response_mode: 'form_post' } });
      expect(run.callback).toBeUndefined();
      expect(run.last.status).toBe(200);
      expect(run.last.headers.get('content-type')).toMatch(/^text\/html/);
      expect(run.last.headers.get('location')).toBeNull();
      const html = await run.last.text();
      expect(html).toMatch(/<body onload="document\.forms\[0\]\.submit\(\)">/);
      const action = /<form method="post" action="([^"]*)">/.exec(html);
      expect(action?.[1]).toBe(c.redirectUri.replace(/[&<>"'`=]/g, (x) => `&#${x.charCodeAt(0)};`));
      const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
      expect(Object.keys(fields).sort()).toEqual(['code', 'iss', 'state']);
      expect(fields.state).toBe('fp-state');
      expect(fields.iss!.replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n)))).toBe(t.issuer);
      expect(fields.code!.length).toBeGreaterThanOrEqual(43);
    });

    it('an unsupported response_mode (fragment) → invalid_request redirected', async () => {
      const res = await fetch(authorizeUrl(t, c, { ...valid(), response_mode: 'fragment' }), { redirect: 'manual' });
      expectErrorRedirect(res, { redirectUri: c.redirectUri, issuer: t.issuer, state: 'xyz', error: 'invalid_request', description: 'unsupported response_mode requested (fragment)' });
    });
  });

  describe('RFC 8252 §7.3: loopback redirect URIs of native clients match with any port', () => {
    it('a native client may use another port on 127.0.0.1 (the request proceeds to login)', async () => {
      const native = await createClient(s, t, { applicationType: 'native', confidential: false, tokenEndpointAuthMethod: 'none', redirectUris: ['http://127.0.0.1:8080/cb'] });
      const res = await fetch(authorizeUrl(t, { ...native, redirectUri: 'http://127.0.0.1:51999/cb' }, valid()), { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(new RegExp(`^${t.issuer}/login\\?login_challenge=`));
    });

    it('a native client may not change the loopback path', async () => {
      const native = await createClient(s, t, { applicationType: 'native', confidential: false, tokenEndpointAuthMethod: 'none', redirectUris: ['http://127.0.0.1:8080/cb'] });
      const res = await fetch(authorizeUrl(t, { ...native, redirectUri: 'http://127.0.0.1:51999/other' }, valid()), { redirect: 'manual' });
      await expectErrorPage(res, 400, 'invalid_request', "redirect_uri did not match any of the client's registered redirect_uris");
    });

    it('a web client may not: another port is an unregistered redirect_uri', async () => {
      const web = await createClient(s, t, { redirectUris: ['http://127.0.0.1:8080/cb'] });
      const res = await fetch(authorizeUrl(t, { ...web, redirectUri: 'http://127.0.0.1:51999/cb' }, valid()), { redirect: 'manual' });
      await expectErrorPage(res, 400, 'invalid_request', "redirect_uri did not match any of the client's registered redirect_uris");
    });
  });
});
