import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, tokenCall, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { auditEvents, expectTokenError, introspect, loginAndRedeem, PASSWORD, verifyWithJwks, type Tokens } from '../../../helpers/oauth-assertions.js';

describe('refresh tokens: RFC 6749 §6, OIDC Core §11, RFC 9700 §4.14 rotation', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  const user = { email: 'refresh@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    c = await createClient(s, t);
  });
  afterAll(async () => { await s.stop(); });

  const offline = (client = c) => loginAndRedeem(s, t, client, new TestBrowser(), user, { scope: 'openid profile offline_access' });
  const refresh = (rt: string, extra: Record<string, string> = {}, client = c) => tokenCall(t, client, { grant_type: 'refresh_token', refresh_token: rt, ...extra });

  it('OIDC Core §11: a refresh token is issued only with offline_access', async () => {
    const without = await loginAndRedeem(s, t, c, new TestBrowser(), user, { scope: 'openid profile' });
    expect(without.refresh_token).toBeUndefined();
    const withIt = await offline();
    expect(typeof withIt.refresh_token).toBe('string');
  });

  it('a client without the refresh_token grant gets no refresh token even with offline_access', async () => {
    const noRefresh = await createClient(s, t, { grantTypes: ['authorization_code'] });
    const tok = await loginAndRedeem(s, t, noRefresh, new TestBrowser(), user, { scope: 'openid offline_access' });
    expect(tok.refresh_token).toBeUndefined();
  });

  it('RFC 9700 §4.14.2: each use rotates; the used token is then invalid_grant "refresh token has already been used"', async () => {
    const first = await offline();
    const r1 = await refresh(first.refresh_token!);
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile offline_access' });
    expect(typeof r1.body.id_token).toBe('string');
    const rt2 = r1.body.refresh_token as string;
    expect(rt2).not.toBe(first.refresh_token);
    expectTokenError(await refresh(first.refresh_token!), 400, 'invalid_grant', 'refresh token has already been used');
  });

  it('RFC 9700 §4.14.2: reuse revokes the whole family (newest refresh token and access tokens inactive) and records RefreshToken.Reused', async () => {
    const first = await offline();
    const r1 = await refresh(first.refresh_token!);
    const rt2 = r1.body.refresh_token as string;
    const at2 = r1.body.access_token as string;
    expect((await introspect(t, c, rt2)).body.active).toBe(true);
    expect((await introspect(t, c, at2)).body.active).toBe(true);

    expectTokenError(await refresh(first.refresh_token!), 400, 'invalid_grant', 'refresh token has already been used');

    expect((await introspect(t, c, rt2)).body).toEqual({ active: false });
    expect((await introspect(t, c, at2)).body).toEqual({ active: false });
    expect((await introspect(t, c, first.access_token)).body).toEqual({ active: false });
    expectTokenError(await refresh(rt2), 400, 'invalid_grant', 'refresh token was revoked');

    const events = await auditEvents(s, t.token, ['RefreshToken.Reused']);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.map((e) => e.type)).toEqual(events.map(() => 'RefreshToken.Reused'));
    expect(events.some((e) => e.payload.presentedBy === c.clientId)).toBe(true);
  });

  it('RFC 6749 §6: the scope may be narrowed', async () => {
    const first = await offline();
    const r = await refresh(first.refresh_token!, { scope: 'openid offline_access' });
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe('openid offline_access');
    expect((await introspect(t, c, r.body.access_token as string)).body.scope).toBe('openid offline_access');
  });

  it('RFC 6749 §6: after a narrowed refresh, the new refresh token keeps the scope of the one presented ("MUST be identical")', async () => {
    const first = await offline();
    const narrowed = await refresh(first.refresh_token!, { scope: 'openid offline_access' });
    expect(narrowed.status).toBe(200);
    const rt2 = narrowed.body.refresh_token as string;
    expect(typeof rt2).toBe('string');
    expect((await introspect(t, c, rt2, 'refresh_token')).body.scope).toBe('openid profile offline_access');
    const next = await refresh(rt2);
    expect(next.status).toBe(200);
    expect(next.body.scope).toBe('openid profile offline_access');
  });

  it('RFC 9700 §4.14.2: a refresh narrowed to a scope without offline_access still rotates (a new refresh token is returned, the grant is not lost)', async () => {
    const first = await offline();
    const narrowed = await refresh(first.refresh_token!, { scope: 'openid profile' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('openid profile');
    expect(typeof narrowed.body.refresh_token).toBe('string');
    const next = await refresh(narrowed.body.refresh_token as string);
    expect(next.status).toBe(200);
  });

  it('OIDC Core §12.2: the ID token from a refresh keeps iss, sub, aud, azp and the original auth_time', async () => {
    const first = await offline();
    const r = await refresh(first.refresh_token!);
    expect(r.status).toBe(200);
    const orig = (await verifyWithJwks(t.issuer, first.id_token!, { audience: c.clientId })).payload;
    const renewed = (await verifyWithJwks(t.issuer, r.body.id_token as string, { audience: c.clientId })).payload;
    for (const claim of ['iss', 'sub', 'aud', 'azp', 'auth_time'] as const) expect(renewed[claim]).toEqual(orig[claim]);
    expect(renewed.iat).toBeGreaterThanOrEqual(orig.iat!);
  });

  it('RFC 6749 §6: widening the scope → invalid_scope', async () => {
    const first = await offline();
    const r = await refresh(first.refresh_token!, { scope: 'openid profile email offline_access' });
    expectTokenError(r, 400, 'invalid_scope', 'refresh token request may not widen the scope: email');
  });

  it('RFC 6749 §6: the refresh token is bound to its client', async () => {
    const other = await createClient(s, t);
    const first = await offline();
    const r = await refresh(first.refresh_token!, {}, other);
    expectTokenError(r, 400, 'invalid_grant', 'refresh token was issued to another client');
  });

  it('an unknown refresh token → invalid_grant "refresh token is invalid or expired"', async () => {
    expectTokenError(await refresh('not-a-refresh-token-at-all-0123456789abcdef'), 400, 'invalid_grant', 'refresh token is invalid or expired');
  });

  it('parallel refreshes of one token: exactly one 200, the others invalid_grant "refresh token has already been used", no 5xx (the family is then revoked, so the winner\'s new tokens are inactive too)', async () => {
    const first: Tokens = await offline();
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(first.refresh_token!)));
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    const losers = results.filter((r) => r.status !== 200);
    expect(losers).toHaveLength(9);
    for (const l of losers) expectTokenError(l, 400, 'invalid_grant', 'refresh token has already been used');
    expect((await introspect(t, c, winners[0]!.body.refresh_token as string)).body).toEqual({ active: false });
  });
});
