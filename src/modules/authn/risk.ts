import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import type { SqlFragment } from '../../db/sql.js';
import { secondFactorKindsSql } from './factors.service.js';

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

/** What a sign-in decision needs about the user, read in the same statement as something else. */
export interface SignInFacts {
  deviceNetwork: string | null;
  deviceKnown: boolean;
  anyDevice: boolean;
  /** Second-factor kinds the user can answer (FactorService.secondFactorMethods' values). */
  factorKinds: string[];
}

/**
 * Select-list columns giving SignInFacts for the user row aliased `u`; params: the device hash
 * twice. The device is looked up by its hash (unique per user: a user's devices are never
 * capped, so no scan of "the first N").
 */
export function signInFactsColumns(deviceHash: string | null): SqlFragment {
  return {
    sql: `(select k.network from known_device k where k.tenant_id = u.tenant_id and k.user_id = u.id and k.device_hash = ?) as facts_device_network,
      exists (select 1 from known_device k where k.tenant_id = u.tenant_id and k.user_id = u.id and k.device_hash = ?) as facts_device_known,
      exists (select 1 from known_device k where k.tenant_id = u.tenant_id and k.user_id = u.id) as facts_any_device,
      array(${secondFactorKindsSql('u.tenant_id', 'u.id')}) as facts_factor_kinds`,
    params: [deviceHash ?? '', deviceHash ?? ''],
  };
}

export function signInFactsFrom(row: Record<string, unknown>): SignInFacts {
  return {
    deviceNetwork: (row.facts_device_network as string | null) ?? null, deviceKnown: row.facts_device_known === true, anyDevice: row.facts_any_device === true,
    factorKinds: ((row.facts_factor_kinds as string[] | null) ?? []).map((k) => (k === 'recovery_codes' ? 'recovery_code' : k)),
  };
}

export async function loadSignInFacts(em: EntityManager, tenantId: string, userId: string, deviceHash: string | null): Promise<SignInFacts> {
  const cols = signInFactsColumns(deviceHash);
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(`select ${cols.sql} from app_user u where u.tenant_id = ? and u.id = ?`,
    [...cols.params, tenantId, userId], 'all', em.getTransactionContext());
  return signInFactsFrom(rows[0] ?? {});
}

/** Adaptive MFA signals: `new_device`, or `new_network` for a known device seen from another network. */
export function riskSignals(facts: SignInFacts, ip: string | null): string[] {
  if (!facts.deviceKnown) return facts.anyDevice ? ['new_device'] : [];
  const network = networkOf(ip);
  return network && facts.deviceNetwork && facts.deviceNetwork !== network ? ['new_network'] : [];
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
