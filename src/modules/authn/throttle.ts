import type { Redis } from 'ioredis';
import { sha256Hex } from '../../crypto/secrets.js';

/**
 * Brute-force protection with atomic Redis counters (DESIGN: rate-limit counters live in Redis).
 *
 * An attempt is *reserved* before the password is evaluated (one Lua script): refused while the
 * key is locked, or while failures in the window plus attempts in flight already reach the
 * limit ("busy": 429, retry in a second, no lockout). So N parallel wrong passwords for one
 * account cost at most `limit` hash evaluations, however they interleave. Its *release* (a second
 * script) ends the in-flight count; a failure is counted and the limit-th failure locks the key
 * with a backoff that doubles per lockout within a day (1 minute first); a success clears the
 * account's failures (not the source address's: one valid account must not launder an address).
 * Correct logins never lock an account, however many run at once. Unknown accounts are keyed and
 * locked exactly like known ones (the identifier is hashed), so throttling reveals nothing.
 */
// KEYS: lock, fails, inflight of the account, then (optionally) of the source address.
// ARGV: account limit, address limit.
const RESERVE = `
local n = #KEYS / 3
for g = 0, n - 1 do
  if redis.call('EXISTS', KEYS[g * 3 + 1]) == 1 then return {0, redis.call('PTTL', KEYS[g * 3 + 1])} end
end
for g = 0, n - 1 do
  local f = tonumber(redis.call('GET', KEYS[g * 3 + 2]) or '0')
  local i = tonumber(redis.call('GET', KEYS[g * 3 + 3]) or '0')
  if f + i >= tonumber(ARGV[g + 1]) then return {2, 1000} end
end
for g = 0, n - 1 do
  redis.call('INCR', KEYS[g * 3 + 3])
  redis.call('EXPIRE', KEYS[g * 3 + 3], 120)
end
return {1, 0}`;

// KEYS: lock, fails, inflight, lockouts of the account, then (optionally) of the source address.
// ARGV: verdict ('1' success, '0' failure, '2' none), window, lock base, account limit, address limit.
// The account's failures are cleared by a success; the address's are not.
const RELEASE = `
local result = {1, 0}
for g = 0, (#KEYS / 4) - 1 do
  local lock, fails, inflight, lockouts = KEYS[g * 4 + 1], KEYS[g * 4 + 2], KEYS[g * 4 + 3], KEYS[g * 4 + 4]
  if redis.call('DECR', inflight) <= 0 then redis.call('DEL', inflight) end
  if ARGV[1] == '1' and g == 0 then redis.call('DEL', fails) end
  if ARGV[1] == '0' then
    local f = redis.call('INCR', fails)
    if f == 1 then redis.call('EXPIRE', fails, ARGV[2]) end
    if f >= tonumber(ARGV[g + 4]) then
      local k = redis.call('INCR', lockouts)
      redis.call('EXPIRE', lockouts, 86400)
      local secs = math.min(tonumber(ARGV[3]) * (2 ^ (k - 1)), 86400)
      redis.call('SET', lock, '1', 'EX', secs)
      redis.call('DEL', fails)
      if g == 0 then result = {-1, secs * 1000} end
    end
  end
end
return result`;

/** After a release: whether this failure locked the account, and for how long. */
export interface Released {
  justLocked: boolean;
  lockedForSeconds: number;
}

export type Reservation =
  /** release(true): a success; release(false): a failure (counted); release(null): no verdict (an error), not counted. */
  | { ok: true; release: (succeeded: boolean | null) => Promise<Released> }
  | { ok: false; locked: boolean; retryAfterSeconds: number };

export const THROTTLE_WINDOW_SECONDS = 900;
/** Attempts per source address per window, across accounts (credential stuffing). */
export const IP_LIMIT = 100;
/** Codes and links sent per destination, and per source address, per window. */
export const SENDS_PER_DESTINATION = 5;
export const SENDS_PER_IP = 30;
/** First lockout; each further lockout within a day doubles it. */
export const LOCK_BASE_SECONDS = 60;

type Scripted = Redis & {
  signetThrottleReserve(numKeys: number, ...args: Array<string | number>): Promise<[number, number]>;
  signetThrottleRelease(numKeys: number, ...args: Array<string | number>): Promise<[number, number]>;
};

