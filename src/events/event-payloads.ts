import type { EventType } from './event-names.js';

/**
 * The typed payload of every event type in the catalog (event-names.ts). A payload describes what
 * changed; it never carries a secret (payloads reach logs, subscribers and webhook receivers).
 * Shapes evolve additively: new fields are optional, existing fields keep their meaning.
 * Ids are the raw UUIDs of the objects (subscribers get global ids via `targetId`).
 */
type Changes = { changes: Record<string, { before: unknown; after: unknown }> };
type UserRef = { userId: string; subject?: string };
type ClientRef = { clientId: string };
type Reason = { reason?: string };
type SourceIp = { ip?: string; userAgent?: string };

export interface EventPayloads {
  'Tenant.Created': { slug: string; name: string };
  'Tenant.Updated': Changes;
  'Tenant.Deleted': { slug: string; name: string };
  'Client.Created': ClientRef & { name?: string };
  'Client.Secret.Rotated': ClientRef & { secretId?: string };
  'SigningKey.Created': { kid: string; alg: string };
  'SigningKey.Rotated': { kid: string; previousKid?: string; alg?: string };
  'User.Created': UserRef & { email?: string };
  'User.Updated': UserRef & Partial<Changes>;
  'User.Deleted': UserRef;
  'User.Password.Changed': UserRef;
  'Login.Succeeded': UserRef & ClientRef & SourceIp & { method?: string; sessionId?: string };
  'Login.Failed': Partial<UserRef> & SourceIp & Reason & { identifier?: string; clientId?: string };
  'Consent.Granted': UserRef & ClientRef & { scopes: string[] };
  'Consent.Revoked': UserRef & ClientRef & { scopes?: string[] };
  'Token.Issued': ClientRef & Partial<UserRef> & { grantType: string; scopes?: string[]; grantId?: string };
  'Token.Revoked': ClientRef & { tokenType?: string; grantId?: string } & Reason;
  'RefreshToken.Reused': ClientRef & Partial<UserRef> & { grantId: string; revokedTokens?: number };
  'Session.Ended': Partial<UserRef> & { sessionId: string } & Reason;

