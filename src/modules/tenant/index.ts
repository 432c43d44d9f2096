export { Tenant } from './tenant.entity.js';
export { TenantService, SYSTEM_TENANT_SLUG } from './tenant.service.js';
export { TenantIssuerStore } from './tenant.store.js';
export { bootstrapSystem, DEFAULT_ROOT_CLIENT_ID, type BootstrapResult } from './tenant.bootstrap.js';
export { TenantResolver, TenantConnectionResolver } from './graphql/tenant.resolver.js';
export { TenantType, toTenantType } from './graphql/tenant.type.js';
