import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';
import { User } from '../user/user.entity.js';
import { Role } from '../rbac/rbac.entity.js';

/**
 * An organization (workspace, customer company) inside a tenant. It has one owner, who is always
 * a member; ownership moves in two steps (offer by the owner, acceptance by the new owner).
 */
export const Organization = defineEntity({
  name: 'Organization',
  tableName: 'organization',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    name: p.string().length(200),
    description: p.string().length(500).nullable(),
    owner: p.manyToOne(User).mapToPk().deleteRule('set null').nullable(),
    /** The member the owner offered ownership to, until they accept (or the offer is replaced). */
    pendingOwner: p.manyToOne(User).mapToPk().deleteRule('set null').nullable(),
    /** Sign-ins for this organization (authorization requests naming it) always need a second factor. */
    mfaRequired: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  filters: tenantFilter,
});
export type Organization = InferEntity<typeof Organization>;

export const OrganizationMember = defineEntity({
  name: 'OrganizationMember',
  tableName: 'organization_member',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    organization: p.manyToOne(Organization).mapToPk().deleteRule('cascade'),
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['organization', 'user'] }],
  filters: tenantFilter,
});
export type OrganizationMember = InferEntity<typeof OrganizationMember>;

/** A role held through one organization membership (appears as org_roles in tokens for that organization). */
export const OrganizationMemberRole = defineEntity({
  name: 'OrganizationMemberRole',
  tableName: 'organization_member_role',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    member: p.manyToOne(OrganizationMember).mapToPk().deleteRule('cascade'),
    role: p.manyToOne(Role).mapToPk().deleteRule('cascade').index(),
  },
  uniques: [{ properties: ['member', 'role'] }],
  filters: tenantFilter,
});
export type OrganizationMemberRole = InferEntity<typeof OrganizationMemberRole>;

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** An invitation to join an organization; only the SHA-256 of its token is kept. */
export const OrganizationInvitation = defineEntity({
  name: 'OrganizationInvitation',
  tableName: 'organization_invitation',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    organization: p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
    email: p.string().length(320),
    tokenHash: p.string().length(64).unique(),
    roleIds: p.array().default([]),
    status: p.enum(INVITATION_STATUSES).default('pending'),
    expiresAt: p.datetime(),
    acceptedBy: p.manyToOne(User).mapToPk().deleteRule('set null').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  filters: tenantFilter,
});
export type OrganizationInvitation = InferEntity<typeof OrganizationInvitation>;

/**
 * A domain an organization claims (for SSO home-realm routing). Verified when the tenant has
 * published `verificationValue` as a DNS TXT record at `_signet-challenge.<domain>` and an
 * operator confirmed it. Unique per tenant.
 */
export const OrganizationDomain = defineEntity({
  name: 'OrganizationDomain',
  tableName: 'organization_domain',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    organization: p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
    domain: p.string().length(253),
    verificationValue: p.string().length(100),
    verifiedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'domain'] }],
  filters: tenantFilter,
});
export type OrganizationDomain = InferEntity<typeof OrganizationDomain>;
