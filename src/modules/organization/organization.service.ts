import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MailTransport } from '../notification/index.js';
import { h } from '../../shared/html.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomToken, uuid } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { keysetPage, type Page, type PageRequest } from '../../db/keyset.js';
import type { EventType } from '../../events/event-names.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { hasControlChars } from '../../shared/text.js';
import { Role } from '../rbac/index.js';
import { normaliseEmail, User } from '../user/index.js';
import {
  Organization, OrganizationDomain, OrganizationInvitation, OrganizationMember, OrganizationMemberRole, type InvitationStatus,
} from './organization.entity.js';
import { OrganizationError, OrganizationErrorCode as Code } from './organization.errors.js';

export const DEFAULT_INVITATION_TTL_SECONDS = 7 * 86_400;
export const MAX_INVITATION_TTL_SECONDS = 30 * 86_400;
/** The DNS name under which a domain's verification value is published (TXT). */
export const DOMAIN_CHALLENGE_LABEL = '_signet-challenge';
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export interface OrganizationCreateInput { name: string; description?: string | null; ownerId?: string | null; mfaRequired?: boolean | null }
export interface OrganizationUpdateInput { name?: string | null; description?: string | null; mfaRequired?: boolean | null }
export interface InvitationCreateInput { organizationId: string; email: string; roleIds?: string[] | null; expiresInSeconds?: number | null }

type Changes = Record<string, { before: unknown; after: unknown }>;

/** Invitation status as callers see it: a pending invitation past its expiry is expired. */
export function invitationStatus(i: OrganizationInvitation, now = Date.now()): InvitationStatus {
  return i.status === 'pending' && i.expiresAt.getTime() <= now ? 'expired' : i.status;
}

/** The user behind a user-delegated management token (null for client_credentials tokens). */
export function actingUser(ctx: RequestContext): string | null {
  const a = ctx.actor;
  return a.kind === 'user' || (a.kind === 'client' && a.clientId !== undefined && a.id !== a.clientId && a.tenantId === ctx.tenant.id) ? a.id : null;
}

function checkName(name: string): string {
  const n = name.trim();
  assertThat(n.length >= 1 && n.length <= 200 && !hasControlChars(n), () => new OrganizationError(Code.NAME_INVALID, 'name must be 1-200 characters without control characters', ['input', 'name']));
  return n;
}

function checkDescription(d: string | null | undefined): string | null {
  if (d == null) return null;
  assertThat(d.length <= 500 && !hasControlChars(d), () => new OrganizationError(Code.NAME_INVALID, 'description must be at most 500 characters without control characters', ['input', 'description']));
  return d;
}

export class OrganizationService {
  constructor(private readonly deps: { mail?: MailTransport } = {}) {}

  private fork(ctx: RequestContext): EntityManager {
    return ctx.em.fork({ clear: false }) as EntityManager;
  }

  private event(em: EntityManager, ctx: RequestContext, type: EventType, organizationId: string, payload: Record<string, unknown>): void {
    recordEvent(em, { tenantId: ctx.tenant.id, type, actor: ctx.actor, requestId: ctx.requestId, target: { type: 'Organization', id: organizationId }, payload: { organizationId, ...payload } });
  }

