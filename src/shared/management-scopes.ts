/** Scopes of the management API (the graph). Each GraphQL field's description names the one it needs. */
export const MANAGEMENT_SCOPES = {
  'platform:admin': 'Manage every tenant (system tenant only).',
  'tenant:read': 'Read the current tenant.',
  'tenant:write': 'Change the current tenant\'s settings.',
  'keys:read': 'Read signing keys (public parts).',
  'keys:write': 'Rotate signing keys.',
  'clients:read': 'Read OAuth clients.',
  'clients:write': 'Create and change OAuth clients.',
  'users:read': 'Read users.',
  'users:write': 'Create and change users.',
  'interactions:write': 'Accept or reject login and consent challenges.',
  'audit:read': 'Read the audit log.',
  'events:subscribe': 'Subscribe to live events over graphql-ws.',
  'webhooks:read': 'Read webhook endpoints, their delivery logs and success rates, and the outbound (SSRF) policies.',
  'webhooks:write': 'Create, change, test and delete webhook endpoints, rotate their secrets, redeliver, and set outbound policies.',
  'organizations:read': 'Read organizations, their members, invitations and domains.',
  'organizations:write': 'Create, change and delete organizations; manage members, member roles, invitations, domains and ownership transfers.',
  'roles:read': 'Read API resources, permissions, roles, groups and users\' effective permissions.',
  'roles:write': 'Create, change and delete API resources, permissions, roles and groups; assign roles; manage group members.',
} as const;
export type ManagementScope = keyof typeof MANAGEMENT_SCOPES;
export const ALL_MANAGEMENT_SCOPES = Object.keys(MANAGEMENT_SCOPES) as ManagementScope[];
/** What a tenant's own management client may hold: everything except platform administration. */
export const TENANT_MANAGEMENT_SCOPES = ALL_MANAGEMENT_SCOPES.filter((s) => s !== 'platform:admin');
