import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { TEXT_ARRAY_PARAM } from '../../db/sql.js';
import { hotSql, TENANT_IS, type HotSql } from '../../db/hot-sql.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { AccessRecord, CodeRecord, ConsentStore, GrantSnapshot, GrantStore, RefreshRecord } from '../../protocol/ports.js';
import { uuid } from '../../crypto/random.js';
import { OUTBOX_CHANNEL } from '../../events/outbox.js';
import { AccessTokenRecord, Consent, RefreshToken } from './grant.entity.js';

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

interface CodeRow { family_id: string; client_id: string; redirect_uri: string; code_challenge: string | null; code_challenge_method: string | null; grant: unknown; expires_at: Date }
interface RefreshRow { family_id: string; client_id: string; grant: unknown; created_at: Date; expires_at: Date; absolute_expires_at: Date }

const REFRESH_INSERT = `insert into refresh_token (id, tenant_id, family_id, client_id, "grant", created_at, expires_at, absolute_expires_at, consumed_at, revoked_at)
  values (?, ?, ?, ?, ?::jsonb, now(), ?, ?, null, null)`;
const refreshParams = (tenantId: string, hash: string, r: RefreshRecord) =>
  [hash, tenantId, r.familyId, r.clientId, JSON.stringify(r.grant), date(r.expiresAt), date(r.absoluteExpiresAt)];
const refreshRecord = (row: RefreshRow): RefreshRecord => ({
  familyId: row.family_id, clientId: row.client_id, grant: json<GrantSnapshot>(row.grant), expiresAt: epoch(new Date(row.expires_at)),
  absoluteExpiresAt: epoch(new Date(row.absolute_expires_at)), createdAt: epoch(new Date(row.created_at)),
});
/** The id of the row marking a revoked family in access_token. */
const familyMarker = (familyId: string) => `family:${familyId}`;
const date = (s: number) => new Date(s * 1000);

/**
 * GrantStore. Single use is enforced by conditional UPDATE … WHERE consumed_at IS NULL: among
 * concurrent redemptions exactly one row update succeeds (PostgreSQL row locking), no read-then-
 * write race. Family revocation marks every refresh token and access-token record of the family.
 */
export class GrantRecordStore implements GrantStore, ConsentStore {
  constructor(private readonly orm: MikroORM) {}

  private em(tenantId: string): EntityManager {
    return tenantEm(this.orm, tenantId);
  }

  /** Standalone hot-path statements (prepared, on the ORM's pool); `tenantId` keeps call sites tenant-explicit. */
  private sql(_tenantId: string): HotSql {
    return hotSql(this.orm);
  }

  async saveCode(tenantId: string, codeHash: string, r: CodeRecord): Promise<void> {
    // One INSERT (autocommit), not a unit-of-work flush (BEGIN/INSERT/COMMIT): this is the hot path.
    await this.sql(tenantId).execute(
      `insert into authorization_code (id, tenant_id, family_id, client_id, redirect_uri, code_challenge, code_challenge_method, "grant", created_at, expires_at, consumed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, now(), ?, null)`,
      [codeHash, tenantId, r.familyId, r.clientId, r.redirectUri, r.codeChallenge, r.codeChallengeMethod, JSON.stringify(r.grant), date(r.expiresAt)], 'run',
    );
  }

  async consumeCode(tenantId: string, codeHash: string, clientId: string) {
    const conn = this.sql(tenantId);
    const won = await conn.execute<CodeRow[]>(
      `update authorization_code set consumed_at = now() where id = ? and ${TENANT_IS} and client_id = ? and consumed_at is null
       returning family_id, client_id, redirect_uri, code_challenge, code_challenge_method, "grant", expires_at`,
      [codeHash, tenantId, clientId], 'all',
    );
    const row = won[0];
    if (row) {
      return {
        record: {
          familyId: row.family_id, clientId: row.client_id, redirectUri: row.redirect_uri, codeChallenge: row.code_challenge,
          codeChallengeMethod: row.code_challenge_method, grant: json<GrantSnapshot>(row.grant), expiresAt: epoch(new Date(row.expires_at)),
        },
      };
    }
    const seen = await conn.execute<{ family_id: string; client_id: string }[]>(`select family_id, client_id from authorization_code where id = ? and ${TENANT_IS}`, [codeHash, tenantId], 'all');
    if (!seen[0]) return undefined;
    if (seen[0].client_id !== clientId) return { otherClient: true as const };
    return { reused: true as const, familyId: seen[0].family_id };
  }

