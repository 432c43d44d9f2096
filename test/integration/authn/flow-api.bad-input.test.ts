import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowClient, updateSettings } from '../../helpers/authn.js';
import { createTenant, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** Every flow API endpoint answers junk with a 4xx in its own error form: never a 5xx, never a stack. */
describe('flow API: bad input is a 4xx with {error, error_description}, never a 5xx', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'email_otp', 'magic_link', 'phone_otp', 'passkey', 'anonymous'], selfRegistration: true });
  });
  afterAll(async () => s?.stop());

  const endpoints = ['start', 'authenticate', 'verify-otp', 'enroll', 'complete', 'login', 'passkey/options',
    'registration/start', 'registration/email', 'registration/credentials', 'recovery/start', 'recovery/email', 'recovery/password', 'upgrade/start'];
  const bodies: Array<[string, string]> = [
    ['not json', '{"method": '],
    ['an array', '[1,2,3]'],
    ['null', 'null'],
    ['wrong types', JSON.stringify({ method: 42, email: ['a'], password: { x: 1 }, code: true, login_challenge: 7, purpose: [], remember: 'yes', response: 'x' })],
    ['huge strings', JSON.stringify({ method: 'password', email: `${'a'.repeat(5000)}@example.com`, password: 'p'.repeat(100_000), code: '1'.repeat(1000) })],
    ['control characters', JSON.stringify({ method: 'password\u0000', email: 'a\u0007@example.com', password: '\u0000', code: '12\u00003456' })],
    ['unknown method', JSON.stringify({ method: '__proto__' })],
  ];

  it('with and without a live flow', async () => {
    const answered2xx: string[] = [];
    for (const withFlow of [false, true]) {
      const f = new FlowClient(s, t);
      if (withFlow) await f.start();
      for (const ep of endpoints) {
        for (const [label, body] of bodies) {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (f.cookies.size) headers.cookie = [...f.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
          const res = await fetch(`${t.issuer}/authentication/${ep}`, { method: 'POST', headers, body });
          const text = await res.text();
          // Lenient endpoints may ignore junk (start takes an optional body); none may fail with a 5xx.
          expect(res.status, `${ep} / ${label} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
          expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
          const json = JSON.parse(text) as Record<string, unknown>;
          if (res.status >= 400) expect(typeof json.error, `${ep} / ${label}: ${text.slice(0, 200)}`).toBe('string');
          else answered2xx.push(`${ep} / ${label}`);
        }
      }
    }
    // Only the endpoints without a required field tolerate a junk body (starting a flow, passkey options).
    expect(answered2xx.every((x) => /^(start|registration\/start|recovery\/start|passkey\/options) \//.test(x)), answered2xx.join(', ')).toBe(true);
  });
});
