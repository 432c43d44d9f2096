/**
 * Tokens for a user grant (authorization_code and refresh_token):
 * - an access token (JWT or opaque per client) for the granted audience and scopes;
 * - an ID token when `openid` was granted (OIDC Core §3.1.3.3);
 * - a refresh token only with `offline_access` and the refresh_token grant allowed (OIDC Core
 *   §11); rotated on every use, the family keeping its absolute expiry.
 * - Audience an API resource: the access token's scope keeps the requested scopes the API does
 *   not define (openid, profile, …) and, of those it defines, only the permissions the user
 *   effectively holds (roles direct, through groups, and of the active organization's membership).
 *   The grant keeps what was requested, so a later refresh reflects role changes.
 * - Active organization: the user must (still) be a member, else invalid_grant; access and ID
 *   tokens carry `org_id` and `org_roles` (the membership's role names).
 * Emits Token.Issued.
 */
import { randomToken } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import type { ClientRecord, GrantSnapshot, IssuerRecord, ProtocolPorts, ProtocolSettings, RefreshRecord } from '../ports.js';
import { currentRequestId } from '../../shared/request-scope.js';
import { ALL_MANAGEMENT_SCOPES } from '../../shared/management-scopes.js';
import { issueUserAccessToken } from '../tokens/access-token.js';
import { issueIdToken } from '../tokens/id-token.js';
import type { TokenResponseBody } from './client-credentials.js';
import { InvalidGrant } from '../errors.js';

export async function issueGrantTokens(ports: ProtocolPorts, settings: ProtocolSettings, input: {
  tenantId: string; issuer: string; client: ClientRecord; grant: GrantSnapshot; familyId: string;
  /** Absolute expiry carried over from the previous refresh token (epoch seconds). */
  absoluteExpiresAt?: number; grantType: 'authorization_code' | 'refresh_token';
  /** A narrower scope for this access token (refresh requests); the grant keeps its scope. */
  accessScopes?: string[];
  /** The tenant's token lifetimes (a client's own settings win, then these, then the server's). */
  tenantTtls?: IssuerRecord['tokenTtls'];
}): Promise<TokenResponseBody> {
  const ttl = input.tenantTtls;
  const { client, grant } = input;
  const account = await ports.accounts.find(input.tenantId, grant.subject);
  if (!account?.active) throw new InvalidGrant('the user account is not active');
  const organization = grant.organization ?? null;
  let orgClaims: Record<string, unknown> = {};
  if (organization) {
    const membership = await ports.permissions.organizationMembership(input.tenantId, grant.subject, organization);
    if (!membership) throw new InvalidGrant('the user is not a member of the requested organization');
    orgClaims = { org_id: membership.organizationId, org_roles: membership.roles };
  }
  let scopes = input.accessScopes ?? grant.scopes;
  const api = await ports.permissions.apiPermissions(input.tenantId, grant.subject, grant.audience, organization);
  if (api) {
    const defined = new Set(api.defined);
    const held = new Set(api.held);
    scopes = scopes.filter((s) => !defined.has(s) || held.has(s));
  } else if (grant.audience === settings.managementAudience) {
    // A user token for the management API carries only management scopes the user holds through
    // roles; a tenant without the management API resource grants none.
    const management = new Set<string>(ALL_MANAGEMENT_SCOPES);
    scopes = scopes.filter((s) => !management.has(s));
  }
  const at = await issueUserAccessToken(ports.keys, {
    tenantId: input.tenantId, issuer: input.issuer, subject: grant.subject, clientId: client.clientId,
    audience: grant.audience, scopes, ttlSeconds: client.accessTokenTtl ?? ttl?.access ?? settings.accessTokenTtlSeconds,
    format: client.accessTokenFormat, familyId: input.familyId, extraClaims: { ...grant.sessionClaims?.access_token, ...orgClaims },
    userinfoRequest: (grant.claims as { userinfo?: Record<string, unknown> } | null)?.userinfo,
  });
  const body: TokenResponseBody = { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn, scope: scopes.join(' ') };
  if (scopes.includes('openid')) {
    const idGrant = organization ? { ...grant, sessionClaims: { ...grant.sessionClaims, id_token: { ...grant.sessionClaims?.id_token, ...orgClaims } } } : grant;
    body.id_token = await issueIdToken(ports, {
      tenantId: input.tenantId, issuer: input.issuer, client, grant: idGrant, accessToken: at.token,
      ttlSeconds: ttl?.id ?? settings.idTokenTtlSeconds, accountClaims: account.claims,
    });
  }
  let refresh: { hash: string; record: RefreshRecord } | undefined;
  if (grant.scopes.includes('offline_access') && client.grantTypes.includes('refresh_token')) {
    const now = Math.floor(Date.now() / 1000);
    const token = randomToken(32);
    const absolute = input.absoluteExpiresAt ?? now + (client.refreshTokenTtl ?? ttl?.refresh ?? settings.refreshTokenTtlSeconds);
    const idle = now + (client.refreshTokenIdleTtl ?? ttl?.refreshIdle ?? settings.refreshTokenIdleTtlSeconds);
    refresh = {
      hash: sha256Hex(token),
      record: { familyId: input.familyId, clientId: client.clientId, grant, createdAt: now, expiresAt: Math.min(idle, absolute), absoluteExpiresAt: absolute },
    };
    body.refresh_token = token;
  }
  // One round trip: access-token record, rotated refresh token, Token.Issued (and the outbox wake-up).
  await ports.grants.saveIssued(input.tenantId, {
    access: { id: at.recordId, record: at.record },
    refresh,
    event: {
      type: 'Token.Issued', clientId: client.clientId, subject: grant.subject, requestId: currentRequestId(),
      payload: {
        grantType: input.grantType, scopes, audience: grant.audience, ...(organization ? { organizationId: organization } : {}),
        refreshToken: Boolean(body.refresh_token), idToken: Boolean(body.id_token),
      },
    },
  });
  return body;
}
