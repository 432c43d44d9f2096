import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { tenantEm } from '../../db/tenant-em.js';
import type { AccessRecord, CodeRecord, ConsentStore, GrantStore, RefreshRecord } from '../../protocol/ports.js';
import { AccessTokenRecord, AuthorizationCode, Consent, RefreshToken } from './grant.entity.js';

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
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

  async saveCode(tenantId: string, codeHash: string, r: CodeRecord): Promise<void> {
    const em = this.em(tenantId);
    em.create(AuthorizationCode, {
      id: codeHash, tenant: tenantId, familyId: r.familyId, clientId: r.clientId, redirectUri: r.redirectUri,
      codeChallenge: r.codeChallenge, codeChallengeMethod: r.codeChallengeMethod, grant: r.grant, expiresAt: date(r.expiresAt), consumedAt: null,
    });
    await em.flush();
  }

  async consumeCode(tenantId: string, codeHash: string) {
    const em = this.em(tenantId);
    const won = await em.nativeUpdate(AuthorizationCode, { id: codeHash, tenant: tenantId, consumedAt: null }, { consumedAt: new Date() });
    const row = await em.findOne(AuthorizationCode, { id: codeHash, tenant: tenantId });
    if (!row) return undefined;
    if (won !== 1) return { reused: true as const, familyId: row.familyId };
    return {
      record: {
        familyId: row.familyId, clientId: row.clientId, redirectUri: row.redirectUri, codeChallenge: row.codeChallenge ?? null,
        codeChallengeMethod: row.codeChallengeMethod ?? null, grant: row.grant, expiresAt: epoch(row.expiresAt),
      },
    };
  }

  async saveRefresh(tenantId: string, tokenHash: string, r: RefreshRecord): Promise<void> {
    const em = this.em(tenantId);
    em.create(RefreshToken, {
      id: tokenHash, tenant: tenantId, familyId: r.familyId, clientId: r.clientId, grant: r.grant,
      expiresAt: date(r.expiresAt), absoluteExpiresAt: date(r.absoluteExpiresAt), consumedAt: null, revokedAt: null,
    });
    await em.flush();
  }

  async consumeRefresh(tenantId: string, tokenHash: string) {
    const em = this.em(tenantId);
    const won = await em.nativeUpdate(RefreshToken, { id: tokenHash, tenant: tenantId, consumedAt: null, revokedAt: null }, { consumedAt: new Date() });
    const row = await em.findOne(RefreshToken, { id: tokenHash, tenant: tenantId });
    if (!row) return undefined;
    if (won !== 1) {
      if (row.revokedAt && !row.consumedAt) return { revoked: true as const };
      return { reused: true as const, familyId: row.familyId, clientId: row.clientId, subject: row.grant.subject };
    }
    return { record: this.refreshRecord(row) };
  }

  private refreshRecord(row: RefreshToken): RefreshRecord {
    return {
      familyId: row.familyId, clientId: row.clientId, grant: row.grant, expiresAt: epoch(row.expiresAt),
      absoluteExpiresAt: epoch(row.absoluteExpiresAt), createdAt: epoch(row.createdAt),
    };
  }

  async findRefresh(tenantId: string, tokenHash: string) {
    const row = await this.em(tenantId).findOne(RefreshToken, { id: tokenHash, tenant: tenantId });
    return row ? { ...this.refreshRecord(row), active: !row.consumedAt && !row.revokedAt } : undefined;
  }

  async saveAccess(tenantId: string, id: string, r: Omit<AccessRecord, 'revoked'>): Promise<void> {
    const em = this.em(tenantId);
    em.create(AccessTokenRecord, {
      id, tenant: tenantId, familyId: r.familyId, format: r.format, clientId: r.clientId, subject: r.subject, scopes: r.scopes,
      audience: r.audience, claims: r.claims, issuedAt: date(r.issuedAt), expiresAt: date(r.expiresAt), revokedAt: null,
    });
    await em.flush();
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
    const res = await this.em(tenantId).getConnection().execute<{ affectedRows?: number }>(
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
