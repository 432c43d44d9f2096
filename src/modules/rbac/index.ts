export { ApiResource, Permission, Role, RolePermission, Group, GroupMember, RoleAssignment } from './rbac.entity.js';
export { RbacService, type EffectivePermission, type MembershipRoleSource, type PermissionSource } from './rbac.service.js';
export { RbacError, RbacErrorCode } from './rbac.errors.js';
export { RBAC_RESOLVERS } from './graphql/rbac.resolver.js';
export { RoleType, toRoleType, PermissionSourceType } from './graphql/rbac.types.js';
export { roleById } from './graphql/rbac.loader.js';
export { mutationPayload } from './graphql/mutation-payload.js';
