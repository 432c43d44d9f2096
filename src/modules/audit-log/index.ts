export { AuditEvent } from './audit-event.entity.js';
export { AuditLogService, toPublishedEvent, type PublishedEvent } from './audit-log.service.js';
export { AuditEventResolver } from './graphql/audit-event.resolver.js';
export { EventCatalogResolver } from './graphql/event-catalog.resolver.js';
export { EventCategory, EventSeverity, EventTypeInfo } from './graphql/event-catalog.type.js';
export { SecurityEventsResolver } from './graphql/security-events.resolver.js';
export { AuditExport } from './audit-export.entity.js';
export { AuditExportService } from './audit-export.service.js';
export { AuditExportResolver } from './graphql/audit-export.resolver.js';
