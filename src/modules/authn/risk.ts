import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { KnownDevice } from './authn.entity.js';

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

export async function assessRisk(em: EntityManager, tenantId: string, userId: string, deviceHash: string | null, ip: string | null): Promise<{ signals: string[] }> {
  // Look the device up by its hash (unique per user): a user's devices are never capped, and
  // scanning "the first 200" both grows with them and misses a known one beyond them.
  const known = deviceHash ? await em.findOne(KnownDevice, { tenant: tenantId, user: userId, deviceHash }) : null;
  if (!known) {
    const any = await em.findOne(KnownDevice, { tenant: tenantId, user: userId }, { fields: ['id'] });
    return { signals: any ? ['new_device'] : [] };
  }
  const network = networkOf(ip);
  return { signals: network && known.network && known.network !== network ? ['new_network'] : [] };
}

export async function rememberDevice(em: EntityManager, tenantId: string, userId: string, deviceHash: string, ip: string | null, userAgent: string | null): Promise<void> {
  await em.getConnection().execute(
    `insert into known_device (id, tenant_id, user_id, device_hash, network, user_agent, created_at, last_seen_at) values (?, ?, ?, ?, ?, ?, now(), now())
     on conflict (user_id, device_hash) do update set network = excluded.network, user_agent = excluded.user_agent, last_seen_at = now()`,
    [uuid(), tenantId, userId, deviceHash, networkOf(ip), userAgent?.slice(0, 300) ?? null], 'run', em.getTransactionContext());
}
