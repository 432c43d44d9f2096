import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { spawnWorker } from '../../../helpers/processes.js';
import { createClient, createTenant, createUser, TestBrowser, type TestClient, type TestTenant } from '../../../helpers/oauth-flow.js';
import { loginAndRedeem, PASSWORD, verifyWithJwks } from '../../../helpers/oauth-assertions.js';
import { registerSecret } from '../../../helpers/secrets.js';

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface Received { method: string; path: string; contentType: string | undefined; body: string }

/**
 * Needs the compiled CLI (`npx tsc -p tsconfig.build.json`): the real `signet worker` delivers
 * the logout token. The worker computes issuers from PUBLIC_URL, so it gets the test server's.
 */
describe('OpenID Connect Back-Channel Logout 1.0', () => {
  let s: TestServer;
  let t: TestTenant;
  let c: TestClient;
  let receiver: http.Server;
  let worker: ReturnType<typeof spawnWorker>;
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const user = { email: 'bcl@example.com', password: PASSWORD };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString(); });
      req.on('end', () => {
        received.push({ method: req.method!, path: req.url!, contentType: req.headers['content-type'], body });
        res.writeHead(200, { 'cache-control': 'no-store' }).end();
        for (const w of waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    s = await startTestServer();
    // spawnWorker passes process.env through; testEnv sets no PUBLIC_URL, so this one wins.
    process.env.PUBLIC_URL = s.publicUrl;
    worker = spawnWorker();
    t = await createTenant(s);
    await createUser(s, t, { email: user.email, password: PASSWORD });
    const port = (receiver.address() as AddressInfo).port;
    c = await createClient(s, t, { backchannelLogoutUri: `http://127.0.0.1:${port}/backchannel-logout` });
  });
  afterAll(async () => {
    delete process.env.PUBLIC_URL;
    await worker?.stop();
    await s?.stop();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  function nextDelivery(timeoutMs: number): Promise<Received | undefined> {
    if (received.length) return Promise.resolve(received.shift());
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      waiters.push(() => { clearTimeout(timer); resolve(received.shift()); });
    });
  }

  it('§2.5-§2.7: ending the session POSTs a logout_token (typ logout+jwt; iss, aud, iat, exp, jti, sid, events; no nonce) to the participating client', async () => {
    const b = new TestBrowser();
    const tok = await loginAndRedeem(s, t, c, b, user, { nonce: 'must-not-appear' });
    const idToken = (await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId })).payload;

    const out = await b.fetch(`${t.issuer}/oauth/end-session?${new URLSearchParams({ id_token_hint: tok.id_token! })}`);
    expect(out.status).toBe(200);

    const delivery = await nextDelivery(20_000);
    expect(delivery, 'no back-channel logout request reached the client within 20 s').toBeDefined();
    expect(delivery!.method).toBe('POST');
    expect(delivery!.path).toBe('/backchannel-logout');
    expect(delivery!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(delivery!.body);
    expect([...form.keys()]).toEqual(['logout_token']);
    const logoutToken = form.get('logout_token')!;
    registerSecret(inject('logDir'), logoutToken);

    expect(decodeProtectedHeader(logoutToken).typ).toBe('logout+jwt');
    const { payload } = await verifyWithJwks(t.issuer, logoutToken, { audience: c.clientId, typ: 'logout+jwt' });
    expect(payload.iss).toBe(t.issuer);
    expect(payload.aud).toBe(c.clientId);
    expect(typeof payload.iat).toBe('number');
    expect(payload.exp).toBeGreaterThan(payload.iat!);
    expect(typeof payload.jti).toBe('string');
    expect(payload.sid).toBe(idToken.sid);
    expect(payload.sub).toBe(idToken.sub);
    expect(payload.events).toEqual({ [BACKCHANNEL_LOGOUT_EVENT]: {} });
    expect(payload).not.toHaveProperty('nonce');
  });
});
