import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../graph/connection/connection.js';
import { UserErrorInterface } from '../../../graph/errors/user-error.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import type { Organization, OrganizationDomain, OrganizationInvitation, OrganizationMember } from '../organization.entity.js';
import { OrganizationError, OrganizationErrorCode } from '../organization.errors.js';
import { DOMAIN_CHALLENGE_LABEL, invitationStatus } from '../organization.service.js';

registerEnumType(OrganizationErrorCode, {
  name: 'OrganizationErrorCode',
  description: 'Why an organization mutation was refused.',
  valuesConfig: {
    NOT_FOUND: { description: 'No organization with this id in the tenant.' },
    NAME_INVALID: { description: 'The name or description is empty, too long or has control characters.' },
    USER_NOT_FOUND: { description: 'The user does not exist in this tenant.' },
    ROLE_NOT_FOUND: { description: 'A role does not exist in this tenant.' },
    ALREADY_MEMBER: { description: 'The user is already a member (or already the owner).' },
    NOT_MEMBER: { description: 'The user is not a member of the organization.' },
    OWNER_CANNOT_LEAVE: { description: 'The owner cannot be removed; transfer ownership first.' },
    NOT_OWNER: { description: 'Only the current owner may offer ownership.' },
    NO_PENDING_TRANSFER: { description: 'Ownership was not offered to this user.' },
    EMAIL_INVALID: { description: 'The email address is not valid.' },
    EXPIRY_INVALID: { description: 'The invitation lifetime is outside 60 seconds to 30 days.' },
    INVITATION_NOT_FOUND: { description: 'No invitation with this id or token.' },
    INVITATION_EXPIRED: { description: 'The invitation has expired.' },
    INVITATION_NOT_PENDING: { description: 'The invitation was already accepted or revoked.' },
    INVITATION_EMAIL_MISMATCH: { description: 'The user\'s email is not the invited address.' },
    DOMAIN_INVALID: { description: 'The domain is not a DNS name.' },
    DOMAIN_TAKEN: { description: 'Another organization of the tenant claims the domain.' },
    DOMAIN_NOT_FOUND: { description: 'No domain with this id.' },
  },
});

@ObjectType('OrganizationUserError', { implements: UserErrorInterface, description: 'A problem with an organization mutation\'s input.' })
export class OrganizationUserError extends UserErrorInterface {
  @Field(() => OrganizationErrorCode, { description: 'Machine-readable reason.' })
  code!: OrganizationErrorCode;
}

