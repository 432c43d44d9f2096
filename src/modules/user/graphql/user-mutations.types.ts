import { Field, ID, InputType, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import { UserErrorInterface } from '../../../graph/errors/user-error.js';
import { DateTimeScalar, JSONObjectScalar } from '../../../graph/scalars/index.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import { SessionType } from '../../session/index.js';
import { UserError, UserErrorCode } from '../user.errors.js';
import type { BulkProblem } from '../user.service.js';
import { UserType } from './user.type.js';

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a user mutation was refused.',
  valuesConfig: {
    NOT_FOUND: { description: 'No user with this id in the tenant.' },
    EMAIL_INVALID: { description: 'The email is not a valid address.' },
    EMAIL_TAKEN: { description: 'Another user of the tenant has this email.' },
    PASSWORD_TOO_WEAK: { description: 'The password breaks the tenant\'s password policy.' },
    NAME_INVALID: { description: 'A name is too long or contains control characters.' },
    PROFILE_INVALID: { description: 'A profile claim is malformed (URL, birthdate, locale, zoneinfo, phone number, address, lifetime).' },
    METADATA_INVALID: { description: 'metadata is not a JSON object of at most 16 KiB.' },
    URL_INVALID: { description: 'A link base (acceptUrl, resetUrl) is not an absolute http(s) URL.' },
    TOKEN_INVALID: { description: 'The invitation or reset token is unknown, expired or already used.' },
    STATUS_INVALID: { description: 'The user\'s status does not allow this.' },
    SESSION_NOT_FOUND: { description: 'No live session with this id in the tenant.' },
    CONSENT_NOT_FOUND: { description: 'The user has neither a consent nor tokens for this client.' },
    BULK_LIMIT_EXCEEDED: { description: 'More than 1,000 ids in one bulk action.' },
  },
});

@ObjectType('UserUserError', { implements: UserErrorInterface, description: 'A problem with a user mutation\'s input.' })
export class UserUserError extends UserErrorInterface {
  @Field(() => UserErrorCode, { description: 'Machine-readable reason.' })
  code!: UserErrorCode;
}

