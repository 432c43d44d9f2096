import { Counter } from 'prom-client';

/**
 * Password hashes evaluated by sign-in (argon2id, the dummy hash for unknown accounts included):
 * the work brute-force throttling bounds (at most `lockoutThreshold` per account and window,
 * however many requests arrive in parallel). Process-wide; serve's /metrics registry includes it
 * (app/metrics.ts).
 */
export const passwordVerifications = new Counter({
  name: 'signet_password_verifications_total',
  help: 'Password hashes evaluated by sign-in (argon2id; unknown accounts are checked against a dummy hash).',
  registers: [],
});
