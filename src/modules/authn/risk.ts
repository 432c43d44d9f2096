import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import type { SqlFragment } from '../../db/sql.js';
import { SECOND_FACTOR_KINDS_SQL } from './factors.service.js';

/**
 * Adaptive MFA signals: `new_device` (this browser's device cookie never completed a sign-in
 * for the user) and `new_network` (a known device, but from another /24 (IPv4) or /48 (IPv6)).
 * A user's very first sign-in has nothing to compare with and raises nothing.
 */
export function networkOf(ip: string | null): string | null {
  if (!ip) return null;
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}::/48`;
  return ip;
}

/**
 * The risk signals of a sign-in, and (in the same statement, to keep the hot path to one round
 * trip) the kinds of second factor the user can answer: what FactorService.secondFactorMethods
 * returns.
 */
export async function assessRisk(em: EntityManager, tenantId: string, userId: string, deviceHash: string | null, ip: string | null): Promise<{ signals: string[]; factorKinds: string[] }> {
  // The device is looked up by its hash (unique per user; a user's devices are never capped, so
  // no scan of "the first N"), plus whether the user has any remembered device at all.
  const rows = await em.getConnection().execute<{ network: string | null; known: boolean; has_any: boolean; kinds: string[] | null }[]>(
    `select (select network from known_device where tenant_id = ? and user_id = ? and device_hash = ?) as network,
            exists (select 1 from known_device where tenant_id = ? and user_id = ? and device_hash = ?) as known,
            exists (select 1 from known_device where tenant_id = ? and user_id = ?) as has_any,
            array(${SECOND_FACTOR_KINDS_SQL}) as kinds`,
    [tenantId, userId, deviceHash ?? '', tenantId, userId, deviceHash ?? '', tenantId, userId, tenantId, userId], 'all', em.getTransactionContext());
  const row = rows[0];
  const factorKinds = (row?.kinds ?? []).map((k) => (k === 'recovery_codes' ? 'recovery_code' : k));
  if (!row?.known) return { signals: row?.has_any ? ['new_device'] : [], factorKinds };
  const network = networkOf(ip);
  return { signals: network && row.network && row.network !== network ? ['new_network'] : [], factorKinds };
}

/** Remembers this browser and network for the user (a CTE member of the sign-in statement). */
export function rememberDeviceSql(tenantId: string, userId: string, deviceHash: string, ip: string | null, userAgent: string | null): SqlFragment {
  return {
    sql: `insert into known_device (id, tenant_id, user_id, device_hash, network, user_agent, created_at, last_seen_at) values (?, ?, ?, ?, ?, ?, now(), now())
     on conflict (user_id, device_hash) do update set network = excluded.network, user_agent = excluded.user_agent, last_seen_at = now()`,
    params: [uuid(), tenantId, userId, deviceHash, networkOf(ip), userAgent?.slice(0, 300) ?? null],
  };
}

export async function rememberDevice(em: EntityManager, tenantId: string, userId: string, deviceHash: string, ip: string | null, userAgent: string | null): Promise<void> {
  const f = rememberDeviceSql(tenantId, userId, deviceHash, ip, userAgent);
  await em.getConnection().execute(f.sql, f.params, 'run', em.getTransactionContext());
}