/** Exhaustive mapping of user domain errors to userErrors. */
export function userUserError(e: UserError): UserUserError {
  switch (e.code) {
    case UserErrorCode.NOT_FOUND:
    case UserErrorCode.EMAIL_INVALID:
    case UserErrorCode.EMAIL_TAKEN:
    case UserErrorCode.PASSWORD_TOO_WEAK:
    case UserErrorCode.NAME_INVALID:
    case UserErrorCode.PROFILE_INVALID:
    case UserErrorCode.METADATA_INVALID:
    case UserErrorCode.URL_INVALID:
    case UserErrorCode.TOKEN_INVALID:
    case UserErrorCode.STATUS_INVALID:
    case UserErrorCode.SESSION_NOT_FOUND:
    case UserErrorCode.CONSENT_NOT_FOUND:
    case UserErrorCode.BULK_LIMIT_EXCEEDED:
      return Object.assign(new UserUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@ObjectType('UserBulkUserError', { implements: UserErrorInterface, description: 'A problem with one id of a bulk user action (or with the whole input).' })
export class UserBulkUserError extends UserErrorInterface {
  @Field(() => UserErrorCode, { description: 'Machine-readable reason.' })
  code!: UserErrorCode;
  @Field(() => Int, { nullable: true, description: 'Position of the id in input.ids (null for a problem with the whole input).' })
  index!: number | null;
  @Field(() => ID, { nullable: true, description: 'The id as given.' })
  id!: string | null;
}

export function bulkUserError(p: BulkProblem): UserBulkUserError {
  return Object.assign(new UserBulkUserError(), { message: p.message, field: ['input', 'ids', String(p.index)], code: p.code, index: p.index, id: p.id });
}

export function bulkInputError(e: UserError): UserBulkUserError {
  return Object.assign(new UserBulkUserError(), { ...userUserError(e), index: null, id: null });
}

@InputType('AddressInput', { description: 'A postal address (OIDC `address` claim); empty parts are dropped.' })
export class AddressInput {
  @Field(() => String, { nullable: true, description: 'Full mailing address, formatted for display.' })
  formatted?: string | null;
  @Field(() => String, { nullable: true, description: 'Street address.' })
  streetAddress?: string | null;
  @Field(() => String, { nullable: true, description: 'City or locality.' })
  locality?: string | null;
  @Field(() => String, { nullable: true, description: 'State, province or region.' })
  region?: string | null;
  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode?: string | null;
  @Field(() => String, { nullable: true, description: 'Country.' })
  country?: string | null;
}

export function fromAddressInput(a: AddressInput | null | undefined) {
  if (a === undefined) return undefined;
  if (a === null) return null;
  return { formatted: a.formatted, street_address: a.streetAddress, locality: a.locality, region: a.region, postal_code: a.postalCode, country: a.country };
}

/** Profile claims shared by create, invite and update inputs (omitted: unchanged; null: cleared on update). */
@InputType()
export class UserProfileFields {
  @Field(() => String, { nullable: true, description: 'Full name (at most 200 characters).' })
  name?: string | null;
  @Field(() => String, { nullable: true, description: 'Given name.' })
  givenName?: string | null;
  @Field(() => String, { nullable: true, description: 'Family name.' })
  familyName?: string | null;
  @Field(() => String, { nullable: true, description: 'Middle name.' })
  middleName?: string | null;
  @Field(() => String, { nullable: true, description: 'Casual name.' })
  nickname?: string | null;
  @Field(() => String, { nullable: true, description: 'Shorthand name (`preferred_username`).' })
  preferredUsername?: string | null;
  @Field(() => String, { nullable: true, description: 'Profile picture URL (http or https).' })
  picture?: string | null;
  @Field(() => String, { nullable: true, description: 'Web page URL (http or https).' })
  website?: string | null;
  @Field(() => String, { nullable: true, description: 'Gender.' })
  gender?: string | null;
  @Field(() => String, { nullable: true, description: 'Birthday: YYYY-MM-DD, 0000-MM-DD or YYYY.' })
  birthdate?: string | null;
  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. Europe/Paris.' })
  zoneinfo?: string | null;
  @Field(() => String, { nullable: true, description: 'BCP 47 locale, e.g. en-US.' })
  locale?: string | null;
  @Field(() => String, { nullable: true, description: 'Phone number (changing it clears phoneNumberVerified unless given).' })
  phoneNumber?: string | null;
  @Field(() => AddressInput, { nullable: true, description: 'Postal address.' })
  address?: AddressInput | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Tenant-defined JSON object (at most 16 KiB), replaced as a whole.' })
  metadata?: Record<string, unknown> | null;
}

@InputType('UserCreateInput', { description: 'A new user.' })
export class UserCreateInput extends UserProfileFields {
  @Field(() => String, { description: 'Email address; unique in the tenant.' })
  email!: string;
  @Field(() => String, { nullable: true, description: 'Initial password (tenant password policy; 8-1024 characters by default), stored as argon2id; omit to pre-provision a user without credentials.' })
  password?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Mark the email as verified.' })
  emailVerified?: boolean | null;
}

@InputType('UserInviteInput', { description: 'An invitation: a user created in status INVITED and a single-use link mailed to them.' })
export class UserInviteInput extends UserProfileFields {
  @Field(() => String, { description: 'Email address; unique in the tenant.' })
  email!: string;
  @Field(() => String, { nullable: true, description: 'The page that accepts invitations (your UI); the mailed link is this URL with the token as the `token` query parameter. Without it the mail carries the token only.' })
  acceptUrl?: string | null;
  @Field(() => Int, { nullable: true, description: 'Lifetime of the invitation in seconds (300-2592000, default 604800: 7 days).' })
  expiresIn?: number | null;
}

@InputType('UserInvitationAcceptInput', { description: 'Accepting an invitation with the mailed token.' })
export class UserInvitationAcceptInput {
  @Field(() => String, { description: 'The token from the invitation mail (single use).' })
  token!: string;
  @Field(() => String, { description: 'The user\'s password (tenant password policy).' })
  password!: string;
}

@InputType('UserUpdateInput', { description: 'Changes to a user\'s profile; omitted fields stay as they are, null clears.' })
export class UserUpdateInput extends UserProfileFields {
  @Field(() => String, { nullable: true, description: 'New email (unique in the tenant); clears emailVerified unless given.' })
  email?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the email is verified.' })
  emailVerified?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the phone number is verified.' })
  phoneNumberVerified?: boolean | null;
}

@InputType('UserPasswordSetInput', { description: 'A new password for a user.' })
export class UserPasswordSetInput {
  @Field(() => String, { description: 'The password (tenant password policy), stored as argon2id.' })
  password!: string;
}

@InputType('UserPasswordResetRequestInput', { description: 'Asks for a password reset mail.' })
export class UserPasswordResetRequestInput {
  @Field(() => String, { description: 'The user\'s email address.' })
  email!: string;
  @Field(() => String, { nullable: true, description: 'The page that completes resets (your UI); the mailed link is this URL with the token as the `token` query parameter. Without it the mail carries the token only.' })
  resetUrl?: string | null;
}

@InputType('UserPasswordResetCompleteInput', { description: 'Completes a password reset with the mailed token.' })
export class UserPasswordResetCompleteInput {
  @Field(() => String, { description: 'The token from the reset mail (single use, 1 hour).' })
  token!: string;
  @Field(() => String, { description: 'The new password (tenant password policy).' })
  password!: string;
}

@InputType('UsersBulkInput', { description: 'Up to 1,000 users for a bulk action.' })
export class UsersBulkInput {
  @Field(() => [ID], { description: 'Global ids of users (at most 1,000).' })
  ids!: string[];
}

function userPayload(name: string, of: string): ClassType<{ user: UserType | null; userErrors: UserUserError[] }> {
  @ObjectType(name, { description: `Result of ${of}.` })
  class Payload {
    @Field(() => UserType, { nullable: true, description: 'The user after the change, unless userErrors is non-empty.' })
    user!: UserType | null;
    @Field(() => [UserUserError], { description: 'Problems with the input; empty on success.' })
    userErrors!: UserUserError[];
  }
  return Payload;
}

export const UserCreatePayload = userPayload('UserCreatePayload', 'userCreate');
export const UserInvitationAcceptPayload = userPayload('UserInvitationAcceptPayload', 'userInvitationAccept');
export const UserUpdatePayload = userPayload('UserUpdatePayload', 'userUpdate');
export const UserSuspendPayload = userPayload('UserSuspendPayload', 'userSuspend');
export const UserReactivatePayload = userPayload('UserReactivatePayload', 'userReactivate');
export const UserPasswordSetPayload = userPayload('UserPasswordSetPayload', 'userPasswordSet');
export const UserPasswordResetCompletePayload = userPayload('UserPasswordResetCompletePayload', 'userPasswordResetComplete');

@ObjectType('UserInvitePayload', { description: 'Result of userInvite.' })
export class UserInvitePayload {
  @Field(() => UserType, { nullable: true, description: 'The invited user (status INVITED), unless userErrors is non-empty.' })
  user!: UserType | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the invitation expires.' })
  invitationExpiresAt!: Date | null;
  @Field(() => [UserUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserUserError[];
}

@ObjectType('UserDeletePayload', { description: 'Result of userDelete.' })
export class UserDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted user, unless userErrors is non-empty.' })
  deletedUserId!: string | null;
  @Field(() => [UserUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserUserError[];
}

@ObjectType('UserPasswordResetRequestPayload', { description: 'Result of userPasswordResetRequest: the same whether or not the address belongs to an active user.' })
export class UserPasswordResetRequestPayload {
  @Field(() => [UserUserError], { description: 'Problems with the input (malformed email or resetUrl); empty otherwise.' })
  userErrors!: UserUserError[];
}

@ObjectType('UsersBulkPayload', { description: 'Result of usersBulkSuspend and usersBulkReactivate.' })
export class UsersBulkPayload {
  @Field(() => [UserType], { description: 'The users found, after the action.' })
  users!: UserType[];
  @Field(() => [UserBulkUserError], { description: 'One entry per id that could not be acted on (with its index), or one for the whole input.' })
  userErrors!: UserBulkUserError[];
}

@ObjectType('UsersBulkDeletePayload', { description: 'Result of usersBulkDelete.' })
export class UsersBulkDeletePayload {
  @Field(() => [ID], { description: 'Global ids of the deleted users.' })
  deletedUserIds!: string[];
  @Field(() => [UserBulkUserError], { description: 'One entry per id that could not be deleted (with its index), or one for the whole input.' })
  userErrors!: UserBulkUserError[];
}

@ObjectType('UserSessionRevokePayload', { description: 'Result of userSessionRevoke.' })
export class UserSessionRevokePayload {
  @Field(() => SessionType, { nullable: true, description: 'The session as it was before it ended, unless userErrors is non-empty.' })
  session!: SessionType | null;
  @Field(() => [UserUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserUserError[];
}

@ObjectType('UserSessionsRevokeAllPayload', { description: 'Result of userSessionsRevokeAll.' })
export class UserSessionsRevokeAllPayload {
  @Field(() => UserType, { nullable: true, description: 'The user, unless userErrors is non-empty.' })
  user!: UserType | null;
  @Field(() => Int, { description: 'How many live sessions ended.' })
  revokedCount!: number;
  @Field(() => [UserUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserUserError[];
}

@ObjectType('UserConsentRevokePayload', { description: 'Result of userConsentRevoke.' })
export class UserConsentRevokePayload {
  @Field(() => UserType, { nullable: true, description: 'The user, unless userErrors is non-empty.' })
  user!: UserType | null;
  @Field(() => Int, { description: 'How many token families (authorizations) were revoked.' })
  revokedTokenFamilies!: number;
  @Field(() => [UserUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserUserError[];
}
