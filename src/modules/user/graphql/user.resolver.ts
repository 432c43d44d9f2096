import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, toConnection, toPageRequest } from '../../../graph/connection/connection.js';
import { decodeCursor } from '../../../graph/connection/cursor.js';
import { OrderDirection } from '../../../graph/connection/order-direction.js';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import { encodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import { MAX_PAGE_SIZE } from '../../../db/keyset.js';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../../../shared/request-context.js';
import { SessionConnection, toSessionType } from '../../session/index.js';
import type { User } from '../user.entity.js';
import { UserError, UserErrorCode } from '../user.errors.js';
import type { BulkItem, UserCreateInput as UserCreateData, UserFilter } from '../user.service.js';
import { UserConnection, UserFilterInput, UserOrder, UserOrderField, type UserConnectionRoot } from './user-connection.type.js';
import { UserConsentType } from './user-consent.type.js';
import { clientByClientId, consentsByUser, sessionsByUser } from './user.loader.js';
import {
  bulkInputError, bulkUserError, fromAddressInput, UserCreateInput, UserCreatePayload, UserDeletePayload, UserInvitationAcceptInput,
  UserInvitationAcceptPayload, UserInviteInput, UserInvitePayload, UserPasswordResetCompleteInput, UserPasswordResetCompletePayload,
  UserPasswordResetRequestInput, UserPasswordResetRequestPayload, UserPasswordSetInput, UserPasswordSetPayload, UserReactivatePayload,
  UsersBulkDeletePayload, UsersBulkInput, UsersBulkPayload, UserConsentRevokePayload, UserSessionRevokePayload, UserSessionsRevokeAllPayload,
  UserSuspendPayload, UserUpdateInput, UserUpdatePayload, userUserError, type UserProfileFields,
} from './user-mutations.types.js';
import { UserType, toUserType } from './user.type.js';

registerNodeType('User', async (ctx, uuids) => {
  const out = new Map<string, object>();
  if (!ctx.scopes.has('users:read')) return out;
  for (const u of await ctx.services.users.findByIds(ctx, uuids)) out.set(u.id, toUserType(u));
  return out;
});

registerNodeType('Session', async (ctx, uuids) => {
  const out = new Map<string, object>();
  if (!ctx.scopes.has('users:read')) return out;
  for (const id of uuids) {
    const s = await ctx.services.sessions.findLive(ctx, id);
    if (s) out.set(id, toSessionType(s));
  }
  return out;
});

const notFound = (field = 'id') => new UserError(UserErrorCode.NOT_FOUND, 'user not found', [field]);

function userUuid(id: string, field = 'id'): string {
  const uuid = uuidOf(id, 'User');
  if (!uuid) throw notFound(field);
  return uuid;
}

/** GraphQL profile fields → service input (the address claim uses OIDC's snake_case keys). */
function profileOf(input: UserProfileFields) {
  return { ...input, address: fromAddressInput(input.address) };
}

function payload<P extends object>(cls: new () => P, values: Partial<P>): P {
  return Object.assign(new cls(), values);
}

async function userMutation<P extends { user: UserType | null; userErrors: unknown[] }>(cls: new () => P, run: () => Promise<User>): Promise<P> {
  const r = await withUserErrors(run, UserError, userUserError);
  return payload(cls, { user: r.result ? toUserType(r.result) : null, userErrors: r.userErrors } as Partial<P>);
}

function bulkItems(ids: string[]): BulkItem[] {
  return ids.map((id, index) => ({ index, id, uuid: uuidOf(id, 'User') }));
}

@Resolver(() => UserType)
export class UserResolver {
  @Authorized('users:read')
  @Query(() => UserConnection, {
    description: 'Users of the current tenant, searchable and filterable, with keyset pagination. Requires users:read. '
      + 'Filters: status, created range, role (direct holders) and organization (members).',
  })
  async users(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('query', () => String, { nullable: true, description: 'Case-insensitive substring of the email, preferred username or name (wildcards are taken literally).' }) query: string | null,
    @Arg('filter', () => UserFilterInput, { nullable: true, description: 'Conditions on status, creation time, role and organization.' }) filter: UserFilterInput | null,
    @Arg('orderBy', () => UserOrder, { nullable: true, defaultValue: { field: UserOrderField.CREATED_AT, direction: OrderDirection.DESC }, description: 'Ordering (default: newest first).' }) orderBy: UserOrder,
    @Ctx() ctx: RequestContext,
  ) {
    const ref = (id: string | null | undefined, type: string) => (id ? uuidOf(id, type) ?? '00000000-0000-0000-0000-000000000000' : null);
    const f: UserFilter = {
      query, status: filter?.status ?? null, createdAfter: filter?.createdAfter ?? null, createdBefore: filter?.createdBefore ?? null,
      roleId: ref(filter?.role, 'Role'), organizationId: ref(filter?.organization, 'Organization'),
    };
    const page = await ctx.services.users.list(ctx, f, { field: orderBy.field, direction: orderBy.direction }, toPageRequest(args));
    const value = (u: User) => (orderBy.field === UserOrderField.EMAIL ? u.email : u.createdAt.toISOString());
    return { ...toConnection(page, toUserType, (u) => ({ value: value(u), id: u.id })), filter: f };
  }

  @Authorized('users:read')
  @FieldResolver(() => SessionConnection, { description: 'The user\'s live browser sessions, newest first. Requires users:read.' })
  async sessions(
    @Root() user: UserType,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: `Returns the first n sessions (at most ${MAX_PAGE_SIZE}).` }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Returns the sessions after this cursor.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    if (first < 0 || first > MAX_PAGE_SIZE) throw new GraphQLError(`"first" must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' } });
    const cursor = decodeCursor(after, 'after');
    const rows = await sessionsByUser(ctx, first + 1, cursor).load(user.uuid);
    const nodes = rows.slice(0, first);
    return toConnection({ nodes, hasNextPage: rows.length > first, hasPreviousPage: Boolean(cursor) }, toSessionType, (s) => ({ value: s.createdAt.toISOString(), id: s.id }));
  }

  @Authorized('users:read')
  @FieldResolver(() => [UserConsentType], { description: 'Applications the user consented to (active consents), newest first. Requires users:read.' })
  async consents(@Root() user: UserType, @Ctx() ctx: RequestContext): Promise<UserConsentType[]> {
    const consents = await consentsByUser(ctx).load(user.uuid);
    const clients = await clientByClientId(ctx).loadMany(consents.map((c) => c.clientId));
    return consents.map((c, i) => {
      const client = clients[i];
      return Object.assign(new UserConsentType(), {
        clientId: c.clientId, clientName: client && !(client instanceof Error) ? client.name : null, scopes: c.scopes, audiences: c.audiences,
        grantedAt: c.createdAt, updatedAt: c.updatedAt, rememberedUntil: c.rememberUntil ?? null,
      });
    });
  }

  @Authorized('users:write')
  @Mutation(() => UserCreatePayload, { description: 'Creates an active user, with a password or without one (pre-provisioning: no credentials until userPasswordSet or a reset). Requires users:write. Emits User.Created.' })
  userCreate(@Arg('input', () => UserCreateInput) input: UserCreateInput, @Ctx() ctx: RequestContext) {
    return userMutation(UserCreatePayload, () => ctx.services.users.create(ctx, profileOf(input) as UserCreateData));
  }

  @Authorized('users:write')
  @Mutation(() => UserInvitePayload, { description: 'Invites a user: creates them in status INVITED and mails a single-use invitation (the mail transport; devMailbox outside production). Requires users:write. Emits User.Created, User.Invited.' })
  async userInvite(@Arg('input', () => UserInviteInput) input: UserInviteInput, @Ctx() ctx: RequestContext): Promise<UserInvitePayload> {
    const r = await withUserErrors(() => ctx.services.users.invite(ctx, { ...profileOf(input), email: input.email }), UserError, userUserError);
    return payload(UserInvitePayload, { user: r.result ? toUserType(r.result.user) : null, invitationExpiresAt: r.result?.expiresAt ?? null, userErrors: r.userErrors });
  }

  @Authorized('users:write')
  @Mutation(() => UserInvitationAcceptPayload, { description: 'Accepts an invitation with the mailed token: sets the password, marks the email verified and activates the user. For the tenant\'s own UI. Requires users:write. Emits User.Invitation.Accepted, User.Activated, User.Password.Changed.' })
  userInvitationAccept(@Arg('input', () => UserInvitationAcceptInput) input: UserInvitationAcceptInput, @Ctx() ctx: RequestContext) {
    return userMutation(UserInvitationAcceptPayload, () => ctx.services.users.acceptInvitation(ctx, input));
  }

  @Authorized('users:write')
  @Mutation(() => UserUpdatePayload, { description: 'Changes a user\'s profile (OIDC standard claims, metadata), email and verified flags. Requires users:write. Emits User.Updated, User.Email.Verified.' })
  userUpdate(@Arg('id', () => ID) id: string, @Arg('input', () => UserUpdateInput) input: UserUpdateInput, @Ctx() ctx: RequestContext) {
    return userMutation(UserUpdatePayload, async () => ctx.services.users.update(ctx, userUuid(id), profileOf(input)));
  }

  @Authorized('users:write')
  @Mutation(() => UserSuspendPayload, { description: 'Suspends a user at once: sign-in is refused, every refresh and access token they hold is revoked (reactivation does not revive them; consents stay), their browser sessions end (back-channel logout). Requires users:write. Emits User.Suspended, Session.Ended.' })
  userSuspend(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return userMutation(UserSuspendPayload, async () => ctx.services.users.suspend(ctx, userUuid(id)));
  }

  @Authorized('users:write')
  @Mutation(() => UserReactivatePayload, { description: 'Reactivates a suspended user: they can sign in again; tokens revoked by the suspension stay revoked. Requires users:write. Emits User.Reactivated.' })
  userReactivate(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return userMutation(UserReactivatePayload, async () => ctx.services.users.reactivate(ctx, userUuid(id)));
  }

  @Authorized('users:write')
  @Mutation(() => UserDeletePayload, { description: 'Deletes a user and their personal data (profile, password, consents, tokens, session IPs and user agents); the audit history keeps an opaque id instead of the user id and loses emails. Requires users:write. Emits User.Deleted, Session.Ended.' })
  async userDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<UserDeletePayload> {
    const r = await withUserErrors(async () => ctx.services.users.delete(ctx, userUuid(id)), UserError, userUserError);
    return payload(UserDeletePayload, { deletedUserId: r.result ? encodeGlobalId('User', r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('users:write')
  @Mutation(() => UserPasswordSetPayload, { description: 'Sets a user\'s password (tenant password policy). Requires users:write. Emits User.Password.Changed.' })
  userPasswordSet(@Arg('id', () => ID) id: string, @Arg('input', () => UserPasswordSetInput) input: UserPasswordSetInput, @Ctx() ctx: RequestContext) {
    return userMutation(UserPasswordSetPayload, async () => ctx.services.users.setPassword(ctx, userUuid(id), input.password));
  }

  @Authorized('users:write')
  @Mutation(() => UserPasswordResetRequestPayload, { description: 'Mails a single-use password reset token (valid 1 hour) to the active user with this email; the answer is the same for unknown addresses. Requires users:write. Emits User.Password.Reset.Requested.' })
  async userPasswordResetRequest(@Arg('input', () => UserPasswordResetRequestInput) input: UserPasswordResetRequestInput, @Ctx() ctx: RequestContext): Promise<UserPasswordResetRequestPayload> {
    const r = await withUserErrors(() => ctx.services.users.requestPasswordReset(ctx, input), UserError, userUserError);
    return payload(UserPasswordResetRequestPayload, { userErrors: r.userErrors });
  }

  @Authorized('users:write')
  @Mutation(() => UserPasswordResetCompletePayload, { description: 'Sets a new password with the mailed reset token (single use) and ends the user\'s browser sessions. For the tenant\'s own UI. Requires users:write. Emits User.Password.Changed, Session.Ended.' })
  userPasswordResetComplete(@Arg('input', () => UserPasswordResetCompleteInput) input: UserPasswordResetCompleteInput, @Ctx() ctx: RequestContext) {
    return userMutation(UserPasswordResetCompletePayload, () => ctx.services.users.completePasswordReset(ctx, input));
  }

  @Authorized('users:write')
  @Mutation(() => UsersBulkPayload, { description: 'Suspends up to 1,000 users in one transaction (as userSuspend); unknown ids are reported per index. Requires users:write. Emits User.Suspended, Session.Ended.' })
  async usersBulkSuspend(@Arg('input', () => UsersBulkInput) input: UsersBulkInput, @Ctx() ctx: RequestContext): Promise<UsersBulkPayload> {
    return this.bulk(() => ctx.services.users.suspendMany(ctx, bulkItems(input.ids)));
  }

  @Authorized('users:write')
  @Mutation(() => UsersBulkPayload, { description: 'Reactivates up to 1,000 suspended users in one transaction; unknown ids are reported per index. Requires users:write. Emits User.Reactivated.' })
  async usersBulkReactivate(@Arg('input', () => UsersBulkInput) input: UsersBulkInput, @Ctx() ctx: RequestContext): Promise<UsersBulkPayload> {
    return this.bulk(() => ctx.services.users.reactivateMany(ctx, bulkItems(input.ids)));
  }

  private async bulk(run: () => Promise<{ users: User[]; problems: import('../user.service.js').BulkProblem[] }>): Promise<UsersBulkPayload> {
    const r = await withUserErrors(run, UserError, bulkInputError);
    return payload(UsersBulkPayload, {
      users: r.result?.users.map(toUserType) ?? [],
      userErrors: r.result ? r.result.problems.map(bulkUserError) : r.userErrors,
    });
  }

  @Authorized('users:write')
  @Mutation(() => UsersBulkDeletePayload, { description: 'Deletes up to 1,000 users in one transaction (as userDelete); unknown ids are reported per index. Requires users:write. Emits User.Deleted, Session.Ended.' })
  async usersBulkDelete(@Arg('input', () => UsersBulkInput) input: UsersBulkInput, @Ctx() ctx: RequestContext): Promise<UsersBulkDeletePayload> {
    const r = await withUserErrors(() => ctx.services.users.deleteMany(ctx, bulkItems(input.ids)), UserError, bulkInputError);
    return payload(UsersBulkDeletePayload, {
      deletedUserIds: r.result?.deletedIds.map((id) => encodeGlobalId('User', id)) ?? [],
      userErrors: r.result ? r.result.problems.map(bulkUserError) : r.userErrors,
    });
  }

  @Authorized('users:write')
  @Mutation(() => UserSessionRevokePayload, { description: 'Ends one browser session of a user and queues back-channel logout to the applications that took part in it. Requires users:write. Emits Session.Ended.' })
  async userSessionRevoke(@Arg('id', () => ID, { description: 'Global id of the Session.' }) id: string, @Ctx() ctx: RequestContext): Promise<UserSessionRevokePayload> {
    const r = await withUserErrors(async () => {
      const uuid = uuidOf(id, 'Session');
      if (!uuid) throw new UserError(UserErrorCode.SESSION_NOT_FOUND, 'session not found or already ended', ['id']);
      return ctx.services.users.revokeSession(ctx, uuid);
    }, UserError, userUserError);
    return payload(UserSessionRevokePayload, { session: r.result ? toSessionType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('users:write')
  @Mutation(() => UserSessionsRevokeAllPayload, { description: 'Ends every live browser session of a user (back-channel logout for each). Requires users:write. Emits Session.Ended.' })
  async userSessionsRevokeAll(@Arg('userId', () => ID) userId: string, @Ctx() ctx: RequestContext): Promise<UserSessionsRevokeAllPayload> {
    const r = await withUserErrors(async () => ctx.services.users.revokeAllSessions(ctx, userUuid(userId, 'userId')), UserError, userUserError);
    return payload(UserSessionsRevokeAllPayload, { user: r.result ? toUserType(r.result.user) : null, revokedCount: r.result?.count ?? 0, userErrors: r.userErrors });
  }

  @Authorized('users:write')
  @Mutation(() => UserConsentRevokePayload, { description: 'Revokes a user\'s consent to an application and every token family of that user and application (refresh tokens, access tokens, unredeemed codes). Requires users:write. Emits Consent.Revoked.' })
  async userConsentRevoke(
    @Arg('userId', () => ID) userId: string,
    @Arg('clientId', () => String, { description: 'The application\'s OAuth client_id.' }) clientId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<UserConsentRevokePayload> {
    const r = await withUserErrors(async () => ctx.services.users.revokeConsent(ctx, userUuid(userId, 'userId'), clientId.slice(0, 128)), UserError, userUserError);
    return payload(UserConsentRevokePayload, { user: r.result ? toUserType(r.result.user) : null, revokedTokenFamilies: r.result?.revokedTokenFamilies ?? 0, userErrors: r.userErrors });
  }
}

@Resolver(() => UserConnection)
export class UserConnectionResolver {
  @Authorized('users:read')
  @FieldResolver(() => Int, { description: 'Exact number of users matching the query and filter (pagination aside); costs one COUNT statement. Requires users:read.' })
  async totalCount(@Root() conn: UserConnectionRoot, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.users.count(ctx, conn.filter);
  }
}
