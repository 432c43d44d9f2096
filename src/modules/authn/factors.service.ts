import type { EntityManager } from '@mikro-orm/postgresql';
import QRCode from 'qrcode';
import { open, seal } from '../../crypto/aead.js';
import { hmacBase64url } from '../../crypto/hashes.js';
import { uuid } from '../../crypto/random.js';
import { base32Encode, newTotpSecret, otpauthUri, recoveryCode, verifyTotp } from '../../crypto/totp.js';
import { recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { Actor } from '../../shared/request-context.js';
import { Authenticator, RecoveryCode, type AuthenticatorKind } from './authn.entity.js';
import { AuthnError, AuthnErrorCode } from './authn.errors.js';

export const RECOVERY_CODE_COUNT = 10;

/**
 * The kinds of confirmed factor a user can answer with (recovery codes only while one is unused),
 * for a tenant and user given as SQL expressions (`?` placeholders or columns of an outer query).
 */
export function secondFactorKindsSql(tenant: string, user: string): string {
  return `select distinct a.kind from authenticator a where a.tenant_id = ${tenant} and a.user_id = ${user} and a.confirmed_at is not null
  and (a.kind <> 'recovery_codes' or exists (select 1 from recovery_code r where r.authenticator_id = a.id and r.used_at is null))`;
}

const SECOND_FACTOR_KINDS_SQL = secondFactorKindsSql('?', '?');

/** An enrolled factor as pages and the graph show it (never a secret). */
export interface FactorView {
  id: string;
  kind: AuthenticatorKind;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** Recovery codes: how many are still unused. */
  remaining?: number;
}

export interface TotpEnrolment {
  authenticatorId: string;
  /** Base32 secret for manual entry. */
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as an SVG QR code. */
  qrSvg: string;
}

const notFound = () => new AuthnError(AuthnErrorCode.NOT_FOUND, 'authenticator not found', ['authenticatorId']);

/**
 * Second factors of a user: TOTP apps (RFC 6238), recovery codes and, in passkeys.service.ts,
 * WebAuthn credentials. Secrets are sealed under the master key (TOTP) or kept as HMACs
 * (recovery codes); every "use once" rule is a conditional UPDATE, so parallel answers cannot
 * both pass.
 */
export class FactorService {
  constructor(private readonly deps: { masterKey: Buffer }) {}

  private aad(tenantId: string, id: string): string {
    return `authenticator:${tenantId}:${id}`;
  }

  private recoveryHash(userId: string, code: string): string {
    return Buffer.from(hmacBase64url(this.deps.masterKey, `signet:recovery-code:${userId}:${code.trim().toLowerCase().replace(/\s+/g, '')}`), 'base64url').toString('hex');
  }

  async list(em: EntityManager, tenantId: string, userId: string): Promise<FactorView[]> {
    const rows = await em.find(Authenticator, { tenant: tenantId, user: userId, confirmedAt: { $ne: null } }, { orderBy: { createdAt: 'ASC', id: 'ASC' } });
    const remaining = rows.some((r) => r.kind === 'recovery_codes')
      ? await em.count(RecoveryCode, { tenant: tenantId, user: userId, usedAt: null })
      : 0;
    return rows.map((r) => ({
      id: r.id, kind: r.kind, name: r.name, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt ?? null,
      ...(r.kind === 'recovery_codes' ? { remaining } : {}),
    }));
  }

  /** Confirmed factors of many users in two statements (GraphQL User.authenticators). */
  async listMany(em: EntityManager, tenantId: string, userIds: readonly string[]): Promise<Map<string, FactorView[]>> {
    const out = new Map<string, FactorView[]>(userIds.map((id) => [id, []]));
    if (!userIds.length) return out;
    const rows = await em.find(Authenticator, { tenant: tenantId, user: { $in: [...userIds] }, confirmedAt: { $ne: null } }, { orderBy: { createdAt: 'ASC', id: 'ASC' } });
    const counts = rows.some((r) => r.kind === 'recovery_codes')
      ? await em.getConnection().execute<{ user_id: string; n: string }[]>(
        'select user_id, count(*) as n from recovery_code where tenant_id = ? and user_id = any(?::uuid[]) and used_at is null group by user_id',
        [tenantId, `{${userIds.join(',')}}`], 'all', em.getTransactionContext())
      : [];
    const remaining = new Map(counts.map((c) => [c.user_id, Number(c.n)]));
    for (const r of rows) {
      out.get(r.user)?.push({
        id: r.id, kind: r.kind, name: r.name, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt ?? null,
        ...(r.kind === 'recovery_codes' ? { remaining: remaining.get(r.user) ?? 0 } : {}),
      });
    }
    return out;
  }

  /** The second-factor methods a user can answer now (before the tenant's allow-list is applied). */
  async secondFactorMethods(em: EntityManager, tenantId: string, userId: string): Promise<string[]> {
    const rows = await em.getConnection().execute<{ kind: AuthenticatorKind }[]>(SECOND_FACTOR_KINDS_SQL, [tenantId, userId], 'all', em.getTransactionContext());
    return rows.map((r) => (r.kind === 'recovery_codes' ? 'recovery_code' : r.kind));
  }

  /** Starts a TOTP enrolment: a new secret, its otpauth URI and QR code. Earlier unconfirmed ones are dropped. */
  async beginTotp(em: EntityManager, tenantId: string, userId: string, label: { issuer: string; account: string }): Promise<TotpEnrolment> {
    const secret = newTotpSecret();
    const id = uuid();
    await em.nativeDelete(Authenticator, { tenant: tenantId, user: userId, kind: 'totp', confirmedAt: null });
    em.create(Authenticator, {
      id, tenant: tenantId, user: userId, kind: 'totp', name: 'Authenticator app',
      secretSealed: seal(this.deps.masterKey, secret, this.aad(tenantId, id)),
    });
    await em.flush();
    const uri = otpauthUri(secret, label.issuer, label.account);
    return { authenticatorId: id, secret: base32Encode(secret), otpauthUri: uri, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) };
  }

  /** An enrolment started earlier and not yet proven (to show the same QR code again after a typo). */
  async pendingTotp(em: EntityManager, tenantId: string, userId: string, authenticatorId: string, label: { issuer: string; account: string }): Promise<TotpEnrolment | null> {
    const row = await em.findOne(Authenticator, { id: authenticatorId, tenant: tenantId, user: userId, kind: 'totp', confirmedAt: null }, { populate: ['secretSealed'] as never });
    if (!row?.secretSealed) return null;
    const secret = open(this.deps.masterKey, row.secretSealed, this.aad(tenantId, row.id));
    const uri = otpauthUri(secret, label.issuer, label.account);
    return { authenticatorId: row.id, secret: base32Encode(secret), otpauthUri: uri, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) };
  }

  /**
   * Proves an enrolment with a first code. Returns fresh recovery codes when the user had none
   * (shown once). Emits Mfa.Factor.Enrolled.
   */
  async confirmTotp(em: EntityManager, tenantId: string, userId: string, authenticatorId: string, code: string, actor: Actor, requestId?: string): Promise<{ recoveryCodes: string[] | null }> {
    const row = await em.findOne(Authenticator, { id: authenticatorId, tenant: tenantId, user: userId, kind: 'totp' }, { populate: ['secretSealed'] as never });
    assertThat(row && !row.confirmedAt && row.secretSealed, notFound);
    const step = verifyTotp(open(this.deps.masterKey, row.secretSealed, this.aad(tenantId, row.id)), String(code ?? '').trim(), Date.now());
    assertThat(step !== null, () => new AuthnError(AuthnErrorCode.INVALID_CODE, 'the code is not right; check the time on your device and try the current code', ['code']));
    return em.transactional(async (tx) => {
      const moved = await tx.nativeUpdate(Authenticator, { id: row.id, tenant: tenantId, confirmedAt: null }, { confirmedAt: new Date(), lastUsedStep: Number(step), lastUsedAt: new Date() });
      assertThat(moved === 1, notFound);
      recordEvent(tx, { tenantId, type: 'Mfa.Factor.Enrolled', actor, requestId, target: { type: 'User', id: userId }, payload: { userId, factor: 'totp', factorId: row.id } });
      const hasCodes = await tx.count(Authenticator, { tenant: tenantId, user: userId, kind: 'recovery_codes' });
      const recoveryCodes = hasCodes ? null : await this.writeRecoveryCodes(tx, tenantId, userId);
      await tx.flush();
      return { recoveryCodes };
    });
  }

  /**
   * A TOTP code from any of the user's confirmed apps, each step accepted once (RFC 6238 §5.2):
   * the step is recorded with `last_used_step < step`, so a replayed or parallel code fails.
   */
  async verifyTotpCode(em: EntityManager, tenantId: string, userId: string, code: string): Promise<boolean> {
    const rows = await em.find(Authenticator, { tenant: tenantId, user: userId, kind: 'totp', confirmedAt: { $ne: null } }, { populate: ['secretSealed'] as never });
    for (const row of rows) {
      const step = verifyTotp(open(this.deps.masterKey, row.secretSealed!, this.aad(tenantId, row.id)), String(code ?? '').trim(), Date.now());
      if (step === null) continue;
      const taken = await em.getConnection().execute(
        'update authenticator set last_used_step = ?, last_used_at = now() where id = ? and tenant_id = ? and (last_used_step is null or last_used_step < ?)',
        [Number(step), row.id, tenantId, Number(step)], 'run', em.getTransactionContext(),
      ) as { affectedRows?: number };
      return (taken.affectedRows ?? 0) === 1;
    }
    return false;
  }

  private async writeRecoveryCodes(em: EntityManager, tenantId: string, userId: string): Promise<string[]> {
    await em.nativeDelete(Authenticator, { tenant: tenantId, user: userId, kind: 'recovery_codes' });
    const authenticatorId = uuid();
    em.create(Authenticator, { id: authenticatorId, tenant: tenantId, user: userId, kind: 'recovery_codes', name: 'Recovery codes', confirmedAt: new Date() });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => recoveryCode());
    for (const code of codes) em.create(RecoveryCode, { id: uuid(), tenant: tenantId, user: userId, authenticator: authenticatorId, codeHash: this.recoveryHash(userId, code) });
    await em.flush();
    return codes;
  }

  /** Replaces the user's recovery codes with 10 new ones (the old ones stop working). */
  async regenerateRecoveryCodes(em: EntityManager, tenantId: string, userId: string, actor: Actor, requestId?: string): Promise<string[]> {
    return em.transactional(async (tx) => {
      const codes = await this.writeRecoveryCodes(tx, tenantId, userId);
      recordEvent(tx, { tenantId, type: 'Mfa.Factor.Enrolled', actor, requestId, target: { type: 'User', id: userId }, payload: { userId, factor: 'recovery_code' } });
      await tx.flush();
      return codes;
    });
  }

  /** Spends one recovery code (once: a conditional UPDATE). */
  async useRecoveryCode(em: EntityManager, tenantId: string, userId: string, code: string): Promise<boolean> {
    if (typeof code !== 'string' || code.length > 40) return false;
    const res = await em.getConnection().execute(
      'update recovery_code set used_at = now() where tenant_id = ? and user_id = ? and code_hash = ? and used_at is null',
      [tenantId, userId, this.recoveryHash(userId, code)], 'run', em.getTransactionContext(),
    ) as { affectedRows?: number };
    return (res.affectedRows ?? 0) === 1;
  }

  /** Removes one enrolled factor (the caller has checked re-authentication). Emits Mfa.Factor.Removed. */
  async remove(em: EntityManager, tenantId: string, userId: string, authenticatorId: string, actor: Actor, requestId?: string): Promise<FactorView> {
    const row = await em.findOne(Authenticator, { id: authenticatorId, tenant: tenantId, user: userId });
    assertThat(row, notFound);
    const view: FactorView = { id: row.id, kind: row.kind, name: row.name, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt ?? null };
    await em.transactional(async (tx) => {
      await tx.nativeDelete(Authenticator, { id: row.id, tenant: tenantId });
      recordEvent(tx, { tenantId, type: 'Mfa.Factor.Removed', actor, requestId, target: { type: 'User', id: userId }, payload: { userId, factor: row.kind, factorId: row.id } });
      await tx.flush();
    });
    return view;
  }
}
