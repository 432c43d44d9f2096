export { Organization, OrganizationMember, OrganizationMemberRole, OrganizationInvitation, OrganizationDomain } from './organization.entity.js';
export { OrganizationService } from './organization.service.js';
export { OrganizationError, OrganizationErrorCode } from './organization.errors.js';
export { OrganizationPermissionStore } from './organization-permission.store.js';
export { ORGANIZATION_RESOLVERS } from './graphql/organization.resolver.js';
