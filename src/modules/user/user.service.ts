import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../crypto/password.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { keysetPage, type Page, type PageRequest } from '../../db/keyset.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { h } from '../../shared/html.js';
import { hasControlChars } from '../../shared/text.js';
import type { ConsentService } from '../grant/index.js';
import type { MailTransport } from '../notification/index.js';
import type { EndedSession, SessionService, SessionView } from '../session/index.js';
import { Tenant } from '../tenant/index.js';
import { DEFAULT_PASSWORD_POLICY, passwordProblem, type PasswordPolicy } from '../../shared/password-policy.js';
import { validateProfile, type ProfileField, type UserProfileInput } from './user-profile.js';
import { User, UserToken, type UserStatus, type UserTokenPurpose } from './user.entity.js';
import { UserError, UserErrorCode } from './user.errors.js';

export interface UserCreateInput extends UserProfileInput {
  email: string;
  password?: string | null;
  emailVerified?: boolean | null;
}

export interface UserInviteInput extends UserProfileInput {
  email: string;
  /** Where the mailed link points; the token is added as the `token` query parameter. */
  acceptUrl?: string | null;
  /** Invitation lifetime in seconds (default 7 days, 5 minutes to 30 days). */
  expiresIn?: number | null;
}

export interface UserUpdateInput extends UserProfileInput {
  email?: string | null;
  emailVerified?: boolean | null;
  phoneNumberVerified?: boolean | null;
}

export interface UserFilter {
  query?: string | null;
  status?: UserStatus[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  /** Only users holding this role directly (role_assignment). */
  roleId?: string | null;
  /** Only members of this organization. */
  organizationId?: string | null;
}

export type UserOrderField = 'createdAt' | 'email';

/** One entry of a bulk action: its position in the input, the id as given and its uuid (null: malformed). */
export interface BulkItem {
  index: number;
  id: string;
  uuid: string | null;
}

export interface BulkProblem {
  index: number;
  id: string;
  code: UserErrorCode;
  message: string;
}

export const MAX_BULK_IDS = 1000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
export const MIN_PASSWORD_LENGTH = DEFAULT_PASSWORD_POLICY.minLength;
const INVITATION_TTL = 7 * 86_400;
const RESET_TTL = 3600;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The opaque id audit history keeps for a deleted user (never the email). */
export function deletedUserId(tenantId: string, userId: string): string {
  return `deleted:${sha256Hex(`signet:deleted-user:${tenantId}:${userId}`).slice(0, 40)}`;
}

/** The OIDC standard claims of a user (OIDC Core §5.1). A guest's placeholder address is no email: omitted. */
/** What the standard claims are made of (a User entity, or a row mapped by UserAccountStore). */
export type ClaimSource = Pick<User, 'id' | 'isAnonymous' | 'email' | 'emailVerified' | 'name' | 'givenName' | 'familyName' | 'middleName' | 'nickname'
  | 'preferredUsername' | 'picture' | 'website' | 'gender' | 'birthdate' | 'zoneinfo' | 'locale' | 'address' | 'phoneNumber' | 'phoneNumberVerified' | 'updatedAt'>;

export function userClaims(u: ClaimSource): Record<string, unknown> {
  return {
    sub: u.id, email: u.isAnonymous ? undefined : u.email, email_verified: u.isAnonymous ? undefined : u.emailVerified, name: u.name ?? undefined,
    given_name: u.givenName ?? undefined, family_name: u.familyName ?? undefined, middle_name: u.middleName ?? undefined,
    nickname: u.nickname ?? undefined, preferred_username: u.preferredUsername ?? undefined, picture: u.picture ?? undefined,
    website: u.website ?? undefined, gender: u.gender ?? undefined, birthdate: u.birthdate ?? undefined,
    zoneinfo: u.zoneinfo ?? undefined, locale: u.locale ?? undefined, address: u.address ?? undefined,
    phone_number: u.phoneNumber ?? undefined, phone_number_verified: u.phoneNumber ? u.phoneNumberVerified : undefined,
    updated_at: Math.floor(u.updatedAt.getTime() / 1000),
  };
}

/** ILIKE pattern matching `text` anywhere, with %, _ and \ taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function httpUrl(raw: string | null | undefined, field: string): URL | null {
  if (raw == null || raw === '') return null;
  try {
    const u = new URL(raw);
    if ((u.protocol === 'https:' || u.protocol === 'http:') && raw.length <= 2048 && !u.hash) return u;
  } catch { /* fall through */ }
  throw new UserError(UserErrorCode.URL_INVALID, `${field} must be an absolute http(s) URL without fragment`, ['input', field]);
}

