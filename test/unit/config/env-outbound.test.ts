import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/env.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env, '/tmp');
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

describe('configuration: outbound calls and webhooks', () => {
  it('defaults: loopback refused, Standard Webhooks retry schedule over about a day', () => {
    const c = loadConfig({}, '/tmp');
    expect(c.outboundAllowLoopback).toBe(false);
    expect(c.webhookMaxConsecutiveFailures).toBe(50);
    expect(c.webhookRetryScheduleMs).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(c.webhookAttemptRetentionDays).toBe(30);
  });
  it('parses explicit values', () => {
    const c = loadConfig({ SIGNET_OUTBOUND_ALLOW_LOOPBACK: 'true', SIGNET_WEBHOOK_RETRY_SCHEDULE: '0.1, 0.2,1', SIGNET_WEBHOOK_MAX_FAILURES: '3' }, '/tmp');
    expect(c.outboundAllowLoopback).toBe(true);
    expect(c.webhookRetryScheduleMs).toEqual([100, 200, 1000]);
    expect(c.webhookMaxConsecutiveFailures).toBe(3);
  });
  it('one problem line per bad value', () => {
    expect(problems({ SIGNET_OUTBOUND_ALLOW_LOOPBACK: 'maybe' })).toEqual(['SIGNET_OUTBOUND_ALLOW_LOOPBACK="maybe" must be true or false']);
    expect(problems({ SIGNET_WEBHOOK_RETRY_SCHEDULE: '5,x' })).toEqual(['SIGNET_WEBHOOK_RETRY_SCHEDULE="5,x" must be up to 20 comma-separated delays in seconds (each at most 86400)']);
    expect(problems({ SIGNET_WEBHOOK_MAX_FAILURES: '0' })).toEqual(['SIGNET_WEBHOOK_MAX_FAILURES="0" is not an integer between 1 and 10000']);
    expect(problems({ NODE_ENV: 'production', SIGNET_MASTER_KEY: 'a'.repeat(64), SIGNET_OUTBOUND_ALLOW_LOOPBACK: '1' }))
      .toEqual(['SIGNET_OUTBOUND_ALLOW_LOOPBACK=true is not allowed when NODE_ENV=production (it lets webhooks call this machine)']);
  });
});
