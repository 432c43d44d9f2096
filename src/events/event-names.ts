/**
 * The closed catalog of event types, named `Area.Thing.PastTense`. Adding a type is an additive
 * change; renaming or removing one is breaking (webhook consumers and subscriptions filter on it).
 * The catalog is versioned by date: `EVENT_CATALOG_VERSION` changes whenever a type is added, and
 * each payload shape (src/events/event-payloads.ts) only ever gains optional fields.
 */
export const EVENT_CATALOG_VERSION = '2026-11-24';

/** The categories of the product reference (seeds/000): `mfa` is "MFA and risk", `users` is "tenant users". */
export const EVENT_CATEGORIES = ['authentication', 'mfa', 'users', 'administration', 'security', 'organizations', 'vault', 'wallet', 'chain', 'sso', 'commerce'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export const EVENT_CATEGORY_DESCRIPTIONS: Record<EventCategory, string> = {
  authentication: 'Sign-in, sign-out, sessions, token issue and revocation.',
  mfa: 'MFA and risk: second-factor challenges, enrolment, adaptive step-up.',
  users: 'Tenant users: invitation, activation, suspension, removal, profile changes.',
  administration: 'Configuration changes: tenants, clients, agents, delegations, roles, webhooks.',
  security: 'Keys, secrets and attacks: brute force, refresh token reuse, suspicious activity.',
  organizations: 'Organizations: domains, members, role changes, ownership transfer.',
  vault: 'Third-party credential and grant lifecycle.',
  wallet: 'Managed wallets: signing, rejection, budget exceedance.',
  chain: 'On-chain identity: ownership, reputation, metadata changes.',
  sso: 'Enterprise SSO: configuration, sign-in success and failure, provisioning.',
  commerce: 'Billing: payments, refunds, settlements, plan limits.',
};

/** Ordered from least to most severe. */
export const EVENT_SEVERITIES = ['info', 'notice', 'warning', 'critical'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

export function severityRank(s: EventSeverity): number {
  return EVENT_SEVERITIES.indexOf(s);
}

export const EVENT_TYPES = {
  'Tenant.Created': { category: 'administration', severity: 'notice', description: 'A tenant was created.' },
  'Tenant.Updated': { category: 'administration', severity: 'info', description: 'A tenant\'s settings changed.' },
  'Tenant.Deleted': { category: 'administration', severity: 'warning', description: 'A tenant and everything it owned was deleted.' },
  'Client.Created': { category: 'administration', severity: 'notice', description: 'An OAuth client was registered.' },
  'Client.Secret.Rotated': { category: 'security', severity: 'notice', description: 'A client secret was replaced.' },
  'SigningKey.Created': { category: 'security', severity: 'info', description: 'A signing key was generated for a tenant.' },
  'SigningKey.Rotated': { category: 'security', severity: 'notice', description: 'A tenant\'s active signing key changed.' },
  'User.Created': { category: 'users', severity: 'info', description: 'A user was created.' },
  'User.Updated': { category: 'users', severity: 'info', description: 'A user\'s profile changed.' },
  'User.Deleted': { category: 'users', severity: 'notice', description: 'A user was deleted.' },
  'User.Password.Changed': { category: 'users', severity: 'notice', description: 'A user\'s password was set or changed.' },
  'Login.Succeeded': { category: 'authentication', severity: 'info', description: 'A user signed in.' },
  'Login.Failed': { category: 'authentication', severity: 'warning', description: 'A sign-in attempt failed.' },
  'Consent.Granted': { category: 'authentication', severity: 'info', description: 'A user granted an application access.' },
  'Consent.Revoked': { category: 'authentication', severity: 'notice', description: 'A consent was revoked.' },
  'Token.Issued': { category: 'authentication', severity: 'info', description: 'Tokens were issued at the token endpoint for a user grant.' },
  'Token.Revoked': { category: 'security', severity: 'notice', description: 'A token (and what depends on it) was revoked.' },
  'RefreshToken.Reused': { category: 'security', severity: 'critical', description: 'A rotated refresh token was presented again; its whole family was revoked.' },
  'Session.Ended': { category: 'authentication', severity: 'info', description: 'A browser session ended (logout or revocation).' },
  // ---- added with the catalog of issue #5 (catalog version 2026-11-22) ----
  // authentication
  'Session.Created': { category: 'authentication', severity: 'info', description: 'A browser session was started after a successful sign-in.' },
  'Logout.Succeeded': { category: 'authentication', severity: 'info', description: 'A user signed out (RP-initiated or from the portal).' },
  'Token.Exchanged': { category: 'authentication', severity: 'info', description: 'A token was exchanged for another (RFC 8693).' },
  'DeviceAuthorization.Approved': { category: 'authentication', severity: 'info', description: 'A user approved a device authorization request.' },
  'DeviceAuthorization.Denied': { category: 'authentication', severity: 'notice', description: 'A user denied a device authorization request.' },
  'BackchannelAuthentication.Approved': { category: 'authentication', severity: 'info', description: 'A user approved a CIBA backchannel authentication request.' },
  'MagicLink.Sent': { category: 'authentication', severity: 'info', description: 'A sign-in link was sent by email.' },
  // MFA and risk
  'Mfa.Challenge.Issued': { category: 'mfa', severity: 'info', description: 'A second-factor challenge was issued to a user.' },
  'Mfa.Challenge.Verified': { category: 'mfa', severity: 'info', description: 'A user answered a second-factor challenge correctly.' },
  'Mfa.Challenge.Failed': { category: 'mfa', severity: 'warning', description: 'A second-factor challenge was answered wrongly or expired.' },
  'Mfa.Factor.Enrolled': { category: 'mfa', severity: 'notice', description: 'A user enrolled an authenticator (TOTP, passkey, phone).' },
  'Mfa.Factor.Removed': { category: 'mfa', severity: 'warning', description: 'An authenticator was removed from a user.' },
  'Risk.StepUp.Required': { category: 'mfa', severity: 'notice', description: 'Adaptive MFA asked for a step-up because the sign-in looked risky.' },
  'Risk.Login.Flagged': { category: 'mfa', severity: 'warning', description: 'A sign-in was scored as high risk (new device, impossible travel, ...).' },
  // ---- added with issue #6 (authentication methods and MFA) ----
  'Risk.Elevated': { category: 'mfa', severity: 'notice', description: 'A sign-in came from a new device or network; the second factor was asked for when the user has one.' },
  'Account.Locked': { category: 'security', severity: 'warning', description: 'Too many wrong passwords: sign-in for an account identifier is locked for a while (backoff doubles).' },
  'User.Registered': { category: 'users', severity: 'info', description: 'An end user signed themselves up (self-registration).' },
  'User.Anonymous.Created': { category: 'users', severity: 'info', description: 'A guest account was created by anonymous sign-in.' },
  'User.Anonymous.Upgraded': { category: 'users', severity: 'info', description: 'A guest account became a full account (same subject).' },
  'User.Password.Reset.Completed': { category: 'users', severity: 'notice', description: 'A user recovered their account and set a new password.' },
  // tenant users
  'User.Invited': { category: 'users', severity: 'info', description: 'A user was invited to the tenant.' },
  'User.Invitation.Accepted': { category: 'users', severity: 'info', description: 'An invited user accepted the invitation.' },
  'User.Activated': { category: 'users', severity: 'info', description: 'A pre-provisioned or invited user became active.' },
  'User.Suspended': { category: 'users', severity: 'notice', description: 'A user was suspended and can no longer sign in.' },
  'User.Reactivated': { category: 'users', severity: 'notice', description: 'A suspended user was reactivated.' },
  'User.Email.Verified': { category: 'users', severity: 'info', description: 'A user verified their email address.' },
  'User.Password.Reset.Requested': { category: 'users', severity: 'notice', description: 'A password reset link was mailed to a user.' },
  // administration
  'Client.Updated': { category: 'administration', severity: 'info', description: 'An OAuth client\'s settings changed.' },
  'Client.Deleted': { category: 'administration', severity: 'notice', description: 'An OAuth client was deleted.' },
  'Agent.Created': { category: 'administration', severity: 'notice', description: 'An AI agent was registered.' },
  'Agent.Updated': { category: 'administration', severity: 'info', description: 'An AI agent\'s settings or keys changed.' },
  'Agent.Deleted': { category: 'administration', severity: 'notice', description: 'An AI agent was removed.' },
  'Delegation.Granted': { category: 'administration', severity: 'notice', description: 'A user delegated access to an agent.' },
  'Delegation.Revoked': { category: 'administration', severity: 'notice', description: 'A delegation to an agent was revoked.' },
  'Role.Created': { category: 'administration', severity: 'info', description: 'A role was defined.' },
  'Role.Scopes.Updated': { category: 'administration', severity: 'notice', description: 'The scopes bundled in a role changed.' },
  'Role.Deleted': { category: 'administration', severity: 'notice', description: 'A role was deleted.' },
  'Role.Updated': { category: 'administration', severity: 'info', description: 'A role\'s name or description changed.' },
  'Role.Assigned': { category: 'administration', severity: 'notice', description: 'A role was given to a user or a group.' },
  'Role.Unassigned': { category: 'administration', severity: 'notice', description: 'A role was taken from a user or a group.' },
  'ApiResource.Created': { category: 'administration', severity: 'info', description: 'An API resource (audience) was registered with its permission scopes.' },
  'ApiResource.Deleted': { category: 'administration', severity: 'notice', description: 'An API resource and its permissions were deleted.' },
  'ApiResource.Permission.Added': { category: 'administration', severity: 'info', description: 'A permission scope was added to an API resource.' },
  'ApiResource.Permission.Removed': { category: 'administration', severity: 'notice', description: 'A permission scope was removed from an API resource (and from every role).' },
  'Group.Created': { category: 'administration', severity: 'info', description: 'A group was created.' },
  'Group.Deleted': { category: 'administration', severity: 'notice', description: 'A group was deleted.' },
  'Group.Member.Added': { category: 'administration', severity: 'info', description: 'A user or a group was added to a group.' },
  'Group.Member.Removed': { category: 'administration', severity: 'info', description: 'A user or a group was removed from a group.' },
  'Policy.Updated': { category: 'administration', severity: 'notice', description: 'A conditional access policy changed.' },
  'Webhook.Endpoint.Created': { category: 'administration', severity: 'info', description: 'A webhook endpoint was registered.' },
  'Webhook.Endpoint.Updated': { category: 'administration', severity: 'info', description: 'A webhook endpoint\'s URL, event filter or description changed, or it was re-enabled.' },
  'Webhook.Endpoint.Disabled': { category: 'administration', severity: 'warning', description: 'A webhook endpoint was disabled: by an operator, after a 410 Gone, or after too many consecutive failed deliveries.' },
  'Webhook.Endpoint.Deleted': { category: 'administration', severity: 'notice', description: 'A webhook endpoint was deleted.' },
  'Webhook.Endpoint.Secret.Rotated': { category: 'security', severity: 'notice', description: 'A webhook endpoint\'s signing secret was replaced (the previous one keeps signing during the overlap).' },
  'Webhook.Delivery.Redelivered': { category: 'administration', severity: 'info', description: 'An operator asked for a webhook delivery to be sent again.' },
  'OutboundPolicy.Updated': { category: 'security', severity: 'notice', description: 'A tenant\'s outbound HTTP (SSRF) policy changed.' },
  'AuditLog.Exported': { category: 'administration', severity: 'notice', description: 'The audit log was exported.' },
  'AuditLog.Export.Requested': { category: 'administration', severity: 'info', description: 'An export of the audit log was requested (the worker produces it).' },
  'AuditLog.Retention.Updated': { category: 'administration', severity: 'notice', description: 'A tenant changed how long its audit history is kept.' },
  // vault
  'Vault.Grant.Created': { category: 'vault', severity: 'notice', description: 'A third-party credential grant was created for a user or agent.' },
  'Vault.Grant.Revoked': { category: 'vault', severity: 'notice', description: 'A credential grant was revoked.' },
  'Vault.Credential.Stored': { category: 'vault', severity: 'info', description: 'A third-party credential was stored (encrypted) in the vault.' },
  'Vault.Credential.Refreshed': { category: 'vault', severity: 'info', description: 'A stored third-party credential was refreshed.' },
  'Vault.Credential.Accessed': { category: 'vault', severity: 'info', description: 'An agent or application read a credential through a grant.' },
  // wallet
  'Wallet.Created': { category: 'wallet', severity: 'info', description: 'A managed wallet was created.' },
  'Wallet.Transaction.Signed': { category: 'wallet', severity: 'info', description: 'A managed wallet signed a transaction.' },
  'Wallet.Transaction.Rejected': { category: 'wallet', severity: 'warning', description: 'A signing request was rejected by the wallet\'s controls.' },
  'Wallet.Budget.Exceeded': { category: 'wallet', severity: 'warning', description: 'A signing request would exceed the wallet\'s spending budget.' },
  // chain
  'Chain.Ownership.Transferred': { category: 'chain', severity: 'notice', description: 'On-chain ownership of an identity or agent changed.' },
  'Chain.Reputation.Changed': { category: 'chain', severity: 'info', description: 'An on-chain reputation score changed.' },
  'Chain.Metadata.Updated': { category: 'chain', severity: 'info', description: 'On-chain metadata of an identity or agent changed.' },
  // SSO
  'Sso.Connection.Created': { category: 'sso', severity: 'notice', description: 'An enterprise SSO connection was configured.' },
  'Sso.Connection.Updated': { category: 'sso', severity: 'notice', description: 'An enterprise SSO connection changed.' },
  'Sso.Connection.Deleted': { category: 'sso', severity: 'notice', description: 'An enterprise SSO connection was removed.' },
  'Sso.Login.Succeeded': { category: 'sso', severity: 'info', description: 'A user signed in through an enterprise SSO connection.' },
  'Sso.Login.Failed': { category: 'sso', severity: 'warning', description: 'A sign-in through an enterprise SSO connection failed.' },
  'Sso.User.Provisioned': { category: 'sso', severity: 'info', description: 'A user was provisioned just in time (or by SCIM) from an SSO connection.' },
  'Sso.User.Deprovisioned': { category: 'sso', severity: 'notice', description: 'A user was deprovisioned by an SSO connection.' },
  // organizations
  'Organization.Created': { category: 'organizations', severity: 'info', description: 'An organization (workspace) was created.' },
  'Organization.Updated': { category: 'organizations', severity: 'info', description: 'An organization\'s settings changed.' },
  'Organization.Deleted': { category: 'organizations', severity: 'notice', description: 'An organization was deleted.' },
  'Organization.Domain.Added': { category: 'organizations', severity: 'info', description: 'A domain was added to an organization.' },
  'Organization.Domain.Verified': { category: 'organizations', severity: 'notice', description: 'An organization proved it controls a domain.' },
  'Organization.Member.Added': { category: 'organizations', severity: 'info', description: 'A user joined an organization.' },
  'Organization.Member.Removed': { category: 'organizations', severity: 'notice', description: 'A user left or was removed from an organization.' },
  'Organization.Member.Role.Changed': { category: 'organizations', severity: 'notice', description: 'A member\'s roles in an organization changed.' },
  'Organization.Ownership.Transferred': { category: 'organizations', severity: 'warning', description: 'An organization\'s ownership moved to another member.' },
  'Organization.Ownership.Offered': { category: 'organizations', severity: 'notice', description: 'An organization\'s owner offered ownership to another member (step one of a transfer).' },
  'Organization.Invitation.Created': { category: 'organizations', severity: 'info', description: 'Someone was invited to join an organization.' },
  'Organization.Invitation.Accepted': { category: 'organizations', severity: 'info', description: 'An invitation to an organization was accepted.' },
  'Organization.Invitation.Revoked': { category: 'organizations', severity: 'notice', description: 'A pending invitation to an organization was revoked.' },
  'Organization.Domain.Removed': { category: 'organizations', severity: 'notice', description: 'A domain was removed from an organization.' },
  // commerce
  'Payment.Succeeded': { category: 'commerce', severity: 'info', description: 'A payment was captured.' },
  'Payment.Failed': { category: 'commerce', severity: 'warning', description: 'A payment failed.' },
  'Refund.Issued': { category: 'commerce', severity: 'notice', description: 'A payment was refunded.' },
  'Settlement.Completed': { category: 'commerce', severity: 'info', description: 'A payout settled.' },
  'Plan.Limit.Reached': { category: 'commerce', severity: 'warning', description: 'A tenant reached a limit of its plan (credits, users, requests).' },
  // security
  'BruteForce.Detected': { category: 'security', severity: 'critical', description: 'Repeated failed sign-ins against one account or from one source were detected; the source was throttled.' },
  'User.Locked': { category: 'security', severity: 'warning', description: 'A user account was locked after repeated failures.' },
  'SuspiciousActivity.Detected': { category: 'security', severity: 'critical', description: 'Activity matching an attack pattern was detected (token replay, credential stuffing, ...).' },
  'OutboundRequest.Blocked': { category: 'security', severity: 'warning', description: 'An outbound HTTP call (webhook, JWKS, discovery) was refused by the SSRF guard.' },
} as const satisfies Record<string, { category: EventCategory; severity: EventSeverity; description: string }>;

export type EventType = keyof typeof EVENT_TYPES;

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, value);
}

export function isEventCategory(value: string): value is EventCategory {
  return (EVENT_CATEGORIES as readonly string[]).includes(value);
}

/** The event types of a category, in catalog order. */
export function eventTypesOf(category: EventCategory): EventType[] {
  return (Object.keys(EVENT_TYPES) as EventType[]).filter((t) => EVENT_TYPES[t].category === category);
}
