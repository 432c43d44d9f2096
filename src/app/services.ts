import type { AuditLogService } from '../modules/audit-log/index.js';
import type { ClientService } from '../modules/client/index.js';
import type { SigningKeyService } from '../modules/signing-key/index.js';
import type { TenantService } from '../modules/tenant/index.js';
import type { EventBus } from '../graph/pubsub.js';

/** The services resolvers and processors call (through `ctx.services`). Built once per process. */
export interface Services {
  tenants: TenantService;
  signingKeys: SigningKeyService;
  clients: ClientService;
  auditLog: AuditLogService;
  eventBus: EventBus;
  issuerUrl(slug: string): string;
}
