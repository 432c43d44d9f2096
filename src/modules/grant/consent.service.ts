import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../shared/request-context.js';
import { Consent } from './grant.entity.js';

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** What the revocation statements share: the transaction, one timestamp, and the subject and client conditions with their parameters. */
function statementParts(tx: EntityManager, subjects: readonly string[], clientId: string | null) {
  return {
    conn: tx.getConnection(), trx: tx.getTransactionContext(), now: new Date(), subj: placeholders(subjects.length),
    client: clientId == null ? '' : ' and client_id = ?', cp: clientId == null ? [] : [clientId],
  };
}

/** Consents for the graph, and their revocation together with every token family they produced. */
export class ConsentService {
  /** Active (not revoked) consents of each subject, in one statement. */
  async consentsOf(ctx: RequestContext, subjects: readonly string[]): Promise<Map<string, Consent[]>> {
    const out = new Map<string, Consent[]>(subjects.map((s) => [s, []]));
    if (!subjects.length) return out;
    const rows = await ctx.em.find(Consent, { subject: { $in: [...subjects] }, revokedAt: null }, { orderBy: { createdAt: 'DESC', id: 'DESC' } });
    for (const c of rows) out.get(c.subject)?.push(c);
    return out;
  }

  /**
   * Revokes the subjects' consents to the client (to every client when `clientId` is null) and,
   * through revokeTokens, every token family of those subjects and client. Runs in `tx`'s
   * transaction. Returns the revoked consents and the number of families revoked.
   */
  async revokeWithTokens(tx: EntityManager, tenantId: string, subjects: readonly string[], clientId: string | null): Promise<{ consents: Array<{ subject: string; clientId: string; scopes: string[] }>; families: number }> {
    if (!subjects.length) return { consents: [], families: 0 };
    const { conn, trx, now, subj, client, cp } = statementParts(tx, subjects, clientId);
    const consents = await conn.execute<Array<{ subject: string; client_id: string; scopes: string[] }>>(
      `update consent set revoked_at = ?, updated_at = ? where tenant_id = ? and subject in (${subj})${client} and revoked_at is null returning subject, client_id, scopes`,
      [now, now, tenantId, ...subjects, ...cp], 'all', trx,
    );
    const families = await this.revokeTokens(tx, tenantId, subjects, clientId);
    return {
      consents: consents.map((c) => ({ subject: c.subject, clientId: c.client_id, scopes: c.scopes })),
      families,
    };
  }

  /**
   * Revokes every token family of the subjects (of one client, or all when `clientId` is null)
   * and leaves their consents: refresh tokens and access-token records are marked revoked, and
   * each family gets a revocation marker (so codes not yet redeemed and JWTs of the family are
   * refused too). Runs in `tx`'s transaction; returns the number of families revoked.
   */
  async revokeTokens(tx: EntityManager, tenantId: string, subjects: readonly string[], clientId: string | null): Promise<number> {
    if (!subjects.length) return 0;
    const { conn, trx, now, subj, client, cp } = statementParts(tx, subjects, clientId);
    const markers = await conn.execute<{ affectedRows?: number }>(
      `insert into access_token (id, tenant_id, family_id, format, client_id, subject, scopes, audience, issued_at, expires_at, revoked_at)
       select 'family:' || f.family_id, ?, f.family_id, 'family', '', '', '{}', '', ?, ?, ? from (
         select family_id from refresh_token where tenant_id = ? and "grant"->>'subject' in (${subj})${client}
         union select family_id from authorization_code where tenant_id = ? and "grant"->>'subject' in (${subj})${client}
         union select family_id from access_token where tenant_id = ? and subject in (${subj})${client} and family_id is not null and format <> 'family'
       ) f on conflict (id) do nothing`,
      [tenantId, now, new Date(now.getTime() + 90 * 86_400_000), now,
        tenantId, ...subjects, ...cp, tenantId, ...subjects, ...cp, tenantId, ...subjects, ...cp], 'run', trx,
    );
    await conn.execute(`update refresh_token set revoked_at = ? where tenant_id = ? and "grant"->>'subject' in (${subj})${client} and revoked_at is null`,
      [now, tenantId, ...subjects, ...cp], 'run', trx);
    await conn.execute(`update access_token set revoked_at = ? where tenant_id = ? and subject in (${subj})${client} and format <> 'family' and revoked_at is null`,
      [now, tenantId, ...subjects, ...cp], 'run', trx);
    return (markers as { affectedRows?: number }).affectedRows ?? 0;
  }
}
