import { Tenant } from '../modules/tenant/tenant.entity.js';
import { SigningKey } from '../modules/signing-key/signing-key.entity.js';
import { Client, ClientSecret } from '../modules/client/client.entity.js';
import { AuditEvent } from '../modules/audit-log/audit-event.entity.js';
import { AuditExport, AuditRetention } from '../modules/audit-log/audit-export.entity.js';
import { User, UserToken } from '../modules/user/user.entity.js';
import { DevMail } from '../modules/notification/dev-mail.entity.js';
import { BrowserSession } from '../modules/session/browser-session.entity.js';
import { Interaction } from '../modules/interaction/interaction.entity.js';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../modules/webhook/webhook.entity.js';
import { OutboundPolicyRow } from '../modules/outbound-policy/outbound-policy.entity.js';
import { IdempotencyKey } from '../modules/idempotency/idempotency-key.entity.js';
import { AccessTokenRecord, AuthorizationCode, Consent, RefreshToken, UsedAssertion } from '../modules/grant/grant.entity.js';
import { ApiResource, Group, GroupMember, Permission, Role, RoleAssignment, RolePermission } from '../modules/rbac/rbac.entity.js';
import { Authenticator, KnownDevice, LoginFlow, RecoveryCode } from '../modules/authn/authn.entity.js';
import { DevSms } from '../modules/notification/dev-sms.entity.js';
import { Organization, OrganizationDomain, OrganizationInvitation, OrganizationMember, OrganizationMemberRole } from '../modules/organization/organization.entity.js';

/** Every entity the ORM knows; the migration snapshot is diffed against this list. */
export const entities = [
  Tenant, SigningKey, Client, ClientSecret, AuditEvent,
  User, BrowserSession, Interaction, Consent, AuthorizationCode, RefreshToken, AccessTokenRecord, UsedAssertion,
  WebhookEndpoint, WebhookDelivery, WebhookAttempt, OutboundPolicyRow, AuditExport, AuditRetention,
  IdempotencyKey,
  UserToken, DevMail,
  ApiResource, Permission, Role, RolePermission, Group, GroupMember, RoleAssignment,
  Organization, OrganizationMember, OrganizationMemberRole, OrganizationInvitation, OrganizationDomain,
  LoginFlow, Authenticator, RecoveryCode, KnownDevice, DevSms,
];