export class LoginThrottle {
  private readonly redis: Scripted;

  constructor(redis: Redis) {
    // Sent by SHA (EVALSHA) after the first call: the scripts' text is not resent on every sign-in.
    redis.defineCommand('signetThrottleReserve', { lua: RESERVE });
    redis.defineCommand('signetThrottleRelease', { lua: RELEASE });
    this.redis = redis as Scripted;
  }

  /** The Redis key of one counter: the subject only as its hash (`sendId`), never the address itself. */
  private key(kind: string, tenantId: string, id: string): string {
    return `signet:authn:${kind}:${tenantId}:${id}`;
  }

  private keys(scope: string, tenantId: string, subject: string): string[] {
    const id = this.sendId(subject);
    return ['lock', 'fails', 'inflight', 'lockouts'].map((k) => this.key(`${scope}:${k}`, tenantId, id));
  }

  /** Reserves one attempt against an account identifier and a source address (one round trip). */
  async reserve(tenantId: string, identifier: string, ip: string | null, limit: number): Promise<Reservation> {
    const acct = this.keys('acct', tenantId, identifier);
    const addr = ip ? this.keys('ip', tenantId, ip) : null;
    const reserveKeys = [acct[0]!, acct[1]!, acct[2]!, ...(addr ? [addr[0]!, addr[1]!, addr[2]!] : [])];
    const [state, value] = await this.redis.signetThrottleReserve(reserveKeys.length, ...reserveKeys, limit, IP_LIMIT);
    if (state !== 1) return { ok: false, locked: state === 0, retryAfterSeconds: Math.ceil(value / 1000) };
    const releaseKeys = [...acct, ...(addr ?? [])];
    return {
      ok: true,
      release: async (succeeded) => {
        const verdict = succeeded === null ? '2' : succeeded ? '1' : '0';
        const [st, v] = await this.redis.signetThrottleRelease(releaseKeys.length, ...releaseKeys, verdict, THROTTLE_WINDOW_SECONDS, LOCK_BASE_SECONDS, limit, IP_LIMIT);
        return { justLocked: st === -1, lockedForSeconds: st === -1 ? Math.ceil(v / 1000) : 0 };
      },
    };
  }

  /**
   * Counts one code or link sent to `destination` (an email address or phone number) and from
   * `ip`; past the limits (per 15 minutes) the answer is the seconds to wait, else null. Keeps
   * mail and SMS from being pumped through sign-in, sign-up and recovery.
   */
  async sendAllowed(tenantId: string, destination: string, ip: string | null): Promise<number | null> {
    return this.sendAllowedById(tenantId, this.sendId(destination), ip);
  }

  /**
   * The id an identifier, address or destination is counted under (the same hash for every
   * counter; a pending code keeps its destination's, so a resend counts alike).
   */
  sendId(destination: string): string {
    return sha256Hex(destination.toLowerCase()).slice(0, 32);
  }

  /** `sendAllowed` for a destination known by its `sendId`. */
  async sendAllowedById(tenantId: string, sendId: string, ip: string | null): Promise<number | null> {
    const keys = [this.key('send', tenantId, sendId), ...(ip ? [this.key('sendip', tenantId, this.sendId(ip))] : [])];
    const multi = this.redis.multi();
    for (const k of keys) multi.incr(k).expire(k, THROTTLE_WINDOW_SECONDS, 'NX').ttl(k);
    const res = (await multi.exec()) ?? [];
    const counts = keys.map((_, i) => Number(res[i * 3]?.[1] ?? 0));
    const ttl = Math.max(1, ...keys.map((_, i) => Number(res[i * 3 + 2]?.[1] ?? THROTTLE_WINDOW_SECONDS)));
    return counts[0]! > SENDS_PER_DESTINATION || (counts[1] ?? 0) > SENDS_PER_IP ? ttl : null;
  }

  /** Clears an account's counters and lock (after a completed account recovery). */
  async clear(tenantId: string, identifier: string): Promise<void> {
    const [lock, fails, , lockouts] = this.keys('acct', tenantId, identifier);
    await this.redis.del(lock!, fails!, lockouts!);
  }
}