  async saveRefresh(tenantId: string, tokenHash: string, r: RefreshRecord): Promise<void> {
    await this.sql(tenantId).execute(REFRESH_INSERT, refreshParams(tenantId, tokenHash, r), 'run');
  }

  async consumeRefresh(tenantId: string, tokenHash: string) {
    const conn = this.sql(tenantId);
    const won = await conn.execute<RefreshRow[]>(
      `update refresh_token set consumed_at = now() where id = ? and ${TENANT_IS} and consumed_at is null and revoked_at is null
       returning family_id, client_id, "grant", created_at, expires_at, absolute_expires_at`,
      [tokenHash, tenantId], 'all',
    );
    if (won[0]) return { record: refreshRecord(won[0]) };
    const seen = await conn.execute<{ family_id: string; client_id: string; grant: unknown; consumed_at: Date | null; revoked_at: Date | null }[]>(
      `select family_id, client_id, "grant", consumed_at, revoked_at from refresh_token where id = ? and ${TENANT_IS}`, [tokenHash, tenantId], 'all',
    );
    const row = seen[0];
    if (!row) return undefined;
    if (row.revoked_at && !row.consumed_at) return { revoked: true as const };
    return { reused: true as const, familyId: row.family_id, clientId: row.client_id, subject: json<GrantSnapshot>(row.grant).subject };
  }

  /**
   * Everything one token response creates — the access-token record, the rotated refresh token,
   * the Token.Issued audit row and the outbox notification — in ONE statement (data-modifying
   * CTEs are atomic): one round trip instead of three transactions.
   */
  async saveIssued(tenantId: string, input: Parameters<GrantStore['saveIssued']>[1]): Promise<void> {
    const params: unknown[] = [];
    const ctes: string[] = [];
    const a = input.access.record;
    ctes.push(`a as (insert into access_token (id, tenant_id, family_id, format, client_id, subject, scopes, audience, claims, issued_at, expires_at, revoked_at)
      values (?, ?, ?, ?, ?, ?, ${TEXT_ARRAY_PARAM}, ?, ?::jsonb, ?, ?, null))`);
    params.push(input.access.id, tenantId, a.familyId, a.format, a.clientId, a.subject, JSON.stringify(a.scopes), a.audience,
      a.claims === null ? null : JSON.stringify(a.claims), date(a.issuedAt), date(a.expiresAt));
    if (input.refresh) {
      ctes.push(`r as (${REFRESH_INSERT})`);
      params.push(...refreshParams(tenantId, input.refresh.hash, input.refresh.record));
    }
    const e = input.event;
    ctes.push(`e as (insert into audit_event (id, tenant_id, type, actor_kind, actor_id, actor_client_id, target_type, target_id, request_id, payload, occurred_at, relayed_at)
      values (?, ?, ?, 'client', ?, ?, 'User', ?, ?, ?::jsonb, now(), null))`);
    params.push(uuid(), tenantId, e.type, e.clientId, e.clientId, e.subject, e.requestId ?? null, JSON.stringify({ clientId: e.clientId, ...e.payload }));
    await this.sql(tenantId).execute(`with ${ctes.join(', ')} select pg_notify('${OUTBOX_CHANNEL}', '')`, params, 'all');
  }

  async findRefresh(tenantId: string, tokenHash: string) {
    const row = await this.em(tenantId).findOne(RefreshToken, { id: tokenHash, tenant: tenantId });
    return row ? {
      familyId: row.familyId, clientId: row.clientId, grant: row.grant, expiresAt: epoch(row.expiresAt),
      absoluteExpiresAt: epoch(row.absoluteExpiresAt), createdAt: epoch(row.createdAt), active: !row.consumedAt && !row.revokedAt,
    } : undefined;
  }

