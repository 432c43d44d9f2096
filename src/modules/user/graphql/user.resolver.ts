import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Resolver, registerEnumType } from 'type-graphql';
import { UserErrorInterface, withUserErrors } from '../../../graph/errors/user-error.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { UserError, UserErrorCode } from '../user.errors.js';
import { UserType, toUserType } from './user.type.js';

registerEnumType(UserErrorCode, { name: 'UserErrorCode', description: 'Why a user mutation was refused.' });

@ObjectType('UserUserError', { implements: UserErrorInterface, description: 'A problem with a user mutation\'s input.' })
export class UserUserError extends UserErrorInterface {
  @Field(() => UserErrorCode, { description: 'Machine-readable reason.' })
  code!: UserErrorCode;
}

function userUserError(e: UserError): UserUserError {
  switch (e.code) {
    case UserErrorCode.NOT_FOUND:
    case UserErrorCode.EMAIL_INVALID:
    case UserErrorCode.EMAIL_TAKEN:
    case UserErrorCode.PASSWORD_TOO_WEAK:
    case UserErrorCode.NAME_INVALID:
      return Object.assign(new UserUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@InputType('UserCreateInput', { description: 'A new user.' })
export class UserCreateInput {
  @Field(() => String, { description: 'Email address; unique in the tenant.' })
  email!: string;
  @Field(() => String, { nullable: true, description: 'Initial password (8-1024 characters), stored as argon2id; omit for a user without one.' })
  password?: string | null;
  @Field(() => String, { nullable: true, description: 'Full name.' })
  name?: string | null;
  @Field(() => String, { nullable: true, description: 'Given name.' })
  givenName?: string | null;
  @Field(() => String, { nullable: true, description: 'Family name.' })
  familyName?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Mark the email as verified.' })
  emailVerified?: boolean | null;
}

@ObjectType('UserCreatePayload', { description: 'Result of userCreate.' })
export class UserCreatePayload {
  @Field(() => UserType, { nullable: true, description: 'The new user, unless userErrors is non-empty.' })
  user!: UserType | null;
  @Field(() => [UserUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserUserError[];
}

registerNodeType('User', async (ctx, uuids) => {
  const out = new Map<string, object>();
  if (!ctx.scopes.has('users:read')) return out;
  for (const id of uuids) {
    const u = await ctx.services.users.findById(ctx, id);
    if (u) out.set(id, toUserType(u));
  }
  return out;
});

@Resolver(() => UserType)
export class UserResolver {
  @Authorized('users:write')
  @Mutation(() => UserCreatePayload, { description: 'Creates a user, with or without a password. Requires users:write. Emits User.Created.' })
  async userCreate(@Arg('input', () => UserCreateInput) input: UserCreateInput, @Ctx() ctx: RequestContext): Promise<UserCreatePayload> {
    const r = await withUserErrors(() => ctx.services.users.create(ctx, input), UserError, userUserError);
    return Object.assign(new UserCreatePayload(), { user: r.result ? toUserType(r.result) : null, userErrors: r.userErrors });
  }
}