  'Session.Created': UserRef & SourceIp & { sessionId: string };
  'Logout.Succeeded': UserRef & { sessionId?: string; clientId?: string };
  'Token.Exchanged': ClientRef & { subjectTokenType: string; requestedTokenType?: string; audience?: string[] };
  'DeviceAuthorization.Approved': UserRef & ClientRef & { userCode?: string };
  'DeviceAuthorization.Denied': UserRef & ClientRef;
  'BackchannelAuthentication.Approved': UserRef & ClientRef & { authReqId?: string };
  'MagicLink.Sent': Partial<UserRef> & { emailDomain?: string };
  'Mfa.Challenge.Issued': UserRef & { factor: string; challengeId?: string };
  'Mfa.Challenge.Verified': UserRef & { factor: string; challengeId?: string };
  'Mfa.Challenge.Failed': UserRef & { factor: string; challengeId?: string } & Reason;
  'Mfa.Factor.Enrolled': UserRef & { factor: string; factorId?: string };
  'Mfa.Factor.Removed': UserRef & { factor: string; factorId?: string };
  'Risk.StepUp.Required': UserRef & { riskScore?: number; signals?: string[]; acr?: string };
  'Risk.Login.Flagged': UserRef & SourceIp & { riskScore: number; signals: string[] };
  'Risk.Elevated': UserRef & SourceIp & { signals: string[]; secondFactorRequired: boolean };
  'Account.Locked': Partial<UserRef> & SourceIp & { identifier: string; lockedForSeconds: number };
  'User.Registered': UserRef & { email: string; steps: string[] };
  'User.Anonymous.Created': UserRef;
  'User.Anonymous.Upgraded': UserRef & { email: string };
  'User.Password.Reset.Completed': UserRef & { sessionsRevoked: boolean };
  'User.Invited': { invitationId: string; email?: string; userId?: string };
  'User.Invitation.Accepted': UserRef & { invitationId: string };
  'User.Activated': UserRef;
  'User.Suspended': UserRef & Reason;
  'User.Reactivated': UserRef;
  'User.Email.Verified': UserRef;
  'User.Password.Reset.Requested': UserRef & { expiresAt?: string };
  'Client.Updated': ClientRef & Changes;
  'Client.Deleted': ClientRef;
  'Agent.Created': { agentId: string; name?: string };
  'Agent.Updated': { agentId: string } & Partial<Changes>;
  'Agent.Deleted': { agentId: string };
  'Delegation.Granted': UserRef & { agentId: string; delegationId: string; scopes?: string[]; expiresAt?: string };
  'Delegation.Revoked': { agentId: string; delegationId: string } & Reason;
  'Role.Created': { roleId: string; name: string; permissions?: string[] };
  'Role.Scopes.Updated': { roleId: string; added: string[]; removed: string[]; addedPermissionIds?: string[]; removedPermissionIds?: string[] };
  'Role.Deleted': { roleId: string; name?: string };
  'Role.Updated': { roleId: string } & Changes;
  'Role.Assigned': { roleId: string; name?: string; userId?: string; groupId?: string };
  'Role.Unassigned': { roleId: string; name?: string; userId?: string; groupId?: string };
  'ApiResource.Created': { apiResourceId: string; identifier: string; name?: string; scopes?: string[] };
  'ApiResource.Deleted': { apiResourceId: string; identifier?: string };
  'ApiResource.Permission.Added': { apiResourceId: string; permissionId: string; scope: string };
  'ApiResource.Permission.Removed': { apiResourceId: string; permissionId: string; scope: string };
  'Group.Created': { groupId: string; name: string };
  'Group.Deleted': { groupId: string; name?: string };
  'Group.Member.Added': { groupId: string; userId?: string; memberGroupId?: string };
  'Group.Member.Removed': { groupId: string; userId?: string; memberGroupId?: string };
  'Policy.Updated': { policyId: string } & Partial<Changes>;
  'Webhook.Endpoint.Created': { endpointId: string; url: string; eventTypes: string[]; categories: string[] };
  'Webhook.Endpoint.Updated': { endpointId: string } & Changes;
  'Webhook.Endpoint.Disabled': { endpointId: string; url: string; reason: 'manual' | 'gone' | 'consecutive_failures'; consecutiveFailures?: number };
  'Webhook.Endpoint.Deleted': { endpointId: string; url: string };
  'Webhook.Endpoint.Secret.Rotated': { endpointId: string; previousSecretExpiresAt: string };
  'Webhook.Delivery.Redelivered': { endpointId: string; deliveryId: string; eventId: string };
  'OutboundPolicy.Updated': { target: string } & Changes;
  'AuditLog.Exported': { format: 'ndjson' | 'csv'; rows: number; exportId?: string; truncated?: boolean };
  'AuditLog.Export.Requested': { exportId: string; format: 'ndjson' | 'csv' };
  'AuditLog.Retention.Updated': { before: number | null; after: number | null };
  'Vault.Grant.Created': { grantId: string; provider: string; userId?: string; agentId?: string };
  'Vault.Grant.Revoked': { grantId: string; provider?: string } & Reason;
  'Vault.Credential.Stored': { credentialId: string; provider: string };
  'Vault.Credential.Refreshed': { credentialId: string; provider: string };
  'Vault.Credential.Accessed': { credentialId: string; grantId: string; accessorId: string };
  'Wallet.Created': { walletId: string; chain: string; address: string };
  'Wallet.Transaction.Signed': { walletId: string; chain: string; txHash?: string; value?: string };
  'Wallet.Transaction.Rejected': { walletId: string; chain: string } & Reason;
  'Wallet.Budget.Exceeded': { walletId: string; budget: string; attempted: string; period?: string };
  'Chain.Ownership.Transferred': { chain: string; subject: string; from: string; to: string; txHash?: string };
  'Chain.Reputation.Changed': { chain: string; subject: string; before?: number; after: number };
  'Chain.Metadata.Updated': { chain: string; subject: string; keys: string[] };
  'Sso.Connection.Created': { connectionId: string; protocol: 'oidc' | 'saml'; domains?: string[] };
  'Sso.Connection.Updated': { connectionId: string } & Partial<Changes>;
  'Sso.Connection.Deleted': { connectionId: string };
  'Sso.Login.Succeeded': UserRef & { connectionId: string };
  'Sso.Login.Failed': { connectionId: string; userId?: string } & Reason;
  'Sso.User.Provisioned': UserRef & { connectionId: string; source: 'jit' | 'scim' };
  'Sso.User.Deprovisioned': UserRef & { connectionId: string; source: 'jit' | 'scim' };
  'Organization.Created': { organizationId: string; name: string; ownerId?: string | null };
  'Organization.Updated': { organizationId: string } & Changes;
  'Organization.Deleted': { organizationId: string; name?: string };
  'Organization.Domain.Added': { organizationId: string; domain: string; domainId?: string };
  'Organization.Domain.Verified': { organizationId: string; domain: string; domainId?: string } & Partial<Changes>;
  'Organization.Domain.Removed': { organizationId: string; domain: string; domainId?: string };
  'Organization.Member.Added': UserRef & { organizationId: string; roles?: string[] };
  'Organization.Member.Removed': UserRef & { organizationId: string };
  'Organization.Member.Role.Changed': UserRef & { organizationId: string; added: string[]; removed: string[] };
  'Organization.Ownership.Transferred': { organizationId: string; fromUserId: string | null; toUserId: string } & Partial<Changes>;
  'Organization.Ownership.Offered': { organizationId: string; fromUserId: string | null; toUserId: string } & Partial<Changes>;
  'Organization.Invitation.Created': { organizationId: string; invitationId: string; email?: string; roles?: string[]; expiresAt?: string };
  'Organization.Invitation.Accepted': UserRef & { organizationId: string; invitationId: string } & Partial<Changes>;
  'Organization.Invitation.Revoked': { organizationId: string; invitationId: string } & Partial<Changes>;
  'Payment.Succeeded': { paymentId: string; amount: string; currency: string };
  'Payment.Failed': { paymentId: string; amount: string; currency: string } & Reason;
  'Refund.Issued': { refundId: string; paymentId: string; amount: string; currency: string };
  'Settlement.Completed': { settlementId: string; amount: string; currency: string };
  'Plan.Limit.Reached': { limit: string; value: number; max: number };
  'BruteForce.Detected': SourceIp & { identifier?: string; attempts: number; windowSeconds: number };
  'User.Locked': UserRef & { until?: string } & Reason;
  'SuspiciousActivity.Detected': Partial<UserRef> & SourceIp & { pattern: string; detail?: string };
  'OutboundRequest.Blocked': { purpose: string; host: string; reason: string };
}

/** The payload type of an event type (a loose record for types added without a payload yet). */
export type EventPayload<T extends EventType> = T extends keyof EventPayloads ? EventPayloads[T] : Record<string, unknown>;

/** Event types that have no typed payload yet (test/unit/events checks this is `never`). */
export type UntypedEventType = Exclude<EventType, keyof EventPayloads>;
