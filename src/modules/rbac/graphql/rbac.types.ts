import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../graph/connection/connection.js';
import { UserErrorInterface } from '../../../graph/errors/user-error.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import type { ApiResource, Group, Permission, Role } from '../rbac.entity.js';
import { RbacError, RbacErrorCode } from '../rbac.errors.js';

registerEnumType(RbacErrorCode, {
  name: 'RbacErrorCode',
  description: 'Why a roles, permissions or groups mutation was refused.',
  valuesConfig: {
    NOT_FOUND: { description: 'The API resource, role or group does not exist in this tenant.' },
    USER_NOT_FOUND: { description: 'The user does not exist in this tenant.' },
    IDENTIFIER_INVALID: { description: 'The API identifier is not an absolute URI without a fragment.' },
    IDENTIFIER_TAKEN: { description: 'Another API resource has this identifier.' },
    NAME_INVALID: { description: 'A name or description is empty, too long or has control characters.' },
    NAME_TAKEN: { description: 'Another role or group has this name.' },
    SCOPE_INVALID: { description: 'The scope has characters outside RFC 6749 §3.3 NQCHAR, or is an OpenID Connect scope.' },
    SCOPE_TAKEN: { description: 'The API already defines this scope.' },
    PERMISSION_NOT_FOUND: { description: 'A permission does not exist in this tenant.' },
    ALREADY_ASSIGNED: { description: 'The user or group already has the role.' },
    NOT_ASSIGNED: { description: 'The user or group does not have the role.' },
    ALREADY_MEMBER: { description: 'The user or group is already a member of the group.' },
    NOT_MEMBER: { description: 'The user or group is not a member of the group.' },
    GROUP_CYCLE: { description: 'The group would contain itself (directly or through other groups), or nest too deep.' },
    TARGET_INVALID: { description: 'Exactly one target (user or group) must be named.' },
    TOO_MANY: { description: 'A bulk operation named no item or more than 1,000.' },
  },
});

@ObjectType('RbacUserError', { implements: UserErrorInterface, description: 'A problem with a roles, permissions or groups mutation\'s input.' })
export class RbacUserError extends UserErrorInterface {
  @Field(() => RbacErrorCode, { description: 'Machine-readable reason.' })
  code!: RbacErrorCode;
}