const notFound = (field: readonly string[] = ['id']) => new UserError(UserErrorCode.NOT_FOUND, 'user not found', field);
const tokenInvalid = (what: string) => new UserError(UserErrorCode.TOKEN_INVALID, `${what} token is invalid, expired or already used`, ['input', 'token']);

export class UserService {
  constructor(private readonly deps: {
    sessions: SessionService;
    consents: ConsentService;
    mail: MailTransport;
    issuerUrl: (slug: string) => string;
  }) {}

  async passwordPolicy(ctx: RequestContext): Promise<PasswordPolicy> {
    const t = await ctx.em.findOne(Tenant, { id: ctx.tenant.id });
    return t ? { minLength: t.passwordMinLength, requireClasses: t.passwordRequireClasses } : DEFAULT_PASSWORD_POLICY;
  }

  private async checkPassword(ctx: RequestContext, password: string, field: readonly string[]): Promise<string> {
    const problem = passwordProblem(await this.passwordPolicy(ctx), password);
    assertThat(!problem, () => new UserError(UserErrorCode.PASSWORD_TOO_WEAK, problem!, field));
    return hashPassword(password);
  }

  private checkEmail(raw: string): string {
    const email = normaliseEmail(raw);
    assertThat(EMAIL.test(email) && !hasControlChars(email), () => new UserError(UserErrorCode.EMAIL_INVALID, 'email is not a valid address', ['input', 'email']));
    return email;
  }

