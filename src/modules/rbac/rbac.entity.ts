import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';
import { User } from '../user/user.entity.js';

/**
 * An API (resource server) of the tenant. `identifier` is its audience URI (RFC 8707 `resource`);
 * access tokens for it carry the requested permission scopes the user effectively holds.
 */
export const ApiResource = defineEntity({
  name: 'ApiResource',
  tableName: 'api_resource',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    identifier: p.string().length(2000),
    name: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'identifier'] }],
  filters: tenantFilter,
});
export type ApiResource = InferEntity<typeof ApiResource>;

/** A permission scope an API resource defines (`invoices:read`); unique per API. */
export const Permission = defineEntity({
  name: 'Permission',
  tableName: 'permission',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    apiResource: p.manyToOne(ApiResource).mapToPk().deleteRule('cascade'),
    scope: p.string().length(200),
    description: p.string().length(500).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['apiResource', 'scope'] }],
  filters: tenantFilter,
});
export type Permission = InferEntity<typeof Permission>;

/** A named bundle of permissions, assigned to users, groups and organization memberships. */
export const Role = defineEntity({
  name: 'Role',
  tableName: 'role',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    name: p.string().length(100),
    description: p.string().length(500).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'name'] }],
  filters: tenantFilter,
});
export type Role = InferEntity<typeof Role>;

export const RolePermission = defineEntity({
  name: 'RolePermission',
  tableName: 'role_permission',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    role: p.manyToOne(Role).mapToPk().deleteRule('cascade'),
    permission: p.manyToOne(Permission).mapToPk().deleteRule('cascade').index(),
  },
  uniques: [{ properties: ['role', 'permission'] }],
  filters: tenantFilter,
});
export type RolePermission = InferEntity<typeof RolePermission>;

/** A group of users and other groups (nested; the service refuses cycles). */
export const Group = defineEntity({
  name: 'Group',
  tableName: 'user_group',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    name: p.string().length(100),
    description: p.string().length(500).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'name'] }],
  filters: tenantFilter,
});
export type Group = InferEntity<typeof Group>;

/** One member of a group: exactly one of `user` and `memberGroup` is set. */
export const GroupMember = defineEntity({
  name: 'GroupMember',
  tableName: 'group_member',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    group: p.manyToOne(Group).mapToPk().deleteRule('cascade'),
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').nullable().index(),
    memberGroup: p.manyToOne(Group).mapToPk().deleteRule('cascade').nullable().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['group', 'user'] }, { properties: ['group', 'memberGroup'] }],
  filters: tenantFilter,
});
export type GroupMember = InferEntity<typeof GroupMember>;

/** A role given directly to a user or to a group: exactly one of `user` and `group` is set. */
export const RoleAssignment = defineEntity({
  name: 'RoleAssignment',
  tableName: 'role_assignment',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    role: p.manyToOne(Role).mapToPk().deleteRule('cascade'),
    user: p.manyToOne(User).mapToPk().deleteRule('cascade').nullable().index(),
    group: p.manyToOne(Group).mapToPk().deleteRule('cascade').nullable().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['role', 'user'] }, { properties: ['role', 'group'] }],
  filters: tenantFilter,
});
export type RoleAssignment = InferEntity<typeof RoleAssignment>;
