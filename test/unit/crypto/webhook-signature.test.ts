import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookSignatureHeader } from '../../../src/crypto/webhook-signature.js';

describe('Standard Webhooks signatures', () => {
  it('are accepted by the independent standardwebhooks verifier', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({ type: 'User.Created', timestamp: '2026-11-22T00:00:00.000Z', data: { a: 1 } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': webhookSignatureHeader([secret], 'msg_1', ts, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });
  it('match the specification\'s example', () => {
    // https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md (signature example)
    const sig = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
  it('carry one signature per live secret during a rotation; each alone verifies', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const header = webhookSignatureHeader([a, b], 'msg_2', ts, '{}');
    expect(header.split(' ')).toHaveLength(2);
    for (const s of [a, b]) new Webhook(s).verify('{}', { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': header });
    expect(() => new Webhook(generateWebhookSecret()).verify('{}', { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': header })).toThrow();
  });
});
