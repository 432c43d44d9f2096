export { AuditEvent } from './audit-event.entity.js';
export { AuditLogService, toPublishedEvent, type PublishedEvent } from './audit-log.service.js';
export { AuditEventResolver } from './graphql/audit-event.resolver.js';
