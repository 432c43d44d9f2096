import type { AuditExportService, AuditLogService, AuditRetentionService } from '../modules/audit-log/index.js';
import type { ClientService } from '../modules/client/index.js';
import type { SigningKeyService } from '../modules/signing-key/index.js';
import type { TenantService } from '../modules/tenant/index.js';
import type { EventBus } from '../graph/pubsub.js';
import type { UserService } from '../modules/user/index.js';
import type { SessionService } from '../modules/session/index.js';
import type { ConsentService } from '../modules/grant/index.js';
import type { InteractionService } from '../modules/interaction/index.js';
import type { WebhookService } from '../modules/webhook/index.js';
import type { OutboundPolicyService } from '../modules/outbound-policy/index.js';
import type { OrganizationService } from '../modules/organization/index.js';
import type { RbacService } from '../modules/rbac/index.js';
import type { AuthnEngine, FactorService, PasskeyService } from '../modules/authn/index.js';

/** The services resolvers and processors call (through `ctx.services`). Built once per process. */
export interface Services {
  tenants: TenantService;
  signingKeys: SigningKeyService;
  clients: ClientService;
  auditLog: AuditLogService;
  auditExports: AuditExportService;
  auditRetention: AuditRetentionService;
  eventBus: EventBus;
  webhooks: WebhookService;
  outboundPolicies: OutboundPolicyService;
  issuerUrl(slug: string): string;
  users: UserService;
  sessions: SessionService;
  consents: ConsentService;
  /** Drops this process's cached keys of a tenant (after a rotation). */
  forgetKeys(tenantId: string): void;
  interactions: InteractionService;
  organizations: OrganizationService;
  rbac: RbacService;
  /** Sign-in flows (hosted pages and the headless flow API). */
  authn: AuthnEngine;
  /** Users' second factors (TOTP, recovery codes, passkeys). */
  factors: FactorService;
  /** Users' passkeys (WebAuthn registration, and assertions for the engine). */
  passkeys: PasskeyService;
}
