import type { JWK } from '../crypto/keys.js';
import type { SigningKeyHandle } from '../crypto/jwt.js';
import type { SigningAlg } from '../crypto/keys.js';

/**
 * What the protocol layer needs from storage. Modules implement these (the only bridge from
 * protocol/ to the database); implementations must scope every lookup to the given tenant, so a
 * tenant-B identifier looked up under tenant A is indistinguishable from a random string.
 */

export interface IssuerRecord {
  tenantId: string;
  slug: string;
  name: string;
  /** Browser SSO session lifetime (seconds). */
  sessionTtl: number;
  /** Tenant token lifetimes (seconds); null: the server defaults. */
  tokenTtls?: { access: number | null; id: number | null; refresh: number | null; refreshIdle: number | null };
  /** A tenant-hosted login/consent UI (challenge API); null: Signet's hosted pages. */
  loginUiUrl: string | null;
  consentUiUrl: string | null;
}

export interface IssuerStore {
  /** The tenant whose issuer is `${PUBLIC_URL}/t/{slug}`, or undefined. */
  findBySlug(slug: string): Promise<IssuerRecord | undefined>;
}

export interface ClientRecord {
  tenantId: string;
  clientId: string;
  name: string;
  kind: 'management' | 'application';
  confidential: boolean;
  grantTypes: readonly string[];
  scopes: readonly string[];
  audiences: readonly string[];
  tokenEndpointAuthMethod: string;
  accessTokenTtl: number | null;
  disabled: boolean;
  applicationType: 'web' | 'native';
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  responseTypes: readonly string[];
  skipConsent: boolean;
  enforcePkce: boolean;
  subjectType: 'public' | 'pairwise';
  sectorIdentifier: string | null;
  idTokenSignedResponseAlg: SigningAlg;
  accessTokenFormat: 'jwt' | 'opaque';
  jwks: { keys: JWK[] } | null;
  jwksUri: string | null;
  backchannelLogoutUri: string | null;
  refreshTokenTtl: number | null;
  refreshTokenIdleTtl: number | null;
}

export interface ClientStore {
  find(tenantId: string, clientId: string): Promise<ClientRecord | undefined>;
  /** Constant-time check of a presented secret against the client's current secrets. */
  verifySecret(tenantId: string, clientId: string, secret: string): Promise<boolean>;
}

export interface KeyStore {
  /** The tenant's active signing key for `alg`. */
  activeSigningKey(tenantId: string, alg: SigningAlg): Promise<SigningKeyHandle>;
  /** Public keys to publish: active, next and recently retired. */
  publicJwks(tenantId: string): Promise<JWK[]>;
}

/** OIDC standard claims of an account (OIDC Core §5.1). */
export interface Account {
  subject: string;
  active: boolean;
  claims: Record<string, unknown>;
}

export interface AccountStore {
  find(tenantId: string, subject: string): Promise<Account | undefined>;
}

export interface SessionRecord {
  id: string;
  subject: string;
  /** Epoch seconds. */
  authTime: number;
  acr: string | null;
  amr: string[];
}

export interface SessionStore {
  /** The live session a browser cookie names, or undefined (unknown, ended, expired, other tenant). */
  findByToken(tenantId: string, token: string): Promise<SessionRecord | undefined>;
  /** `clients`: clients known at once to receive tokens in this session (as addParticipant, in the same write). */
  create(tenantId: string, input: { subject: string; authTime: number; acr: string | null; amr: string[]; ttlSeconds: number; ip?: string; userAgent?: string; clients?: string[] }): Promise<{ session: SessionRecord; token: string }>;
  end(tenantId: string, sessionId: string): Promise<SessionRecord | undefined>;
  /** Ends the live session a cookie token names (one statement), returning it; undefined when there was none. */
  endByToken(tenantId: string, token: string): Promise<{ id: string; subject: string } | undefined>;
  /** Records that a client received tokens in this session (Back-Channel Logout targets). */
  addParticipant(tenantId: string, sessionId: string, clientId: string): Promise<void>;
}