  async saveAccess(tenantId: string, id: string, r: Omit<AccessRecord, 'revoked'>): Promise<void> {
    await this.sql(tenantId).execute(
      `insert into access_token (id, tenant_id, family_id, format, client_id, subject, scopes, audience, claims, issued_at, expires_at, revoked_at)
       values (?, ?, ?, ?, ?, ?, ${TEXT_ARRAY_PARAM}, ?, ?::jsonb, ?, ?, null)`,
      [id, tenantId, r.familyId, r.format, r.clientId, r.subject, JSON.stringify(r.scopes), r.audience, r.claims === null ? null : JSON.stringify(r.claims), date(r.issuedAt), date(r.expiresAt)], 'run',
    );
  }

  async findAccess(tenantId: string, id: string): Promise<AccessRecord | undefined> {
    if (id.length > 64) return undefined;
    const row = await this.em(tenantId).findOne(AccessTokenRecord, { id, tenant: tenantId });
    return row ? {
      familyId: row.familyId ?? null, format: row.format as 'jwt' | 'opaque', clientId: row.clientId, subject: row.subject, scopes: row.scopes,
      audience: row.audience, claims: row.claims ?? null, issuedAt: epoch(row.issuedAt), expiresAt: epoch(row.expiresAt), revoked: Boolean(row.revokedAt),
    } : undefined;
  }

  async familyRevoked(tenantId: string, familyId: string): Promise<boolean> {
    return (await this.em(tenantId).count(AccessTokenRecord, { id: familyMarker(familyId), tenant: tenantId })) > 0;
  }

  async revokeFamily(tenantId: string, familyId: string): Promise<void> {
    const em = this.em(tenantId);
    const now = new Date();
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(RefreshToken, { tenant: tenantId, familyId, revokedAt: null }, { revokedAt: now });
      await tx.nativeUpdate(AccessTokenRecord, { tenant: tenantId, familyId, revokedAt: null }, { revokedAt: now });
      // A marker row, so a family without refresh tokens is known revoked too (codes reused
      // before any refresh token existed).
      await tx.getConnection().execute(
        `insert into access_token (id, tenant_id, family_id, format, client_id, subject, scopes, audience, issued_at, expires_at, revoked_at)
         values (?, ?, ?, 'family', '', '', '{}', '', ?, ?, ?) on conflict (id) do nothing`,
        [familyMarker(familyId), tenantId, familyId, now, new Date(now.getTime() + 90 * 86_400_000), now], 'run', tx.getTransactionContext(),
      );
    });
  }

  async revokeAccess(tenantId: string, id: string, r: Omit<AccessRecord, 'revoked'>): Promise<void> {
    const em = this.em(tenantId);
    const updated = await em.nativeUpdate(AccessTokenRecord, { id, tenant: tenantId }, { revokedAt: new Date() });
    if (updated) return;
    em.create(AccessTokenRecord, {
      id, tenant: tenantId, familyId: r.familyId, format: r.format, clientId: r.clientId, subject: r.subject, scopes: r.scopes,
      audience: r.audience, claims: null, issuedAt: date(r.issuedAt), expiresAt: date(r.expiresAt), revokedAt: new Date(),
    });
    await em.flush();
  }

  async rememberAssertion(tenantId: string, key: string, expiresAt: number): Promise<boolean> {
    const res = await this.sql(tenantId).execute<{ affectedRows?: number }>(
      `insert into used_client_assertion (id, tenant_id, expires_at) values (?, ?, ?) on conflict (id) do nothing`,
      [key, tenantId, date(expiresAt)], 'run',
    );
    return ((res as { affectedRows?: number }).affectedRows ?? 0) === 1;
  }

  async findRemembered(tenantId: string, subject: string, clientId: string) {
    const c = await this.em(tenantId).findOne(Consent, {
      tenant: tenantId, subject, clientId, revokedAt: null, rememberUntil: { $gt: new Date() },
    });
    return c ? { id: c.id, scopes: c.scopes, audiences: c.audiences } : undefined;
  }
}