  private async flushUnique(em: EntityManager): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new UserError(UserErrorCode.EMAIL_TAKEN, 'a user with this email already exists', ['input', 'email']);
      throw err;
    }
  }

  private event(em: EntityManager, ctx: RequestContext, type: Parameters<typeof recordEvent>[1]['type'], userId: string, payload: Record<string, unknown> = {}): void {
    recordEvent(em, { tenantId: ctx.tenant.id, type, actor: ctx.actor, requestId: ctx.requestId, target: { type: 'User', id: userId }, payload: { userId, ...payload } });
  }

  private newUser(em: EntityManager, ctx: RequestContext, email: string, status: UserStatus, profile: Partial<Record<ProfileField, unknown>>, extra: { emailVerified?: boolean; passwordHash?: string | null } = {}): User {
    return em.create(User, {
      id: uuid(), tenant: ctx.tenant.id, email, emailVerified: extra.emailVerified ?? false, passwordHash: extra.passwordHash ?? null,
      name: null, givenName: null, familyName: null, middleName: null, nickname: null, preferredUsername: null, picture: null, website: null,
      gender: null, birthdate: null, zoneinfo: null, locale: null, address: null, phoneNumber: null, phoneNumberVerified: false, metadata: null,
      status, ...(profile as Partial<User>),
    });
  }

  /**
   * Creates an active user, with a password or without one (pre-provisioned: no credentials until
   * a password is set or reset). Emits User.Created.
   */
  async create(ctx: RequestContext, input: UserCreateInput): Promise<User> {
    const email = this.checkEmail(input.email);
    const profile = validateProfile(input);
    const passwordHash = input.password != null ? await this.checkPassword(ctx, input.password, ['input', 'password']) : null;
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const exists = await em.findOne(User, { tenant: ctx.tenant.id, email });
    assertThat(!exists, () => new UserError(UserErrorCode.EMAIL_TAKEN, 'a user with this email already exists', ['input', 'email']));
    const user = this.newUser(em, ctx, email, 'active', profile, { emailVerified: input.emailVerified ?? false, passwordHash });
    this.event(em, ctx, 'User.Created', user.id, { email, passwordSet: passwordHash != null });
    await this.flushUnique(em);
    await notifyOutbox(em);
    return user;
  }

  /** Creates an invited user and mails a single-use invitation. Emits User.Created, User.Invited. */
  async invite(ctx: RequestContext, input: UserInviteInput): Promise<{ user: User; expiresAt: Date }> {
    const email = this.checkEmail(input.email);
    const profile = validateProfile(input);
    const acceptUrl = httpUrl(input.acceptUrl, 'acceptUrl');
    const ttl = input.expiresIn ?? INVITATION_TTL;
    assertThat(Number.isInteger(ttl) && ttl >= 300 && ttl <= 30 * 86_400, () => new UserError(UserErrorCode.PROFILE_INVALID, 'expiresIn must be 300-2592000 seconds', ['input', 'expiresIn']));
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const exists = await em.findOne(User, { tenant: ctx.tenant.id, email });
    assertThat(!exists, () => new UserError(UserErrorCode.EMAIL_TAKEN, 'a user with this email already exists', ['input', 'email']));
    const user = this.newUser(em, ctx, email, 'invited', profile);
    const { token, row } = this.newToken(em, ctx, user.id, 'invitation', ttl);
    this.event(em, ctx, 'User.Created', user.id, { email, passwordSet: false });
    recordEvent(em, {
      tenantId: ctx.tenant.id, type: 'User.Invited', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'User', id: user.id }, payload: { invitationId: row.id, userId: user.id, email, expiresAt: row.expiresAt.toISOString() },
    });
    await this.flushUnique(em);
    await notifyOutbox(em);
    const link = acceptUrl ? withToken(acceptUrl, token) : null;
    await this.deps.mail.send({
      to: email,
      subject: `You are invited to ${ctx.tenant.name || ctx.tenant.slug}`,
      text: [`You have been invited to ${ctx.tenant.name || ctx.tenant.slug}.`, link ? `Accept the invitation: ${link}` : null,
        `Invitation code: ${token}`, `The invitation expires at ${row.expiresAt.toISOString()}.`].filter(Boolean).join('\n\n'),
      html: `<p>You have been invited to ${h(ctx.tenant.name || ctx.tenant.slug)}.</p>${link ? `<p><a href="${h(link)}">Accept the invitation</a></p>` : ''}<p>Invitation code: <code>${token}</code></p><p>The invitation expires at ${row.expiresAt.toISOString()}.</p>`,
    }, { tenantId: ctx.tenant.id });
    return { user, expiresAt: row.expiresAt };
  }

  private newToken(em: EntityManager, ctx: RequestContext, userId: string, purpose: UserTokenPurpose, ttlSeconds: number): { token: string; row: UserToken } {
    const token = randomToken(32);
    const row = em.create(UserToken, {
      id: uuid(), tenant: ctx.tenant.id, user: userId, purpose, tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + ttlSeconds * 1000), usedAt: null,
    });
    return { token, row };
  }

  /** Takes a mailed token (single use: a conditional UPDATE wins once) and returns its user. */
  private async takeToken(em: EntityManager, ctx: RequestContext, token: string, purpose: UserTokenPurpose): Promise<{ user: User; tokenId: string } | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const row = await em.findOne(UserToken, { tenant: ctx.tenant.id, tokenHash: sha256Hex(token), purpose, usedAt: null, expiresAt: { $gt: new Date() } });
    if (!row) return null;
    const won = await em.nativeUpdate(UserToken, { id: row.id, usedAt: null }, { usedAt: new Date() });
    if (won !== 1) return null;
    const user = await em.findOne(User, { id: row.user });
    return user ? { user, tokenId: row.id } : null;
  }

  /**
   * Accepts an invitation: sets the password, marks the email verified (the mail was received)
   * and activates the user. Emits User.Invitation.Accepted, User.Activated, User.Password.Changed.
   */
  async acceptInvitation(ctx: RequestContext, input: { token: string; password: string }): Promise<User> {
    const passwordHash = await this.checkPassword(ctx, input.password, ['input', 'password']);
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    return em.transactional(async (tx) => {
      const taken = await this.takeToken(tx as EntityManager, ctx, input.token, 'invitation');
      assertThat(taken && taken.user.status === 'invited', () => tokenInvalid('invitation'));
      const { user, tokenId } = taken;
      user.passwordHash = passwordHash;
      user.status = 'active';
      user.emailVerified = true;
      const txm = tx as EntityManager;
      this.event(txm, ctx, 'User.Invitation.Accepted', user.id, { invitationId: tokenId });
      this.event(txm, ctx, 'User.Activated', user.id);
      this.event(txm, ctx, 'User.Password.Changed', user.id, { via: 'invitation' });
      await tx.flush();
      return user;
    }).finally(() => notifyOutbox(em));
  }

  /** Changes profile fields, email and verified flags. Emits User.Updated (and User.Email.Verified when the email becomes verified). */
  async update(ctx: RequestContext, id: string, input: UserUpdateInput): Promise<User> {
    const profile = validateProfile(input);
    const email = input.email != null ? this.checkEmail(input.email) : undefined;
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const user = await em.findOne(User, { id });
    assertThat(user, () => notFound());
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    const set = <K extends keyof User>(key: K, value: User[K]) => {
      if (JSON.stringify(user[key] ?? null) === JSON.stringify(value ?? null)) return;
      changes[key as string] = { before: user[key] ?? null, after: value ?? null };
      user[key] = value;
    };
    if (email !== undefined && email !== user.email) {
      const taken = await em.findOne(User, { email, id: { $ne: id } });
      assertThat(!taken, () => new UserError(UserErrorCode.EMAIL_TAKEN, 'a user with this email already exists', ['input', 'email']));
      set('email', email);
      set('emailVerified', input.emailVerified ?? false);
    } else if (input.emailVerified != null) {
      set('emailVerified', input.emailVerified);
    }
    for (const [k, v] of Object.entries(profile)) set(k as keyof User, v as never);
    if (profile.phoneNumber !== undefined && changes.phoneNumber) set('phoneNumberVerified', input.phoneNumberVerified ?? false);
    else if (input.phoneNumberVerified != null) set('phoneNumberVerified', input.phoneNumberVerified);
    if (Object.keys(changes).length) {
      this.event(em, ctx, 'User.Updated', user.id, { changes });
      if (changes.emailVerified && user.emailVerified) this.event(em, ctx, 'User.Email.Verified', user.id);
      await this.flushUnique(em);
      await notifyOutbox(em);
    }
    return user;
  }

  /** Sets a user's password (policy applies). Emits User.Password.Changed. */
  async setPassword(ctx: RequestContext, id: string, password: string): Promise<User> {
    const passwordHash = await this.checkPassword(ctx, password, ['input', 'password']);
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const user = await em.findOne(User, { id });
    assertThat(user, () => notFound());
    user.passwordHash = passwordHash;
    this.event(em, ctx, 'User.Password.Changed', user.id, { via: 'admin' });
    await em.flush();
    await notifyOutbox(em);
    return user;
  }

  /**
   * Mails a single-use password reset token (1 hour) to an active user with this email; earlier
   * unused reset tokens of the user stop working. Unknown, invited and suspended addresses get
   * nothing, with the same answer. Emits User.Password.Reset.Requested.
   */
  async requestPasswordReset(ctx: RequestContext, input: { email: string; resetUrl?: string | null }): Promise<void> {
    const email = this.checkEmail(input.email);
    const resetUrl = httpUrl(input.resetUrl, 'resetUrl');
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const user = await em.findOne(User, { email });
    if (!user || user.status !== 'active') return;
    await em.nativeUpdate(UserToken, { user: user.id, purpose: 'password_reset', usedAt: null }, { usedAt: new Date() });
    const { token, row } = this.newToken(em, ctx, user.id, 'password_reset', RESET_TTL);
    this.event(em, ctx, 'User.Password.Reset.Requested', user.id, { expiresAt: row.expiresAt.toISOString() });
    await em.flush();
    await notifyOutbox(em);
    const link = resetUrl ? withToken(resetUrl, token) : null;
    const tenantName = ctx.tenant.name || ctx.tenant.slug;
    await this.deps.mail.send({
      to: email,
      subject: `Reset your ${tenantName} password`,
      text: [`Someone asked to reset the password of your ${tenantName} account.`, link ? `Choose a new password: ${link}` : null,
        `Reset code: ${token}`, `The code works once and expires at ${row.expiresAt.toISOString()}. If you did not ask for this, ignore this message.`].filter(Boolean).join('\n\n'),
      html: `<p>Someone asked to reset the password of your ${h(tenantName)} account.</p>${link ? `<p><a href="${h(link)}">Choose a new password</a></p>` : ''}<p>Reset code: <code>${token}</code></p><p>The code works once and expires at ${row.expiresAt.toISOString()}.</p>`,
    }, { tenantId: ctx.tenant.id });
  }

  /** Sets a new password with a mailed reset token and ends the user's sessions. Emits User.Password.Changed, Session.Ended. */
  async completePasswordReset(ctx: RequestContext, input: { token: string; password: string }): Promise<User> {
    const passwordHash = await this.checkPassword(ctx, input.password, ['input', 'password']);
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    let ended: EndedSession[] = [];
    const user = await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      const taken = await this.takeToken(txm, ctx, input.token, 'password_reset');
      assertThat(taken && taken.user.status === 'active', () => tokenInvalid('password reset'));
      taken.user.passwordHash = passwordHash;
      this.event(txm, ctx, 'User.Password.Changed', taken.user.id, { via: 'reset' });
      ended = await this.deps.sessions.endSessions(ctx, txm, { subjects: [taken.user.id] }, 'password_reset');
      await tx.flush();
      return taken.user;
    });
    await notifyOutbox(em);
    await this.deps.sessions.notifyEnded(ctx, ended);
    return user;
  }

  // ---- status changes, one or many (bulk: a few statements whatever the number of ids) ----

  private async loadMany(tx: EntityManager, items: readonly BulkItem[]): Promise<{ found: User[]; problems: BulkProblem[] }> {
    assertThat(items.length <= MAX_BULK_IDS, () => new UserError(UserErrorCode.BULK_LIMIT_EXCEEDED, `at most ${MAX_BULK_IDS} ids per call`, ['input', 'ids']));
    const uuids = [...new Set(items.map((i) => i.uuid).filter((u): u is string => u != null))];
    const rows = uuids.length ? await tx.find(User, { id: { $in: uuids } }) : [];
    const byId = new Map(rows.map((u) => [u.id, u]));
    const problems = items.filter((i) => !i.uuid || !byId.has(i.uuid))
      .map((i) => ({ index: i.index, id: i.id, code: UserErrorCode.NOT_FOUND, message: 'user not found' }));
    return { found: rows, problems };
  }

  /**
   * Suspends users: sign-in fails from now on; their browser sessions end (back-channel logout)
   * and every token family they hold is revoked, so reactivating them later does not bring old
   * refresh tokens back (their consents stay). Already suspended users are left as they are.
   * Emits User.Suspended, Session.Ended.
   */
  async suspendMany(ctx: RequestContext, items: readonly BulkItem[]): Promise<{ users: User[]; problems: BulkProblem[] }> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    let ended: EndedSession[] = [];
    const r = await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      const { found, problems } = await this.loadMany(txm, items);
      const targets = found.filter((u) => u.status !== 'suspended');
      for (const u of targets) {
        this.event(txm, ctx, 'User.Suspended', u.id, { previousStatus: u.status });
        u.status = 'suspended';
      }
      ended = await this.deps.sessions.endSessions(ctx, txm, { subjects: targets.map((u) => u.id) }, 'user_suspended');
      await this.deps.consents.revokeTokens(txm, ctx.tenant.id, targets.map((u) => u.id), null);
      await tx.flush();
      return { users: found, problems };
    });
    await notifyOutbox(em);
    await this.deps.sessions.notifyEnded(ctx, ended);
    return r;
  }

  /** Reactivates suspended users. Emits User.Reactivated. */
  async reactivateMany(ctx: RequestContext, items: readonly BulkItem[]): Promise<{ users: User[]; problems: BulkProblem[] }> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const r = await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      const { found, problems } = await this.loadMany(txm, items);
      for (const u of found) {
        if (u.status !== 'suspended') continue;
        u.status = 'active';
        this.event(txm, ctx, 'User.Reactivated', u.id);
      }
      await tx.flush();
      return { users: found, problems };
    });
    await notifyOutbox(em);
    return r;
  }

  /**
   * Deletes users and their personal data: the user row (profile, password, metadata, mailed
   * tokens), consents, refresh tokens, access-token records and codes; sessions end and lose
   * IP and user agent. The audit history keeps an opaque id (deletedUserId) in place of the user
   * id and loses emails and profile changes. Emits User.Deleted, Session.Ended.
   */
  async deleteMany(ctx: RequestContext, items: readonly BulkItem[]): Promise<{ deletedIds: string[]; problems: BulkProblem[] }> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    let ended: EndedSession[] = [];
    const r = await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      const { found, problems } = await this.loadMany(txm, items);
      const ids = found.map((u) => u.id);
      if (!ids.length) return { deletedIds: [], problems };
      const opaque = new Map(ids.map((id) => [id, deletedUserId(ctx.tenant.id, id)]));
      const conn = txm.getConnection();
      const trx = txm.getTransactionContext();
      const ph = ids.map(() => '?').join(', ');
      const t = ctx.tenant.id;
      // Revoke first (family markers keep refusing JWTs already out), then drop the rows.
      await this.deps.consents.revokeWithTokens(txm, t, ids, null);
      await conn.execute(`delete from consent where tenant_id = ? and subject in (${ph})`, [t, ...ids], 'run', trx);
      await conn.execute(`delete from refresh_token where tenant_id = ? and "grant"->>'subject' in (${ph})`, [t, ...ids], 'run', trx);
      await conn.execute(`delete from authorization_code where tenant_id = ? and "grant"->>'subject' in (${ph})`, [t, ...ids], 'run', trx);
      await conn.execute(`delete from access_token where tenant_id = ? and subject in (${ph}) and format <> 'family'`, [t, ...ids], 'run', trx);
      ended = await this.deps.sessions.endSessions(ctx, txm, { subjects: ids }, 'user_deleted', { scrub: true, userIdFor: (s) => opaque.get(s) ?? s });
      // Audit history: the opaque id replaces the user id; emails, identifiers and before/after values go.
      const values = ids.map(() => '(?, ?)').join(', ');
      const pairs = ids.flatMap((id) => [id, opaque.get(id)!]);
      await conn.execute(
        `update audit_event a set
           target_id = case when a.target_type = 'User' and a.target_id = v.id then v.opaque else a.target_id end,
           actor_id = case when a.actor_kind = 'user' and a.actor_id = v.id then v.opaque else a.actor_id end,
           payload = (a.payload - 'email' - 'identifier' - 'changes' - 'subject')
             || case when a.payload->>'userId' = v.id then jsonb_build_object('userId', v.opaque) else '{}'::jsonb end
         from (values ${values}) as v(id, opaque)
         where a.tenant_id = ? and ((a.target_type = 'User' and a.target_id = v.id) or (a.actor_kind = 'user' and a.actor_id = v.id) or a.payload->>'userId' = v.id)`,
        [...pairs, t], 'run', trx,
      );
      await conn.execute(`delete from app_user where tenant_id = ? and id in (${ph})`, [t, ...ids], 'run', trx);
      for (const u of found) {
        const oid = opaque.get(u.id)!;
        recordEvent(txm, { tenantId: t, type: 'User.Deleted', actor: ctx.actor, requestId: ctx.requestId, target: { type: 'User', id: oid }, payload: { userId: oid } });
      }
      await tx.flush();
      return { deletedIds: ids, problems };
    });
    await notifyOutbox(em);
    await this.deps.sessions.notifyEnded(ctx, ended);
    return r;
  }

  private async one<T>(run: (items: BulkItem[]) => Promise<T & { problems: BulkProblem[] }>, id: string): Promise<T> {
    const r = await run([{ index: 0, id, uuid: id }]);
    assertThat(!r.problems.length, () => notFound());
    return r;
  }

  async suspend(ctx: RequestContext, id: string): Promise<User> {
    return (await this.one((i) => this.suspendMany(ctx, i), id)).users[0]!;
  }

  async reactivate(ctx: RequestContext, id: string): Promise<User> {
    return (await this.one((i) => this.reactivateMany(ctx, i), id)).users[0]!;
  }

  async delete(ctx: RequestContext, id: string): Promise<string> {
    return (await this.one((i) => this.deleteMany(ctx, i), id)).deletedIds[0]!;
  }

  // ---- sessions and consents of a user ----

  /** Ends one browser session and queues its back-channel logout. Emits Session.Ended. */
  async revokeSession(ctx: RequestContext, sessionId: string): Promise<SessionView> {
    const session = await this.deps.sessions.findLive(ctx, sessionId);
    assertThat(session, () => new UserError(UserErrorCode.SESSION_NOT_FOUND, 'session not found or already ended', ['id']));
    const ended = await this.endSessionsWhere(ctx, { ids: [sessionId] }, 'revoked');
    assertThat(ended.length, () => new UserError(UserErrorCode.SESSION_NOT_FOUND, 'session not found or already ended', ['id']));
    return session;
  }

  /** Ends every live session of a user. Emits Session.Ended (one per session). */
  async revokeAllSessions(ctx: RequestContext, userId: string): Promise<{ user: User; count: number }> {
    const user = await this.findById(ctx, userId);
    assertThat(user, () => notFound(['userId']));
    const ended = await this.endSessionsWhere(ctx, { subjects: [userId] }, 'revoked');
    return { user, count: ended.length };
  }

  private async endSessionsWhere(ctx: RequestContext, where: { ids?: string[]; subjects?: string[] }, reason: string): Promise<EndedSession[]> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const ended = await em.transactional(async (tx) => {
      const r = await this.deps.sessions.endSessions(ctx, tx as EntityManager, where, reason);
      await tx.flush();
      return r;
    });
    await notifyOutbox(em);
    await this.deps.sessions.notifyEnded(ctx, ended);
    return ended;
  }

  /**
   * Revokes a user's consent to a client and every token family of that user and client.
   * Emits Consent.Revoked.
   */
  async revokeConsent(ctx: RequestContext, userId: string, clientId: string): Promise<{ user: User; revokedTokenFamilies: number }> {
    const user = await this.findById(ctx, userId);
    assertThat(user, () => notFound(['userId']));
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const r = await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      const res = await this.deps.consents.revokeWithTokens(txm, ctx.tenant.id, [userId], clientId);
      assertThat(res.consents.length || res.families, () => new UserError(UserErrorCode.CONSENT_NOT_FOUND, 'this user has no consent or tokens for this client', ['clientId']));
      this.event(txm, ctx, 'Consent.Revoked', userId, { clientId, scopes: res.consents[0]?.scopes ?? [], revokedTokenFamilies: res.families });
      await tx.flush();
      return res;
    });
    await notifyOutbox(em);
    return { user, revokedTokenFamilies: r.families };
  }

  // ---- reads ----

  /** Role and organization filters resolved to the matching user ids (one query each). */
  private async memberIds(ctx: RequestContext, filter: UserFilter): Promise<string[] | undefined> {
    let ids: string[] | undefined;
    const conn = ctx.em.getConnection();
    const narrow = async (sql: string, id: string) => {
      const rows = await conn.execute<{ user_id: string }[]>(sql, [ctx.tenant.id, id], 'all');
      const found = new Set(rows.map((r) => r.user_id));
      ids = ids ? ids.filter((x) => found.has(x)) : [...found];
    };
    if (filter.roleId) await narrow('select user_id from role_assignment where tenant_id = ? and role_id = ? and user_id is not null', filter.roleId);
    if (filter.organizationId) await narrow('select user_id from organization_member where tenant_id = ? and organization_id = ?', filter.organizationId);
    return ids;
  }

  private where(filter: UserFilter, ids?: string[]): FilterQuery<User> {
    const conds: FilterQuery<User>[] = [];
    if (ids) conds.push({ id: { $in: ids } });
    const q = filter.query?.trim();
    if (q) {
      const pattern = containsPattern(q.slice(0, 200));
      conds.push({ $or: [{ email: { $ilike: pattern } }, { preferredUsername: { $ilike: pattern } }, { name: { $ilike: pattern } }] });
    }
    if (filter.status?.length) conds.push({ status: { $in: filter.status } });
    if (filter.createdAfter) conds.push({ createdAt: { $gt: filter.createdAfter } });
    if (filter.createdBefore) conds.push({ createdAt: { $lt: filter.createdBefore } });
    return conds.length ? { $and: conds } : {};
  }

  async list(ctx: RequestContext, filter: UserFilter, order: { field: UserOrderField; direction: 'ASC' | 'DESC' }, page: PageRequest): Promise<Page<User>> {
    return keysetPage<User>(ctx.em, User, this.where(filter, await this.memberIds(ctx, filter)), {
      field: order.field, direction: order.direction,
      toValue: (u) => (order.field === 'email' ? u.email : u.createdAt.toISOString()),
      parse: (v) => (order.field === 'email' ? v : new Date(v)),
    }, page);
  }

  /** Exact number of users matching the filter (one COUNT). */
  async count(ctx: RequestContext, filter: UserFilter): Promise<number> {
    return ctx.em.count(User, this.where(filter, await this.memberIds(ctx, filter)));
  }

  /**
   * Email + password check. Unknown accounts verify against a dummy hash so that known and unknown
   * emails cost the same; a suspended or invited account never authenticates.
   */
  async authenticate(em: EntityManager, tenantId: string, email: string, password: string): Promise<User | undefined> {
    const normalised = normaliseEmail(email);
    const user = normalised.length <= 320 && !hasControlChars(normalised)
      ? await em.findOne(User, { tenant: tenantId, email: normalised }, { populate: ['passwordHash'] as never })
      : null;
    const hash = user?.passwordHash ?? (await dummyPasswordHash());
    const ok = password.length <= 1024 && (await verifyPassword(password, hash));
    return ok && user && user.passwordHash && user.status === 'active' ? user : undefined;
  }

  findById(ctx: RequestContext, id: string): Promise<User | null> {
    return ctx.em.findOne(User, { id, tenant: ctx.tenant.id });
  }

  findByIds(ctx: RequestContext, ids: readonly string[]): Promise<User[]> {
    return ids.length ? ctx.em.find(User, { id: { $in: [...ids] } }) : Promise.resolve([]);
  }
}

function withToken(base: URL, token: string): string {
  const u = new URL(base.toString());
  u.searchParams.set('token', token);
  return u.toString();
}