  private async commit(em: EntityManager, onUnique?: () => OrganizationError): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (onUnique && err instanceof UniqueConstraintViolationException) throw onUnique();
      throw err;
    }
    await notifyOutbox(em);
  }

  private async org(em: EntityManager, id: string, field: string[]): Promise<Organization> {
    const o = await em.findOne(Organization, { id });
    assertThat(o, () => new OrganizationError(Code.NOT_FOUND, 'organization not found', field));
    return o;
  }

  private async user(em: EntityManager, id: string, field: string[]): Promise<User> {
    const u = await em.findOne(User, { id });
    assertThat(u, () => new OrganizationError(Code.USER_NOT_FOUND, 'user not found', field));
    return u;
  }

  private async roles(em: EntityManager, ids: readonly string[] | null | undefined, field: string[]): Promise<Role[]> {
    const unique = [...new Set(ids ?? [])];
    const roles = unique.length ? await em.find(Role, { id: { $in: unique } }) : [];
    assertThat(roles.length === unique.length, () => new OrganizationError(Code.ROLE_NOT_FOUND, 'a role does not exist', field));
    return roles;
  }

  private addMember(em: EntityManager, ctx: RequestContext, orgId: string, userId: string, roles: Role[]): OrganizationMember {
    const m = em.create(OrganizationMember, { id: uuid(), tenant: ctx.tenant.id, organization: orgId, user: userId });
    for (const r of roles) em.create(OrganizationMemberRole, { id: uuid(), tenant: ctx.tenant.id, member: m.id, role: r.id });
    this.event(em, ctx, 'Organization.Member.Added', orgId, { userId, roles: roles.map((r) => r.name) });
    return m;
  }

  /** Emits Organization.Created (and Organization.Member.Added for the owner). */
  async create(ctx: RequestContext, input: OrganizationCreateInput): Promise<Organization> {
    const name = checkName(input.name);
    const description = checkDescription(input.description);
    const em = this.fork(ctx);
    if (input.ownerId) await this.user(em, input.ownerId, ['input', 'ownerId']);
    const org = em.create(Organization, { id: uuid(), tenant: ctx.tenant.id, name, description, owner: input.ownerId ?? null, pendingOwner: null, mfaRequired: input.mfaRequired ?? false });
    this.event(em, ctx, 'Organization.Created', org.id, { name, ownerId: input.ownerId ?? null });
    if (input.ownerId) this.addMember(em, ctx, org.id, input.ownerId, []);
    await this.commit(em);
    return org;
  }

  /** Emits Organization.Updated with the changed fields before and after. */
  async update(ctx: RequestContext, id: string, input: OrganizationUpdateInput): Promise<Organization> {
    const em = this.fork(ctx);
    const org = await this.org(em, id, ['id']);
    const changes: Changes = {};
    if (input.name != null) {
      const name = checkName(input.name);
      if (name !== org.name) changes.name = { before: org.name, after: name };
      org.name = name;
    }
    if (input.description !== undefined) {
      const d = checkDescription(input.description);
      if (d !== (org.description ?? null)) changes.description = { before: org.description ?? null, after: d };
      org.description = d;
    }
    if (input.mfaRequired != null && input.mfaRequired !== org.mfaRequired) {
      changes.mfaRequired = { before: org.mfaRequired, after: input.mfaRequired };
      org.mfaRequired = input.mfaRequired;
    }
    if (Object.keys(changes).length) {
      this.event(em, ctx, 'Organization.Updated', id, { changes });
      await this.commit(em);
    }
    return org;
  }

  /** Deletes the organization with its memberships, invitations and domains. Emits Organization.Deleted. */
  async delete(ctx: RequestContext, id: string): Promise<string> {
    const em = this.fork(ctx);
    const org = await this.org(em, id, ['id']);
    this.event(em, ctx, 'Organization.Deleted', id, { name: org.name });
    em.remove(org);
    await this.commit(em);
    return id;
  }

  list(ctx: RequestContext, page: PageRequest): Promise<Page<Organization>> {
    return keysetPage<Organization>(ctx.em, Organization, {}, { field: 'createdAt', direction: 'ASC', toValue: (o) => o.createdAt.toISOString(), parse: (v) => new Date(v) }, page);
  }

  findByIds(ctx: RequestContext, ids: readonly string[]): Promise<Organization[]> {
    return ids.length ? ctx.em.find(Organization, { id: { $in: [...ids] } }) : Promise.resolve([]);
  }

  members(ctx: RequestContext, organizationId: string, page: PageRequest): Promise<Page<OrganizationMember>> {
    return keysetPage<OrganizationMember>(ctx.em, OrganizationMember, { organization: organizationId }, { field: 'createdAt', direction: 'ASC', toValue: (m) => m.createdAt.toISOString(), parse: (v) => new Date(v) }, page);
  }

  /** Memberships of users (for User.organizations), one statement per batch. */
  membershipsOfUsers(ctx: RequestContext, userIds: readonly string[]): Promise<OrganizationMember[]> {
    return ctx.em.find(OrganizationMember, { user: { $in: [...userIds] } }, { orderBy: { createdAt: 'ASC', id: 'ASC' } });
  }

  memberRoleLinks(ctx: RequestContext, memberIds: readonly string[]): Promise<OrganizationMemberRole[]> {
    return ctx.em.find(OrganizationMemberRole, { member: { $in: [...memberIds] } });
  }

  /** Roles held through memberships: the rbac module's MembershipRoleSource. */
  async membershipRoles(em: EntityManager, userId: string, organizationId?: string): Promise<Array<{ roleId: string; organizationId: string }>> {
    const members = await em.find(OrganizationMember, organizationId ? { user: userId, organization: organizationId } : { user: userId });
    if (!members.length) return [];
    const byId = new Map(members.map((m) => [m.id, m.organization]));
    const links = await em.find(OrganizationMemberRole, { member: { $in: [...byId.keys()] } });
    return links.map((l) => ({ roleId: l.role, organizationId: byId.get(l.member)! }));
  }

  /** Adds a user to an organization with roles. Emits Organization.Member.Added. */
  async memberAdd(ctx: RequestContext, input: { organizationId: string; userId: string; roleIds?: string[] | null }): Promise<OrganizationMember> {
    const em = this.fork(ctx);
    const org = await this.org(em, input.organizationId, ['input', 'organizationId']);
    await this.user(em, input.userId, ['input', 'userId']);
    const roles = await this.roles(em, input.roleIds, ['input', 'roleIds']);
    const dup = () => new OrganizationError(Code.ALREADY_MEMBER, 'the user is already a member of the organization', ['input', 'userId']);
    assertThat(!(await em.findOne(OrganizationMember, { organization: org.id, user: input.userId })), dup);
    const m = this.addMember(em, ctx, org.id, input.userId, roles);
    await this.commit(em, dup);
    return m;
  }

  /** Removes a member (never the owner: transfer ownership first). Emits Organization.Member.Removed. */
  async memberRemove(ctx: RequestContext, input: { organizationId: string; userId: string }): Promise<string> {
    const em = this.fork(ctx);
    const org = await this.org(em, input.organizationId, ['input', 'organizationId']);
    const m = await em.findOne(OrganizationMember, { organization: org.id, user: input.userId });
    assertThat(m, () => new OrganizationError(Code.NOT_MEMBER, 'the user is not a member of the organization', ['input', 'userId']));
    assertThat(org.owner !== input.userId, () => new OrganizationError(Code.OWNER_CANNOT_LEAVE, 'the owner cannot be removed; transfer ownership first', ['input', 'userId']));
    if (org.pendingOwner === input.userId) org.pendingOwner = null;
    em.remove(m);
    this.event(em, ctx, 'Organization.Member.Removed', org.id, { userId: input.userId });
    await this.commit(em);
    return m.id;
  }

  /** Replaces a member's roles in the organization. Emits Organization.Member.Role.Changed. */
  async memberRolesSet(ctx: RequestContext, input: { organizationId: string; userId: string; roleIds: string[] }): Promise<OrganizationMember> {
    const em = this.fork(ctx);
    const org = await this.org(em, input.organizationId, ['input', 'organizationId']);
    const m = await em.findOne(OrganizationMember, { organization: org.id, user: input.userId });
    assertThat(m, () => new OrganizationError(Code.NOT_MEMBER, 'the user is not a member of the organization', ['input', 'userId']));
    const roles = await this.roles(em, input.roleIds, ['input', 'roleIds']);
    const current = await em.find(OrganizationMemberRole, { member: m.id });
    const want = new Set(roles.map((r) => r.id));
    const have = new Set(current.map((c) => c.role));
    const removed = current.filter((c) => !want.has(c.role));
    const added = roles.filter((r) => !have.has(r.id));
    if (!removed.length && !added.length) return m;
    const removedRoles = await em.find(Role, { id: { $in: removed.map((r) => r.role) } });
    for (const r of removed) em.remove(r);
    for (const r of added) em.create(OrganizationMemberRole, { id: uuid(), tenant: ctx.tenant.id, member: m.id, role: r.id });
    this.event(em, ctx, 'Organization.Member.Role.Changed', org.id, { userId: input.userId, added: added.map((r) => r.name), removed: removedRoles.map((r) => r.name) });
    await this.commit(em);
    return m;
  }

  // ---- invitations ----

  /**
   * Invites an email address to join with roles. The token is returned once (no mail transport
   * exists yet: the caller delivers the link). Emits Organization.Invitation.Created.
   */
  async invitationCreate(ctx: RequestContext, input: InvitationCreateInput): Promise<{ invitation: OrganizationInvitation; token: string }> {
    const email = normaliseEmail(input.email);
    assertThat(EMAIL.test(email) && !hasControlChars(email), () => new OrganizationError(Code.EMAIL_INVALID, 'email is not a valid address', ['input', 'email']));
    const ttl = input.expiresInSeconds ?? DEFAULT_INVITATION_TTL_SECONDS;
    assertThat(Number.isInteger(ttl) && ttl >= 60 && ttl <= MAX_INVITATION_TTL_SECONDS,
      () => new OrganizationError(Code.EXPIRY_INVALID, `expiresInSeconds must be 60-${MAX_INVITATION_TTL_SECONDS}`, ['input', 'expiresInSeconds']));
    const em = this.fork(ctx);
    const org = await this.org(em, input.organizationId, ['input', 'organizationId']);
    const roles = await this.roles(em, input.roleIds, ['input', 'roleIds']);
    const token = randomToken(32);
    const invitation = em.create(OrganizationInvitation, {
      id: uuid(), tenant: ctx.tenant.id, organization: org.id, email, tokenHash: sha256Hex(token), roleIds: roles.map((r) => r.id),
      status: 'pending', expiresAt: new Date(Date.now() + ttl * 1000), acceptedBy: null,
    });
    this.event(em, ctx, 'Organization.Invitation.Created', org.id, { invitationId: invitation.id, email, roles: roles.map((r) => r.name), expiresAt: invitation.expiresAt.toISOString() });
    await this.commit(em);
    // The invitation goes to the invitee too (the token is also returned once, for custom delivery).
    await this.deps.mail?.send({
      to: email,
      subject: `You are invited to join ${org.name}`,
      text: [`You have been invited to join ${org.name} at ${ctx.tenant.name || ctx.tenant.slug}.`, `Invitation code: ${token}`,
        `The invitation expires at ${invitation.expiresAt.toISOString()}.`].join('\n\n'),
      html: `<p>You have been invited to join ${h(org.name)} at ${h(ctx.tenant.name || ctx.tenant.slug)}.</p><p>Invitation code: <code>${token}</code></p><p>The invitation expires at ${invitation.expiresAt.toISOString()}.</p>`,
    }, { tenantId: ctx.tenant.id });
    return { invitation, token };
  }

  /**
   * Accepts an invitation for a user whose email is the invited address: the user joins with the
   * invited roles. Emits Organization.Invitation.Accepted and Organization.Member.Added.
   */
  async invitationAccept(ctx: RequestContext, input: { token: string; userId: string }): Promise<OrganizationInvitation> {
    const em = this.fork(ctx);
    const inv = input.token.length <= 200 ? await em.findOne(OrganizationInvitation, { tokenHash: sha256Hex(input.token) }) : null;
    assertThat(inv, () => new OrganizationError(Code.INVITATION_NOT_FOUND, 'invitation not found', ['input', 'token']));
    const status = invitationStatus(inv);
    assertThat(status !== 'expired', () => new OrganizationError(Code.INVITATION_EXPIRED, 'the invitation has expired', ['input', 'token']));
    assertThat(status === 'pending', () => new OrganizationError(Code.INVITATION_NOT_PENDING, `the invitation was already ${status}`, ['input', 'token']));
    const user = await this.user(em, input.userId, ['input', 'userId']);
    assertThat(user.email === inv.email, () => new OrganizationError(Code.INVITATION_EMAIL_MISMATCH, 'the invitation was sent to another email address', ['input', 'userId']));
    const roles = await em.find(Role, { id: { $in: inv.roleIds } });
    inv.status = 'accepted';
    inv.acceptedBy = user.id;
    this.event(em, ctx, 'Organization.Invitation.Accepted', inv.organization, { invitationId: inv.id, userId: user.id, changes: { status: { before: 'pending', after: 'accepted' } } });
    if (!(await em.findOne(OrganizationMember, { organization: inv.organization, user: user.id }))) this.addMember(em, ctx, inv.organization, user.id, roles);
    await this.commit(em);
    return inv;
  }

  /** Emits Organization.Invitation.Revoked. */
  async invitationRevoke(ctx: RequestContext, id: string): Promise<OrganizationInvitation> {
    const em = this.fork(ctx);
    const inv = await em.findOne(OrganizationInvitation, { id });
    assertThat(inv, () => new OrganizationError(Code.INVITATION_NOT_FOUND, 'invitation not found', ['id']));
    const status = invitationStatus(inv);
    assertThat(status === 'pending', () => new OrganizationError(Code.INVITATION_NOT_PENDING, `the invitation was already ${status}`, ['id']));
    inv.status = 'revoked';
    this.event(em, ctx, 'Organization.Invitation.Revoked', inv.organization, { invitationId: inv.id, changes: { status: { before: 'pending', after: 'revoked' } } });
    await this.commit(em);
    return inv;
  }

  invitations(ctx: RequestContext, organizationId: string): Promise<OrganizationInvitation[]> {
    return ctx.em.find(OrganizationInvitation, { organization: organizationId }, { orderBy: { createdAt: 'DESC', id: 'DESC' }, limit: 100 });
  }

  // ---- domains ----

  /** Claims a domain; returns the TXT value to publish. Emits Organization.Domain.Added. */
  async domainAdd(ctx: RequestContext, input: { organizationId: string; domain: string }): Promise<OrganizationDomain> {
    const domain = input.domain.trim().toLowerCase().replace(/\.$/, '');
    assertThat(DOMAIN.test(domain), () => new OrganizationError(Code.DOMAIN_INVALID, 'domain must be a DNS name such as example.com', ['input', 'domain']));
    const em = this.fork(ctx);
    const org = await this.org(em, input.organizationId, ['input', 'organizationId']);
    const taken = () => new OrganizationError(Code.DOMAIN_TAKEN, `domain "${domain}" is already claimed in this tenant`, ['input', 'domain']);
    assertThat(!(await em.findOne(OrganizationDomain, { domain })), taken);
    const d = em.create(OrganizationDomain, { id: uuid(), tenant: ctx.tenant.id, organization: org.id, domain, verificationValue: `signet-verification=${randomToken(24)}`, verifiedAt: null });
    this.event(em, ctx, 'Organization.Domain.Added', org.id, { domainId: d.id, domain });
    await this.commit(em, taken);
    return d;
  }

  /**
   * Marks a domain verified after an operator checked the TXT record (Signet makes no DNS
   * queries itself). Emits Organization.Domain.Verified.
   */
  async domainVerify(ctx: RequestContext, id: string): Promise<OrganizationDomain> {
    const em = this.fork(ctx);
    const d = await em.findOne(OrganizationDomain, { id });
    assertThat(d, () => new OrganizationError(Code.DOMAIN_NOT_FOUND, 'domain not found', ['id']));
    if (d.verifiedAt) return d;
    d.verifiedAt = new Date();
    this.event(em, ctx, 'Organization.Domain.Verified', d.organization, { domainId: d.id, domain: d.domain, changes: { verifiedAt: { before: null, after: d.verifiedAt.toISOString() } } });
    await this.commit(em);
    return d;
  }

  /** Emits Organization.Domain.Removed. */
  async domainRemove(ctx: RequestContext, id: string): Promise<string> {
    const em = this.fork(ctx);
    const d = await em.findOne(OrganizationDomain, { id });
    assertThat(d, () => new OrganizationError(Code.DOMAIN_NOT_FOUND, 'domain not found', ['id']));
    em.remove(d);
    this.event(em, ctx, 'Organization.Domain.Removed', d.organization, { domainId: d.id, domain: d.domain });
    await this.commit(em);
    return id;
  }

  domains(ctx: RequestContext, organizationId: string): Promise<OrganizationDomain[]> {
    return ctx.em.find(OrganizationDomain, { organization: organizationId }, { orderBy: { domain: 'ASC' } });
  }

  // ---- ownership ----

  /**
   * Step 1: the owner offers ownership to another member. With a user's token only the current
   * owner may offer; a management client acts for the tenant. Emits Organization.Ownership.Offered.
   */
  async ownershipOffer(ctx: RequestContext, input: { organizationId: string; newOwnerId: string }): Promise<Organization> {
    const em = this.fork(ctx);
    const org = await this.org(em, input.organizationId, ['input', 'organizationId']);
    const caller = actingUser(ctx);
    assertThat(caller === null || caller === org.owner, () => new OrganizationError(Code.NOT_OWNER, 'only the current owner may offer ownership', ['input', 'organizationId']));
    assertThat(input.newOwnerId !== org.owner, () => new OrganizationError(Code.ALREADY_MEMBER, 'the user already owns the organization', ['input', 'newOwnerId']));
    assertThat(await em.findOne(OrganizationMember, { organization: org.id, user: input.newOwnerId }),
      () => new OrganizationError(Code.NOT_MEMBER, 'ownership can only be offered to a member of the organization', ['input', 'newOwnerId']));
    const before = org.pendingOwner ?? null;
    org.pendingOwner = input.newOwnerId;
    this.event(em, ctx, 'Organization.Ownership.Offered', org.id, { fromUserId: org.owner ?? null, toUserId: input.newOwnerId, changes: { pendingOwner: { before, after: input.newOwnerId } } });
    await this.commit(em);
    return org;
  }

  /**
   * Step 2: the offered member accepts. With a user's token only that member may accept.
   * Emits Organization.Ownership.Transferred.
   */
  async ownershipAccept(ctx: RequestContext, input: { organizationId: string; userId: string }): Promise<Organization> {
    const em = this.fork(ctx);
    const org = await this.org(em, input.organizationId, ['input', 'organizationId']);
    const caller = actingUser(ctx);
    assertThat(org.pendingOwner && org.pendingOwner === input.userId && (caller === null || caller === input.userId),
      () => new OrganizationError(Code.NO_PENDING_TRANSFER, 'ownership of this organization was not offered to this user', ['input', 'userId']));
    const from = org.owner ?? null;
    org.owner = input.userId;
    org.pendingOwner = null;
    this.event(em, ctx, 'Organization.Ownership.Transferred', org.id, { fromUserId: from, toUserId: input.userId, changes: { owner: { before: from, after: input.userId } } });
    await this.commit(em);
    return org;
  }
}
