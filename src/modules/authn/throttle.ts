import type { Redis } from 'ioredis';
import { sha256Hex } from '../../crypto/secrets.js';

/**
 * Brute-force protection with atomic Redis counters (DESIGN: rate-limit counters live in Redis).
 *
 * An attempt is *reserved* before the password is evaluated: one Lua script checks the lock,
 * increments the window counter and, past the limit, locks the key (backoff doubling per lockout
 * within a day) without evaluating anything. So N parallel wrong passwords for one account cost
 * at most `limit` hash evaluations, however they interleave. A success releases its reservation
 * (the account counter restarts); a failure keeps it. Unknown accounts are keyed and locked
 * exactly like known ones (the identifier is hashed), so throttling reveals nothing.
 */
const RESERVE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('PTTL', KEYS[1])} end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  local k = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], 86400)
  local secs = math.min(tonumber(ARGV[3]) * (2 ^ (k - 1)), 86400)
  redis.call('SET', KEYS[1], '1', 'EX', secs)
  redis.call('DEL', KEYS[2])
  return {-1, secs * 1000}
end
return {1, n}`;

export type Reservation =
  | { ok: true; release: (succeeded: boolean) => Promise<void> }
  | { ok: false; justLocked: boolean; retryAfterSeconds: number };

export const THROTTLE_WINDOW_SECONDS = 900;
/** Attempts per source address per window, across accounts (credential stuffing). */
export const IP_LIMIT = 100;
/** Codes and links sent per destination, and per source address, per window. */
export const SENDS_PER_DESTINATION = 5;
export const SENDS_PER_IP = 30;
/** First lockout; each further lockout within a day doubles it. */
export const LOCK_BASE_SECONDS = 60;

export class LoginThrottle {
  constructor(private readonly redis: Redis) {}

  private key(kind: string, tenantId: string, subject: string): string {
    return `signet:authn:${kind}:${tenantId}:${sha256Hex(subject.toLowerCase()).slice(0, 32)}`;
  }

  private async reserveKey(scope: string, tenantId: string, subject: string, limit: number): Promise<[number, number]> {
    const keys = [this.key(`${scope}:lock`, tenantId, subject), this.key(`${scope}:n`, tenantId, subject), this.key(`${scope}:lockouts`, tenantId, subject)];
    return (await this.redis.eval(RESERVE, 3, ...keys, limit, THROTTLE_WINDOW_SECONDS, LOCK_BASE_SECONDS)) as [number, number];
  }

  /** Reserves one attempt against an account identifier (per account) and a source address. */
  async reserve(tenantId: string, identifier: string, ip: string | null, limit: number): Promise<Reservation> {
    if (ip) {
      const [ipState, ipValue] = await this.reserveKey('ip', tenantId, ip, IP_LIMIT);
      if (ipState !== 1) return { ok: false, justLocked: false, retryAfterSeconds: Math.ceil(ipValue / 1000) };
    }
    const [state, value] = await this.reserveKey('acct', tenantId, identifier, limit);
    if (state !== 1) {
      if (ip) await this.redis.decr(this.key('ip:n', tenantId, ip));
      return { ok: false, justLocked: state === -1, retryAfterSeconds: Math.ceil(value / 1000) };
    }
    return {
      ok: true,
      release: async (succeeded) => {
        if (!succeeded) return;
        const multi = this.redis.multi().del(this.key('acct:n', tenantId, identifier));
        if (ip) multi.decr(this.key('ip:n', tenantId, ip));
        await multi.exec();
      },
    };
  }

  /**
   * Counts one code or link sent to `destination` (an email address or phone number) and from
   * `ip`; past the limits (per 15 minutes) the answer is the seconds to wait, else null. Keeps
   * mail and SMS from being pumped through sign-in, sign-up and recovery.
   */
  async sendAllowed(tenantId: string, destination: string, ip: string | null): Promise<number | null> {
    const keys = [this.key('send', tenantId, destination), ...(ip ? [this.key('sendip', tenantId, ip)] : [])];
    const multi = this.redis.multi();
    for (const k of keys) multi.incr(k).expire(k, THROTTLE_WINDOW_SECONDS, 'NX').ttl(k);
    const res = (await multi.exec()) ?? [];
    const counts = keys.map((_, i) => Number(res[i * 3]?.[1] ?? 0));
    const ttl = Math.max(1, ...keys.map((_, i) => Number(res[i * 3 + 2]?.[1] ?? THROTTLE_WINDOW_SECONDS)));
    return counts[0]! > SENDS_PER_DESTINATION || (counts[1] ?? 0) > SENDS_PER_IP ? ttl : null;
  }

  /** Whether an identifier is locked right now (shown before any work is done). */
  async locked(tenantId: string, identifier: string): Promise<boolean> {
    return (await this.redis.exists(this.key('acct:lock', tenantId, identifier))) === 1;
  }

  /** Clears an account's counters and lock (after a completed account recovery). */
  async clear(tenantId: string, identifier: string): Promise<void> {
    await this.redis.del(this.key('acct:lock', tenantId, identifier), this.key('acct:n', tenantId, identifier), this.key('acct:lockouts', tenantId, identifier));
  }
}