/** Exhaustive mapping of organization domain errors to userErrors. */
export function organizationUserError(e: OrganizationError): OrganizationUserError {
  switch (e.code) {
    case OrganizationErrorCode.NOT_FOUND: case OrganizationErrorCode.NAME_INVALID: case OrganizationErrorCode.USER_NOT_FOUND: case OrganizationErrorCode.ROLE_NOT_FOUND:
    case OrganizationErrorCode.ALREADY_MEMBER: case OrganizationErrorCode.NOT_MEMBER: case OrganizationErrorCode.OWNER_CANNOT_LEAVE: case OrganizationErrorCode.NOT_OWNER:
    case OrganizationErrorCode.NO_PENDING_TRANSFER: case OrganizationErrorCode.EMAIL_INVALID: case OrganizationErrorCode.EXPIRY_INVALID:
    case OrganizationErrorCode.INVITATION_NOT_FOUND: case OrganizationErrorCode.INVITATION_EXPIRED: case OrganizationErrorCode.INVITATION_NOT_PENDING:
    case OrganizationErrorCode.INVITATION_EMAIL_MISMATCH: case OrganizationErrorCode.DOMAIN_INVALID: case OrganizationErrorCode.DOMAIN_TAKEN: case OrganizationErrorCode.DOMAIN_NOT_FOUND:
      return Object.assign(new OrganizationUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@ObjectType('Organization', { implements: NodeInterface, description: 'An organization (workspace, customer company) in the tenant: members with per-organization roles, invitations, domains, one owner. Requires organizations:read.' })
export class OrganizationType extends NodeInterface {
  uuid!: string;
  ownerId!: string | null;
  pendingOwnerId!: string | null;
  @Field(() => String, { description: 'The protocol identifier: pass it as the `organization` parameter at the authorization and token endpoints; tokens carry it as `org_id`.' })
  organizationId!: string;
  @Field(() => String, { description: 'Display name.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Description.' })
  description!: string | null;
  @Field(() => Boolean, { description: 'Whether sign-ins for this organization (the `organization` authorization parameter) always need a second factor.' })
  mfaRequired!: boolean;
  @Field(() => DateTimeScalar, { description: 'When the organization was created.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the organization last changed.' })
  updatedAt!: Date;
}

export const toOrganizationType = (o: Organization): OrganizationType => Object.assign(new OrganizationType(), {
  id: encodeGlobalId('Organization', o.id), uuid: o.id, organizationId: o.id, ownerId: o.owner ?? null, pendingOwnerId: o.pendingOwner ?? null,
  name: o.name, description: o.description ?? null, mfaRequired: o.mfaRequired, createdAt: o.createdAt, updatedAt: o.updatedAt,
});

@ObjectType('OrganizationMember', { description: 'A user\'s membership in an organization. Requires organizations:read.' })
export class OrganizationMemberType {
  uuid!: string;
  userId!: string;
  organizationUuid!: string;
  @Field(() => DateTimeScalar, { description: 'When the user joined.' })
  joinedAt!: Date;
}

export const toOrganizationMemberType = (m: OrganizationMember): OrganizationMemberType => Object.assign(new OrganizationMemberType(), {
  uuid: m.id, userId: m.user, organizationUuid: m.organization, joinedAt: m.createdAt,
});

export const { Edge: OrganizationEdge, Connection: OrganizationConnection } = connectionTypes(OrganizationType, 'Organization');
export const { Edge: OrganizationMemberEdge, Connection: OrganizationMemberConnection } = connectionTypes(OrganizationMemberType, 'OrganizationMember');

export enum InvitationStatusEnum {
  PENDING = 'pending',
  ACCEPTED = 'accepted',
  REVOKED = 'revoked',
  EXPIRED = 'expired',
}
registerEnumType(InvitationStatusEnum, { name: 'OrganizationInvitationStatus', description: 'Where an invitation stands (a pending invitation past its expiry is EXPIRED).' });

@ObjectType('OrganizationInvitation', { implements: NodeInterface, description: 'An invitation to join an organization. The token is never readable here. Requires organizations:read.' })
export class OrganizationInvitationType extends NodeInterface {
  roleIds!: string[];
  @Field(() => String, { description: 'The invited email address.' })
  email!: string;
  @Field(() => InvitationStatusEnum, { description: 'Pending, accepted, revoked or expired.' })
  status!: InvitationStatusEnum;
  @Field(() => DateTimeScalar, { description: 'When the invitation stops being acceptable.' })
  expiresAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;
}

export const toInvitationType = (i: OrganizationInvitation): OrganizationInvitationType => Object.assign(new OrganizationInvitationType(), {
  id: encodeGlobalId('OrganizationInvitation', i.id), roleIds: i.roleIds, email: i.email, status: invitationStatus(i) as InvitationStatusEnum,
  expiresAt: i.expiresAt, createdAt: i.createdAt,
});

@ObjectType('OrganizationDomain', { implements: NodeInterface, description: 'A domain an organization claims (SSO routing). Requires organizations:read.' })
export class OrganizationDomainType extends NodeInterface {
  @Field(() => String, { description: 'The domain, lowercased.' })
  domain!: string;
  @Field(() => String, { description: `DNS name of the TXT record to publish: \`${DOMAIN_CHALLENGE_LABEL}.<domain>\`.` })
  verificationRecordName!: string;
  @Field(() => String, { description: 'The TXT record value to publish.' })
  verificationRecordValue!: string;
  @Field(() => Boolean, { description: 'Whether an operator confirmed the record.' })
  verified!: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the domain was verified.' })
  verifiedAt!: Date | null;
}

export const toDomainType = (d: OrganizationDomain): OrganizationDomainType => Object.assign(new OrganizationDomainType(), {
  id: encodeGlobalId('OrganizationDomain', d.id), domain: d.domain, verificationRecordName: `${DOMAIN_CHALLENGE_LABEL}.${d.domain}`,
  verificationRecordValue: d.verificationValue, verified: d.verifiedAt != null, verifiedAt: d.verifiedAt ?? null,
});

@InputType('OrganizationCreateInput', { description: 'A new organization.' })
export class OrganizationCreateInput {
  @Field(() => String, { description: 'Display name (1-200 characters).' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Description.' }) description?: string | null;
  @Field(() => ID, { nullable: true, description: 'The owner (a user; becomes the first member).' }) ownerId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Require a second factor for sign-ins to this organization (default false).' }) mfaRequired?: boolean | null;
}

@InputType('OrganizationUpdateInput', { description: 'Changes to an organization; omitted fields stay as they are.' })
export class OrganizationUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'New description.' }) description?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Require a second factor for sign-ins to this organization.' }) mfaRequired?: boolean | null;
}

@InputType('OrganizationMemberAddInput', { description: 'A user to add to an organization.' })
export class OrganizationMemberAddInput {
  @Field(() => ID, { description: 'The organization.' }) organizationId!: string;
  @Field(() => ID, { description: 'The user.' }) userId!: string;
  @Field(() => [ID], { nullable: true, description: 'Roles in this organization.' }) roleIds?: string[] | null;
}

@InputType('OrganizationMemberInput', { description: 'A member of an organization.' })
export class OrganizationMemberInput {
  @Field(() => ID, { description: 'The organization.' }) organizationId!: string;
  @Field(() => ID, { description: 'The user.' }) userId!: string;
}

@InputType('OrganizationMemberRolesSetInput', { description: 'The complete set of a member\'s roles in an organization.' })
export class OrganizationMemberRolesSetInput {
  @Field(() => ID, { description: 'The organization.' }) organizationId!: string;
  @Field(() => ID, { description: 'The user.' }) userId!: string;
  @Field(() => [ID], { description: 'Every role the member should hold here (replaces the set).' }) roleIds!: string[];
}

@InputType('OrganizationInvitationCreateInput', { description: 'An invitation to join an organization.' })
export class OrganizationInvitationCreateInput {
  @Field(() => ID, { description: 'The organization.' }) organizationId!: string;
  @Field(() => String, { description: 'Email address of the person invited.' }) email!: string;
  @Field(() => [ID], { nullable: true, description: 'Roles the member gets on acceptance.' }) roleIds?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'Lifetime in seconds (60 to 2,592,000; default 604,800 = 7 days).' }) expiresInSeconds?: number | null;
}

