import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../crypto/password.js';
import { uuid } from '../../crypto/random.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { hasControlChars } from '../../shared/text.js';
import { User } from './user.entity.js';
import { UserError, UserErrorCode } from './user.errors.js';

export interface UserCreateInput {
  email: string;
  password?: string | null;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  emailVerified?: boolean | null;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
export const MIN_PASSWORD_LENGTH = 8;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The OIDC standard claims of a user (OIDC Core §5.1). */
export function userClaims(u: User): Record<string, unknown> {
  return {
    sub: u.id, email: u.email, email_verified: u.emailVerified, name: u.name ?? undefined,
    given_name: u.givenName ?? undefined, family_name: u.familyName ?? undefined,
    phone_number: u.phoneNumber ?? undefined, phone_number_verified: u.phoneNumber ? u.phoneNumberVerified : undefined,
    updated_at: Math.floor(u.updatedAt.getTime() / 1000),
  };
}

export class UserService {
  /** Emits User.Created. */
  async create(ctx: RequestContext, input: UserCreateInput): Promise<User> {
    const email = normaliseEmail(input.email);
    assertThat(EMAIL.test(email) && !hasControlChars(email), new UserError(UserErrorCode.EMAIL_INVALID, 'email is not a valid address', ['input', 'email']));
    if (input.password != null) {
      assertThat(input.password.length >= MIN_PASSWORD_LENGTH && input.password.length <= 1024,
        new UserError(UserErrorCode.PASSWORD_TOO_WEAK, `password must be ${MIN_PASSWORD_LENGTH}-1024 characters`, ['input', 'password']));
    }
    for (const [field, v] of [['name', input.name], ['givenName', input.givenName], ['familyName', input.familyName]] as const) {
      assertThat(v == null || (v.length <= 200 && !hasControlChars(v)), new UserError(UserErrorCode.NAME_INVALID, `${field} must be at most 200 characters without control characters`, ['input', field]));
    }
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const exists = await em.findOne(User, { tenant: ctx.tenant.id, email });
    assertThat(!exists, new UserError(UserErrorCode.EMAIL_TAKEN, 'a user with this email already exists', ['input', 'email']));
    const user = em.create(User, {
      id: uuid(), tenant: ctx.tenant.id, email, emailVerified: input.emailVerified ?? false,
      passwordHash: input.password != null ? await hashPassword(input.password) : null,
      name: input.name ?? null, givenName: input.givenName ?? null, familyName: input.familyName ?? null,
      phoneNumber: null, phoneNumberVerified: false, status: 'active',
    });
    recordEvent(em, {
      tenantId: ctx.tenant.id, type: 'User.Created', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'User', id: user.id }, payload: { email, passwordSet: input.password != null },
    });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new UserError(UserErrorCode.EMAIL_TAKEN, 'a user with this email already exists', ['input', 'email']);
      throw err;
    }
    await notifyOutbox(em);
    return user;
  }

  /**
   * Email + password check. Unknown accounts verify against a dummy hash so that known and unknown
   * emails cost the same; a suspended account never authenticates.
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
}
