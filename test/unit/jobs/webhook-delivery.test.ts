import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, webhookBackoff, webhookJobOptions } from '../../../src/jobs/webhook-delivery.processor.js';
import { DeliveryRetry } from '../../../src/modules/webhook/index.js';
import { endpointWants, webhookBody } from '../../../src/modules/webhook/index.js';
import { parseRetryAfter } from '../../../src/modules/webhook/webhook.sender.js';

const DEFAULT = [5, 300, 1800, 7200, 18_000, 36_000, 36_000].map((s) => s * 1000);

describe('webhook retry schedule', () => {
  it('8 attempts over about a day, each delay within ±20 % jitter', () => {
    expect(webhookJobOptions(DEFAULT).attempts).toBe(8);
    const low = webhookBackoff(DEFAULT, () => 0);
    const high = webhookBackoff(DEFAULT, () => 1);
    const delays = DEFAULT.map((_, i) => [low(i + 1), high(i + 1)]);
    expect(delays).toEqual(DEFAULT.map((d) => [d * 0.8, d * 1.2]));
    const total = DEFAULT.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(30);
  });
  it('a 429 Retry-After replaces the delay, capped at a day', () => {
    const b = webhookBackoff(DEFAULT, () => 0.5);
    expect(b(1, 'webhook', new DeliveryRetry('429', 42_000))).toBe(42_000);
    expect(b(1, 'webhook', new DeliveryRetry('429', 10 * 86_400_000))).toBe(MAX_RETRY_AFTER_MS);
    expect(b(1, 'webhook', new DeliveryRetry('500'))).toBe(5000);
  });
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('webhook messages', () => {
  it('match endpoints by type or category; no filter means every event', () => {
    expect(endpointWants({ eventTypes: [], categories: [] }, 'Login.Failed')).toBe(true);
    expect(endpointWants({ eventTypes: ['Login.Failed'], categories: [] }, 'Login.Failed')).toBe(true);
    expect(endpointWants({ eventTypes: ['Login.Failed'], categories: [] }, 'Login.Succeeded')).toBe(false);
    expect(endpointWants({ eventTypes: [], categories: ['security'] }, 'RefreshToken.Reused')).toBe(true);
    expect(endpointWants({ eventTypes: [], categories: ['security'] }, 'User.Created')).toBe(false);
  });
  it('use the Standard Webhooks envelope, built only from the event (same bytes on every attempt)', () => {
    const e = { id: 'e1', tenantId: 't1', type: 'User.Created', actorKind: 'client', actorId: 'c', actorClientId: 'c', targetType: 'User', targetId: 'u1', requestId: 'r', payload: { userId: 'u1' }, occurredAt: '2026-11-22T00:00:00.000Z', seq: 9 };
    const body = webhookBody(e);
    expect(JSON.parse(body)).toEqual({
      type: 'User.Created', timestamp: '2026-11-22T00:00:00.000Z',
      data: { id: 'e1', type: 'User.Created', occurredAt: '2026-11-22T00:00:00.000Z', tenantId: 't1', actor: { kind: 'client', id: 'c', clientId: 'c' }, target: { type: 'User', id: 'u1' }, requestId: 'r', payload: { userId: 'u1' } },
    });
    expect(webhookBody({ ...e, seq: 10 })).toBe(body);
  });
});