@InputType('OrganizationInvitationAcceptInput', { description: 'Acceptance of an invitation on behalf of a user whose email is the invited address.' })
export class OrganizationInvitationAcceptInput {
  @Field(() => String, { description: 'The invitation token (from organizationInvitationCreate).' }) token!: string;
  @Field(() => ID, { description: 'The user accepting.' }) userId!: string;
}

@InputType('OrganizationDomainAddInput', { description: 'A domain to claim for an organization.' })
export class OrganizationDomainAddInput {
  @Field(() => ID, { description: 'The organization.' }) organizationId!: string;
  @Field(() => String, { description: 'A DNS name such as example.com.' }) domain!: string;
}

@InputType('OrganizationOwnershipOfferInput', { description: 'Step one of an ownership transfer.' })
export class OrganizationOwnershipOfferInput {
  @Field(() => ID, { description: 'The organization.' }) organizationId!: string;
  @Field(() => ID, { description: 'The member who should become owner.' }) newOwnerId!: string;
}

@InputType('OrganizationOwnershipAcceptInput', { description: 'Step two of an ownership transfer.' })
export class OrganizationOwnershipAcceptInput {
  @Field(() => ID, { description: 'The organization.' }) organizationId!: string;
  @Field(() => ID, { description: 'The member ownership was offered to.' }) userId!: string;
}

@ObjectType('OrganizationInvitationCreatePayload', { description: 'Result of organizationInvitationCreate.' })
export class OrganizationInvitationCreatePayload {
  @Field(() => OrganizationInvitationType, { nullable: true, description: 'The invitation, unless userErrors is non-empty.' })
  invitation!: OrganizationInvitationType | null;
  @Field(() => String, { nullable: true, description: 'The invitation token, shown only here: Signet sends no mail yet, so deliver it (e.g. in a link to your accept page).' })
  plaintextToken!: string | null;
  @Field(() => [OrganizationUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: OrganizationUserError[];
}
