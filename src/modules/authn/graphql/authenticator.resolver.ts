import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import { withUserErrors, UserErrorInterface } from '../../../graph/errors/user-error.js';
import { encodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { UserType } from '../../user/graphql/user.type.js';
import { User } from '../../user/user.entity.js';
import { AuthnError, AuthnErrorCode } from '../authn.errors.js';
import type { FactorView } from '../factors.service.js';

export enum AuthenticatorKindEnum { TOTP = 'totp', PASSKEY = 'passkey', RECOVERY_CODES = 'recovery_codes' }
registerEnumType(AuthenticatorKindEnum, {
  name: 'AuthenticatorKind',
  description: 'A kind of enrolled second factor.',
  valuesConfig: {
    TOTP: { description: 'An authenticator app (RFC 6238 time-based codes).' },
    PASSKEY: { description: 'A WebAuthn passkey (discoverable credential).' },
    RECOVERY_CODES: { description: 'A set of 10 single-use recovery codes.' },
  },
});

@ObjectType('Authenticator', { description: 'A second factor a user enrolled (never its secret). Requires users:read.' })
export class AuthenticatorType {
  @Field(() => ID, { description: 'Global id of the authenticator.' })
  id!: string;
  @Field(() => AuthenticatorKindEnum, { description: 'What kind of factor this is.' })
  kind!: AuthenticatorKindEnum;
  @Field(() => String, { description: 'A display name (e.g. the passkey\'s name).' })
  name!: string;
  @Field(() => Int, { nullable: true, description: 'Recovery codes only: how many are still unused.' })
  remaining!: number | null;
  @Field(() => DateTimeScalar, { description: 'When it was enrolled.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was last used to sign in.' })
  lastUsedAt!: Date | null;
}

function toType(f: FactorView): AuthenticatorType {
  return Object.assign(new AuthenticatorType(), {
    id: encodeGlobalId('Authenticator', f.id), kind: f.kind as AuthenticatorKindEnum, name: f.name, remaining: f.remaining ?? null,
    createdAt: f.createdAt, lastUsedAt: f.lastUsedAt,
  });
}

registerEnumType(AuthnErrorCode, { name: 'AuthenticatorErrorCode', description: 'Why an authenticator mutation was refused (shared with the sign-in flow API).' });

@ObjectType('AuthenticatorUserError', { implements: UserErrorInterface, description: 'A problem with an authenticator mutation\'s input.' })
export class AuthenticatorUserError implements UserErrorInterface {
  @Field(() => AuthnErrorCode, { description: 'Machine-readable reason.' })
  code!: AuthnErrorCode;
  @Field(() => String, { description: 'What went wrong.' })
  message!: string;
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault.' })
  field!: string[] | null;
}

/** The engine's codes are already public (the flow API answers them): mapped one to one. */
function authenticatorUserError(e: AuthnError): AuthenticatorUserError {
  return Object.assign(new AuthenticatorUserError(), { code: e.code, message: e.message, field: e.field ? [...e.field] : null });
}

@InputType('UserAuthenticatorDeleteInput', { description: 'Which factor to remove.' })
export class UserAuthenticatorDeleteInput {
  @Field(() => ID, { description: 'The user.' })
  userId!: string;
  @Field(() => ID, { description: 'The authenticator (from User.authenticators).' })
  authenticatorId!: string;
}

@ObjectType('UserAuthenticatorDeletePayload', { description: 'Result of userAuthenticatorDelete.' })
export class UserAuthenticatorDeletePayload {
  @Field(() => ID, { nullable: true, description: 'The id of the removed authenticator, unless userErrors is non-empty.' })
  deletedAuthenticatorId!: string | null;
  @Field(() => [AuthenticatorUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: AuthenticatorUserError[];
}

/** Enrolled factors of users, batched: one statement per operation whatever the number of users. */
function authenticatorsByUser(ctx: RequestContext): DataLoader<string, FactorView[]> {
  return ctx.loaders.get('authenticatorsByUser', () => new DataLoader<string, FactorView[]>(async (userIds) => {
    const byUser = await ctx.services.factors.listMany(ctx.em, ctx.tenant.id, userIds);
    return userIds.map((id) => byUser.get(id) ?? []);
  }));
}

/**
 * Administrators' view of users' second factors: list them on User, and remove one (e.g. a lost
 * phone: the user enrols again at the next sign-in when MFA is required). End users manage their
 * own in the account portal.
 */
@Resolver(() => UserType)
export class AuthenticatorResolver {
  @Authorized('users:read')
  @FieldResolver(() => [AuthenticatorType], { description: 'Second factors the user enrolled (TOTP apps, passkeys, recovery codes), oldest first. Requires users:read.' })
  async authenticators(@Root() user: UserType, @Ctx() ctx: RequestContext): Promise<AuthenticatorType[]> {
    return (await authenticatorsByUser(ctx).load(user.uuid)).map(toType);
  }

  @Authorized('users:write')
  @Mutation(() => UserAuthenticatorDeletePayload, { description: 'Removes one of a user\'s second factors (administrator reset). Requires users:write. Emits Mfa.Factor.Removed.' })
  async userAuthenticatorDelete(@Arg('input', () => UserAuthenticatorDeleteInput) input: UserAuthenticatorDeleteInput, @Ctx() ctx: RequestContext): Promise<UserAuthenticatorDeletePayload> {
    const r = await withUserErrors(async () => {
      const userId = uuidOf(input.userId, 'User');
      const authenticatorId = uuidOf(input.authenticatorId, 'Authenticator');
      const user = userId ? await ctx.em.findOne(User, { id: userId, tenant: ctx.tenant.id }) : null;
      if (!user) throw new AuthnError(AuthnErrorCode.NOT_FOUND, 'user not found', ['input', 'userId']);
      if (!authenticatorId) throw new AuthnError(AuthnErrorCode.NOT_FOUND, 'authenticator not found', ['input', 'authenticatorId']);
      try {
        return await ctx.services.factors.remove(ctx.em.fork({ clear: false }) as EntityManager, ctx.tenant.id, user.id, authenticatorId, ctx.actor, ctx.requestId);
      } catch (err) {
        if (err instanceof AuthnError) throw new AuthnError(err.code, err.message, ['input', 'authenticatorId']);
        throw err;
      }
    }, AuthnError, authenticatorUserError);
    return Object.assign(new UserAuthenticatorDeletePayload(), {
      deletedAuthenticatorId: r.result ? encodeGlobalId('Authenticator', r.result.id) : null, userErrors: r.userErrors,
    });
  }
}