/** Everything minted from one authorization shares one snapshot (and one family id). */
export interface GrantSnapshot {
  subject: string;
  clientId: string;
  scopes: string[];
  audience: string;
  sid: string | null;
  authTime: number | null;
  acr: string | null;
  amr: string[] | null;
  nonce: string | null;
  claims: Record<string, unknown> | null;
  sessionClaims: { access_token?: Record<string, unknown>; id_token?: Record<string, unknown> } | null;
  consentId: string | null;
  /** The active organization (authorize `organization`; a refresh may switch it). Absent in older snapshots. */
  organization?: string | null;
}

export interface CodeRecord {
  familyId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  grant: GrantSnapshot;
  expiresAt: number;
}

export interface RefreshRecord {
  familyId: string;
  clientId: string;
  grant: GrantSnapshot;
  expiresAt: number;
  absoluteExpiresAt: number;
  createdAt: number;
}

export interface AccessRecord {
  familyId: string | null;
  format: 'jwt' | 'opaque';
  clientId: string;
  subject: string;
  scopes: string[];
  audience: string;
  claims: Record<string, unknown> | null;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

/**
 * Codes, refresh tokens and access-token records. `consume*` are atomic: among concurrent
 * callers exactly one gets the record; the others get `{ reused: true }`.
 */
export interface GrantStore {
  saveCode(tenantId: string, codeHash: string, record: CodeRecord): Promise<void>;
  /**
   * Consumes a code only for the client it was issued to: another client's attempt neither burns
   * the code nor revokes its family (else anyone holding a leaked code could kill a victim's grant).
   */
  consumeCode(tenantId: string, codeHash: string, clientId: string): Promise<{ record: CodeRecord } | { reused: true; familyId: string } | { otherClient: true } | undefined>;
  saveRefresh(tenantId: string, tokenHash: string, record: RefreshRecord): Promise<void>;
  consumeRefresh(tenantId: string, tokenHash: string): Promise<{ record: RefreshRecord } | { reused: true; familyId: string; clientId: string; subject: string } | { revoked: true } | undefined>;
  findRefresh(tenantId: string, tokenHash: string): Promise<(RefreshRecord & { active: boolean }) | undefined>;
  saveAccess(tenantId: string, id: string, record: Omit<AccessRecord, 'revoked'>): Promise<void>;
  /** A token response's writes at once: access-token record, rotated refresh token, Token.Issued. */
  saveIssued(tenantId: string, input: {
    access: { id: string; record: Omit<AccessRecord, 'revoked'> };
    refresh?: { hash: string; record: RefreshRecord };
    event: { type: 'Token.Issued'; clientId: string; subject: string; requestId?: string; payload: Record<string, unknown> };
  }): Promise<void>;
  findAccess(tenantId: string, id: string): Promise<AccessRecord | undefined>;
  /** Is the family (authorization) revoked? */
  familyRevoked(tenantId: string, familyId: string): Promise<boolean>;
  revokeFamily(tenantId: string, familyId: string, reason: 'reuse' | 'revocation' | 'consent'): Promise<void>;
  /** Revokes one access token (JWT by jti: inserts a revocation record when none exists). */
  revokeAccess(tenantId: string, id: string, record: Omit<AccessRecord, 'revoked'>): Promise<void>;
  /** RFC 7523 §3: true the first time a (client, jti) is seen before its exp; false on replay. */
  rememberAssertion(tenantId: string, key: string, expiresAt: number): Promise<boolean>;
}

/** A remembered consent covering scopes and audiences. */
export interface ConsentStore {
  findRemembered(tenantId: string, subject: string, clientId: string): Promise<{ id: string; scopes: string[]; audiences: string[] } | undefined>;
}

/** Protocol events, written through the outbox (Login.Succeeded, Token.Issued, …). */
export interface ProtocolEvents {
  emit(tenantId: string, type: 'Token.Issued' | 'Token.Revoked' | 'RefreshToken.Reused' | 'Session.Ended', actor: { clientId: string; subject?: string }, payload: Record<string, unknown>): Promise<void>;
}

/**
 * API permissions and organization memberships, for access tokens of user grants. Lookups are
 * scoped to the tenant; an unknown organization and one the subject is not a member of are the same.
 */
export interface PermissionStore {
  /**
   * When `audience` is a registered API resource: the permission scopes it defines and those the
   * subject effectively holds (direct roles, group roles, and the roles of its membership in
   * `organizationId` when given). undefined when the audience is not an API resource.
   */
  apiPermissions(tenantId: string, subject: string, audience: string, organizationId: string | null): Promise<{ defined: string[]; held: string[] } | undefined>;
  /** The subject's membership of an organization with its role names there, or undefined. */
  organizationMembership(tenantId: string, subject: string, organizationId: string): Promise<{ organizationId: string; roles: string[] } | undefined>;
}

/** Queued deliveries (Back-Channel Logout 1.0). */
export interface LogoutNotifier {
  /** `issuer`: the issuer the session belonged to (the worker signs with it); defaults to the tenant's. */
  backchannelLogout(tenantId: string, input: { sid: string; subject: string; issuer?: string }): Promise<void>;
}

/** Interactions: the authorize request between the browser's visits (see interaction/state-machine.ts). */
export interface InteractionRecord {
  id: string;
  state: import('./interaction/state-machine.js').InteractionState;
  clientId: string;
  request: import('./interaction/authorization-request.js').AuthorizationRequest;
  sessionId: string | null;
  subject: string | null;
  authTime: number | null;
  acr: string | null;
  amr: string[] | null;
  remember: boolean;
  rememberFor: number | null;
  grantedScopes: string[] | null;
  grantedAudience: string[] | null;
  consentRemember: boolean;
  consentRememberFor: number | null;
  sessionClaims: GrantSnapshot['sessionClaims'];
  error: { error: string; error_description?: string } | null;
  browserBindingHash: string;
}

export interface InteractionStore {
  create(tenantId: string, input: { request: InteractionRecord['request']; clientId: string; sessionId: string | null; browserBindingHash: string; ttlSeconds: number; skipLogin?: { subject: string; authTime: number; acr: string | null; amr: string[] } }): Promise<{ id: string; loginChallenge: string }>;
  /** Finds the interaction a resume verifier names and invalidates the verifier (single use). */
  takeByVerifier(tenantId: string, verifier: string): Promise<InteractionRecord | undefined>;
  /** Moves to the consent stage; returns the consent challenge. */
  startConsent(tenantId: string, id: string, login: { subject: string; authTime: number; acr: string | null; amr: string[]; sessionId: string | null }): Promise<string>;
  complete(tenantId: string, id: string): Promise<void>;
  fail(tenantId: string, id: string): Promise<void>;
}

export interface ProtocolPorts {
  issuers: IssuerStore;
  clients: ClientStore;
  keys: KeyStore;
  accounts: AccountStore;
  sessions: SessionStore;
  grants: GrantStore;
  consents: ConsentStore;
  interactions: InteractionStore;
  events: ProtocolEvents;
  logout: LogoutNotifier;
  permissions: PermissionStore;
  /** A client's JWK Set from its jwks_uri (outbound, SSRF-guarded, cached; `refresh` skips the cache). */
  remoteJwks(tenantId: string, uri: string, refresh?: boolean): Promise<{ keys: JWK[] }>;
  /** Pairwise subject for a sector (OIDC Core §8.1), computed under the master key. */
  pairwiseSubject(tenantId: string, sector: string, subject: string): string;
}

export interface ProtocolSettings {
  publicUrl: string;
  accessTokenTtlSeconds: number;
  idTokenTtlSeconds: number;
  codeTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshTokenIdleTtlSeconds: number;
  interactionTtlSeconds: number;
  /** Cookies get `Secure` when PUBLIC_URL is https. */
  secureCookies: boolean;
  /** The management API's audience, `${PUBLIC_URL}/graphql`. */
  managementAudience: string;
}
