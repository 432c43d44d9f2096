/**
 * Resolving a presented token to what it grants, for userinfo, introspection and revocation.
 * - JWT access tokens: signature with this tenant's keys, `typ: at+jwt`, iss = this issuer, not
 *   expired; then not revoked (record by jti) and its family not revoked.
 * - Opaque access tokens and refresh tokens: looked up by SHA-256 in this tenant only.
 * - A user's token stops resolving when the account is no longer active, any token while its
 *   client is disabled or once it is deleted.
 * A token of another tenant, a random string and a revoked token all resolve to undefined.
 */
import { JwtInvalid, peekJwtHeader, verifyJwt } from '../../crypto/jwt.js';
import { publicKeyFromJwk, type SigningAlg } from '../../crypto/keys.js';
import { sha256Hex } from '../../crypto/secrets.js';
import type { AccessRecord, GrantSnapshot, ProtocolPorts } from '../ports.js';

export interface ResolvedToken {
  kind: 'access_token' | 'refresh_token';
  /** jti for JWTs, SHA-256 for opaque/refresh tokens: the record id. */
  id: string;
  format: 'jwt' | 'opaque' | 'refresh';
  clientId: string;
  subject: string;
  scopes: string[];
  audience: string;
  iat: number;
  exp: number;
  familyId: string | null;
  /** Present for user grants. */
  grant?: GrantSnapshot;
  userToken: boolean;
  /** The claims parameter's `userinfo` member of the authorization (OIDC Core §5.5). */
  userinfoRequest?: Record<string, unknown>;
}

const now = () => Math.floor(Date.now() / 1000);

async function stillActive<T extends Pick<ResolvedToken, 'familyId' | 'userToken' | 'subject' | 'clientId'>>(ports: ProtocolPorts, tenantId: string, t: T): Promise<T | undefined> {
  if (t.familyId && (await ports.grants.familyRevoked(tenantId, t.familyId))) return undefined;
  // A deleted or disabled client's tokens stop with it (the client store is cached for up to 10 s).
  const client = await ports.clients.find(tenantId, t.clientId);
  if (!client || client.disabled) return undefined;
  if (t.userToken) {
    const account = await ports.accounts.find(tenantId, t.subject);
    if (!account?.active) return undefined;
  }
  return t;
}

/**
 * After a JWT access token's signature: its record (by jti, absent for tokens that keep none),
 * or undefined when the token stopped counting since it was issued: its record or family
 * revoked, its client disabled or deleted, or its user no longer active.
 */
async function unrevokedJwt(ports: ProtocolPorts, tenantId: string, t: { jti: string; subject: string; clientId: string }): Promise<{ record: AccessRecord | undefined } | undefined> {
  const record = await ports.grants.findAccess(tenantId, t.jti);
  if (record?.revoked) return undefined;
  const familyId = record?.familyId ?? null;
  const active = await stillActive(ports, tenantId, { familyId, userToken: Boolean(familyId), subject: t.subject, clientId: t.clientId });
  return active ? { record } : undefined;
}

/** Whether a JWT access token whose signature was already verified has been revoked since (the checks of resolveAccessToken). */
export async function jwtAccessTokenRevoked(ports: ProtocolPorts, tenantId: string, t: { jti: string; subject: string; clientId: string }): Promise<boolean> {
  return (await unrevokedJwt(ports, tenantId, t)) === undefined;
}

export async function resolveAccessToken(ports: ProtocolPorts, tenantId: string, issuer: string, token: string): Promise<ResolvedToken | undefined> {
  if (token.length > 8192) return undefined;
  if (token.split('.').length === 3) {
    try {
      const header = peekJwtHeader(token);
      const jwk = (await ports.keys.publicJwks(tenantId)).find((k) => k.kid === header.kid);
      if (!jwk) return undefined;
      const p = await verifyJwt(token, publicKeyFromJwk(jwk), { issuer, typ: 'at+jwt', algorithms: [jwk.alg as SigningAlg] });
      if (typeof p.jti !== 'string' || typeof p.client_id !== 'string' || typeof p.sub !== 'string') return undefined;
      const live = await unrevokedJwt(ports, tenantId, { jti: p.jti, subject: p.sub, clientId: p.client_id });
      if (!live) return undefined;
      const { record } = live;
      return {
        kind: 'access_token', id: p.jti, format: 'jwt', clientId: p.client_id, subject: p.sub,
        scopes: typeof p.scope === 'string' ? p.scope.split(' ').filter(Boolean) : [],
        audience: Array.isArray(p.aud) ? p.aud[0]! : String(p.aud), iat: p.iat ?? 0, exp: p.exp ?? 0,
        familyId: record?.familyId ?? null, userToken: Boolean(record?.familyId),
        userinfoRequest: (record?.claims as { userinfoRequest?: Record<string, unknown> } | null)?.userinfoRequest,
      };
    } catch (err) {
      if (err instanceof JwtInvalid) return undefined;
      throw err;
    }
  }
  const id = sha256Hex(token);
  const record = await ports.grants.findAccess(tenantId, id);
  if (!record || record.revoked || record.format !== 'opaque' || record.expiresAt <= now()) return undefined;
  return stillActive(ports, tenantId, {
    kind: 'access_token', id, format: 'opaque', clientId: record.clientId, subject: record.subject, scopes: record.scopes,
    audience: record.audience, iat: record.issuedAt, exp: record.expiresAt, familyId: record.familyId, userToken: Boolean(record.familyId),
    userinfoRequest: (record.claims as { userinfoRequest?: Record<string, unknown> } | null)?.userinfoRequest,
  });
}

export async function resolveRefreshToken(ports: ProtocolPorts, tenantId: string, token: string): Promise<ResolvedToken | undefined> {
  if (token.length > 512) return undefined;
  const id = sha256Hex(token);
  const r = await ports.grants.findRefresh(tenantId, id);
  if (!r || !r.active || r.expiresAt <= now() || r.absoluteExpiresAt <= now()) return undefined;
  return stillActive(ports, tenantId, {
    kind: 'refresh_token', id, format: 'refresh', clientId: r.clientId, subject: r.grant.subject, scopes: r.grant.scopes,
    audience: r.grant.audience, iat: r.createdAt, exp: r.expiresAt, familyId: r.familyId, grant: r.grant, userToken: true,
  });
}

/** Tries the hinted type first (RFC 7009 §2.1 / RFC 7662 §2.1), then the other. */
export async function resolveAnyToken(ports: ProtocolPorts, tenantId: string, issuer: string, token: string, hint: string | undefined): Promise<ResolvedToken | undefined> {
  const order = hint === 'refresh_token' ? ['refresh_token', 'access_token'] : ['access_token', 'refresh_token'];
  for (const kind of order) {
    const r = kind === 'access_token' ? await resolveAccessToken(ports, tenantId, issuer, token) : await resolveRefreshToken(ports, tenantId, token);
    if (r) return r;
  }
  return undefined;
}