/** Exhaustive mapping of rbac domain errors to userErrors. */
export function rbacUserError(e: RbacError): RbacUserError {
  switch (e.code) {
    case RbacErrorCode.NOT_FOUND: case RbacErrorCode.USER_NOT_FOUND: case RbacErrorCode.IDENTIFIER_INVALID: case RbacErrorCode.IDENTIFIER_TAKEN:
    case RbacErrorCode.NAME_INVALID: case RbacErrorCode.NAME_TAKEN: case RbacErrorCode.SCOPE_INVALID: case RbacErrorCode.SCOPE_TAKEN:
    case RbacErrorCode.PERMISSION_NOT_FOUND: case RbacErrorCode.ALREADY_ASSIGNED: case RbacErrorCode.NOT_ASSIGNED: case RbacErrorCode.ALREADY_MEMBER:
    case RbacErrorCode.NOT_MEMBER: case RbacErrorCode.GROUP_CYCLE: case RbacErrorCode.TARGET_INVALID: case RbacErrorCode.TOO_MANY:
      return Object.assign(new RbacUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@ObjectType('ApiResource', { implements: NodeInterface, description: 'An API (resource server): its identifier is the audience of access tokens requested for it with `resource`. Requires roles:read.' })
export class ApiResourceType extends NodeInterface {
  uuid!: string;
  @Field(() => String, { description: 'The audience URI (RFC 8707 resource indicator). Clients list it in `audiences` and its scopes in `scopes`.' })
  identifier!: string;
  @Field(() => String, { description: 'Display name.' })
  name!: string;
  @Field(() => DateTimeScalar, { description: 'When the API resource was registered.' })
  createdAt!: Date;
}

export const toApiResourceType = (a: ApiResource): ApiResourceType => Object.assign(new ApiResourceType(), {
  id: encodeGlobalId('ApiResource', a.id), uuid: a.id, identifier: a.identifier, name: a.name, createdAt: a.createdAt,
});

@ObjectType('Permission', { implements: NodeInterface, description: 'A permission scope defined by an API resource. Requires roles:read.' })
export class PermissionType extends NodeInterface {
  uuid!: string;
  apiResourceId!: string;
  @Field(() => String, { description: 'The scope value, as requested in `scope` and carried in access tokens for the API.' })
  scope!: string;
  @Field(() => String, { nullable: true, description: 'What the permission allows.' })
  description!: string | null;
}

export const toPermissionType = (p: Permission): PermissionType => Object.assign(new PermissionType(), {
  id: encodeGlobalId('Permission', p.id), uuid: p.id, apiResourceId: p.apiResource, scope: p.scope, description: p.description ?? null,
});

@ObjectType('Role', { implements: NodeInterface, description: 'A named bundle of permissions, given to users, groups and organization memberships. Requires roles:read.' })
export class RoleType extends NodeInterface {
  uuid!: string;
  @Field(() => String, { description: 'Unique name in the tenant (appears in `org_roles` of tokens for an organization).' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'What the role is for.' })
  description!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the role was created.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the role last changed.' })
  updatedAt!: Date;
}

export const toRoleType = (r: Role): RoleType => Object.assign(new RoleType(), {
  id: encodeGlobalId('Role', r.id), uuid: r.id, name: r.name, description: r.description ?? null, createdAt: r.createdAt, updatedAt: r.updatedAt,
});

@ObjectType('Group', { implements: NodeInterface, description: 'A group of users and other groups; roles given to a group apply to everyone in it, transitively. Requires roles:read.' })
export class GroupType extends NodeInterface {
  uuid!: string;
  @Field(() => String, { description: 'Unique name in the tenant.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'What the group is for.' })
  description!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the group was created.' })
  createdAt!: Date;
}

export const toGroupType = (g: Group): GroupType => Object.assign(new GroupType(), {
  id: encodeGlobalId('Group', g.id), uuid: g.id, name: g.name, description: g.description ?? null, createdAt: g.createdAt,
});

export enum PermissionSourceKind {
  DIRECT = 'DIRECT',
  GROUP = 'GROUP',
  ORGANIZATION = 'ORGANIZATION',
}
registerEnumType(PermissionSourceKind, {
  name: 'PermissionSourceKind',
  description: 'How a user holds a permission.',
  valuesConfig: {
    DIRECT: { description: 'Through a role given to the user.' },
    GROUP: { description: 'Through a role given to a group the user is in (directly or through nested groups).' },
    ORGANIZATION: { description: 'Through a role of the user\'s membership in an organization (only in tokens for that organization).' },
  },
});

@ObjectType('PermissionSource', { description: 'One reason a user holds a permission. Requires roles:read.' })
export class PermissionSourceType {
  roleId!: string;
  groupIds!: string[];
  organizationId!: string | null;
  @Field(() => PermissionSourceKind, { description: 'Direct role, group role or organization membership role.' })
  kind!: PermissionSourceKind;
}

@ObjectType('EffectivePermission', { description: 'A permission a user effectively holds, with every place it comes from. Requires roles:read.' })
export class EffectivePermissionType {
  permissionEntity!: Permission;
  apiResourceEntity!: ApiResource;
  @Field(() => String, { description: 'The scope value.' })
  scope!: string;
  @Field(() => String, { description: 'Identifier (audience URI) of the API resource defining the scope.' })
  apiIdentifier!: string;
  @Field(() => [PermissionSourceType], { description: 'Where the permission comes from (direct role, group path, organization membership).' })
  sources!: PermissionSourceType[];
}

export const { Edge: ApiResourceEdge, Connection: ApiResourceConnection } = connectionTypes(ApiResourceType, 'ApiResource');
export const { Edge: RoleEdge, Connection: RoleConnection } = connectionTypes(RoleType, 'Role');
export const { Edge: GroupEdge, Connection: GroupConnection } = connectionTypes(GroupType, 'Group');

@InputType('ApiResourcePermissionInput', { description: 'A permission scope of a new API resource.' })
export class ApiResourcePermissionInput {
  @Field(() => String, { description: 'Scope value (RFC 6749 §3.3 characters; not an OpenID Connect scope).' }) scope!: string;
  @Field(() => String, { nullable: true, description: 'What it allows.' }) description?: string | null;
}

@InputType('ApiResourceCreateInput', { description: 'A new API resource.' })
export class ApiResourceCreateInput {
  @Field(() => String, { description: 'Audience URI: absolute, no fragment, unique in the tenant.' }) identifier!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => [ApiResourcePermissionInput], { nullable: true, description: 'Initial permission scopes.' }) permissions?: ApiResourcePermissionInput[] | null;
}

@InputType('ApiResourcePermissionAddInput', { description: 'A permission scope to add to an API resource.' })
export class ApiResourcePermissionAddInput {
  @Field(() => ID, { description: 'The API resource.' }) apiResourceId!: string;
  @Field(() => String, { description: 'Scope value.' }) scope!: string;
  @Field(() => String, { nullable: true, description: 'What it allows.' }) description?: string | null;
}

@InputType('RoleCreateInput', { description: 'A new role.' })
export class RoleCreateInput {
  @Field(() => String, { description: 'Unique name (1-100 characters).' }) name!: string;
  @Field(() => String, { nullable: true, description: 'What the role is for.' }) description?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Permissions the role bundles.' }) permissionIds?: string[] | null;
}

@InputType('RoleUpdateInput', { description: 'Changes to a role; omitted fields stay as they are.' })
export class RoleUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'New description.' }) description?: string | null;
}

@InputType('RolePermissionsSetInput', { description: 'The complete set of permissions a role bundles.' })
export class RolePermissionsSetInput {
  @Field(() => ID, { description: 'The role.' }) roleId!: string;
  @Field(() => [ID], { description: 'Every permission the role should bundle (replaces the set).' }) permissionIds!: string[];
}

@InputType('RoleAssignInput', { description: 'A role and exactly one holder: a user or a group.' })
export class RoleAssignInput {
  @Field(() => ID, { description: 'The role.' }) roleId!: string;
  @Field(() => ID, { nullable: true, description: 'The user.' }) userId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The group.' }) groupId?: string | null;
}

@InputType('RoleAssignBulkInput', { description: 'A role for up to 1,000 users.' })
export class RoleAssignBulkInput {
  @Field(() => ID, { description: 'The role.' }) roleId!: string;
  @Field(() => [ID], { description: '1-1,000 users; errors are reported per index in userErrors (field ["input", "userIds", "<index>"]).' }) userIds!: string[];
}

@InputType('GroupCreateInput', { description: 'A new group.' })
export class GroupCreateInput {
  @Field(() => String, { description: 'Unique name (1-100 characters).' }) name!: string;
  @Field(() => String, { nullable: true, description: 'What the group is for.' }) description?: string | null;
}

@InputType('GroupMemberInput', { description: 'A group and exactly one member: a user or another group.' })
export class GroupMemberInput {
  @Field(() => ID, { description: 'The group.' }) groupId!: string;
  @Field(() => ID, { nullable: true, description: 'A user.' }) userId?: string | null;
  @Field(() => ID, { nullable: true, description: 'A group nested in this one.' }) memberGroupId?: string | null;
}

@ObjectType('RoleAssignBulkPayload', { description: 'Result of roleAssignBulk.' })
export class RoleAssignBulkPayload {
  @Field(() => RoleType, { nullable: true, description: 'The role, unless the whole request was refused.' })
  role!: RoleType | null;
  @Field(() => Int, { description: 'How many users got the role.' })
  assignedCount!: number;
  @Field(() => [RbacUserError], { description: 'Problems with the request or with single items (field ["input", "userIds", "<index>"]); the other items were assigned.' })
  userErrors!: RbacUserError[];
}
