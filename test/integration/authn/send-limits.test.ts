import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowClient, updateSettings } from '../../helpers/authn.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('codes and links are rate-limited per destination (no mail or SMS pumping)', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    await updateSettings(s, t, { authenticationMethods: ['password', 'email_otp', 'magic_link'] });
  });
  afterAll(async () => s?.stop());

  it('the sixth code within 15 minutes to one address is refused with 429 and Retry-After, known or unknown alike', async () => {
    await createUser(s, t, { email: 'known@example.com', password: 'a-long-password-1' });
    for (const email of ['known@example.com', 'nobody@example.com']) {
      const answers = [];
      for (let i = 0; i < 6; i++) {
        const f = new FlowClient(s, t);
        await f.start();
        answers.push(await f.authenticate({ method: i % 2 ? 'magic_link' : 'email_otp', email }));
      }
      expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers[5]!.status).toBe(429);
      expect(answers[5]!.body.error).toBe('too_many_attempts');
      expect(Number(answers[5]!.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const mails = await s.gql(`query { devMailbox(to: "known@example.com", first: 100) { subject } }`, {}, { token: t.token });
    expect((mails.data as { devMailbox: unknown[] }).devMailbox).toHaveLength(5);
    // Another address is unaffected.
    const f = new FlowClient(s, t);
    await f.start();
    expect((await f.authenticate({ method: 'email_otp', email: 'other@example.com' })).status).toBe(200);
  });
});
