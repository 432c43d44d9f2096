import { JwtInvalid, peekJwtHeader, peekJwtPayload, verifyJwt } from '../../crypto/jwt.js';
import { publicKeyFromJwk } from '../../crypto/keys.js';
import type { IssuerStore } from '../../protocol/ports.js';
import type { SigningKeyStore } from '../signing-key/index.js';

/** A verified management token. */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  clientId: string;
  subject: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
  jti: string;
}

export class AccessDenied extends Error {}

/** How long a verified token is trusted before its revocation is checked again. */
export const REVOCATION_RECHECK_MS = 5_000;

interface Verified {
  token: string;
  principal: Principal;
  /** When revocation was last checked (ms), and whether a check is under way. */
  checkedAt: number;
  checking: boolean;
}

/**
 * Verifies bearer tokens for the management API: a Signet-issued RFC 9068 JWT (`typ: at+jwt`)
 * from one of its tenant issuers, for the audience `${PUBLIC_URL}/graphql`, signed by that
 * tenant's key, and not revoked (RFC 7009 revocation, a revoked grant family, a suspended or
 * deleted user: `revoked`). Verified tokens are remembered until they expire (bounded), so
 * repeated calls with one token cost one map lookup; their revocation is checked again every
 * REVOCATION_RECHECK_MS in the background, so a revoked token stops working within that time
 * (plus one query) on every serve.
 */
export class ManagementTokenVerifier {
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly deps: {
      publicUrl: string; audience: string; issuers: IssuerStore; keys: SigningKeyStore; maxCached?: number;
      revoked: (p: Principal) => Promise<boolean>; recheckMs?: number;
    },
  ) {}

  async verify(token: string): Promise<Principal> {
    const now = Math.floor(Date.now() / 1000);
    // Keyed by the signature segment, and the whole token compared on a hit: a header value is a
    // new string on every request, and hashing all of a JWT (~700 characters) for the lookup cost
    // 5 % of the main thread on a GraphQL query. Another token carrying a cached signature is no
    // hit; it is verified (and refused) in full.
    const key = token.slice(token.lastIndexOf('.') + 1);
    const hit = this.verified.get(key);
    if (hit && hit.token === token) {
      if (hit.principal.expiresAt > now) return this.recheck(key, hit);
      this.verified.delete(key);
    }
    const principal = await this.verifyUncached(token);
    if (await this.deps.revoked(principal)) throw new AccessDenied('token was revoked');
    if (this.verified.size >= (this.deps.maxCached ?? 10_000)) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(key, { token, principal, checkedAt: Date.now(), checking: false });
    return principal;
  }

  /**
   * The cached principal. When its last revocation check is too old, a new one starts in the
   * background (requests in flight are not held up by it); once it finds the token revoked, or
   * fails, the entry is dropped and the next request verifies the token in full.
   */
  private recheck(key: string, hit: Verified): Principal {
    if (hit.checking || Date.now() - hit.checkedAt < (this.deps.recheckMs ?? REVOCATION_RECHECK_MS)) return hit.principal;
    hit.checking = true;
    const drop = () => { if (this.verified.get(key) === hit) this.verified.delete(key); };
    this.deps.revoked(hit.principal).then((revoked) => {
      hit.checkedAt = Date.now();
      hit.checking = false;
      if (revoked) drop();
    }, drop);
    return hit.principal;
  }

  private async verifyUncached(token: string): Promise<Principal> {
    try {
      const header = peekJwtHeader(token);
      const claims = peekJwtPayload(token);
      const prefix = `${this.deps.publicUrl}/t/`;
      if (typeof claims.iss !== 'string' || !claims.iss.startsWith(prefix)) throw new AccessDenied('token was not issued by this Signet');
      const slug = claims.iss.slice(prefix.length);
      const issuer = await this.deps.issuers.findBySlug(slug);
      if (!issuer || !header.kid) throw new AccessDenied('token was not issued by this Signet');
      const jwk = await this.deps.keys.verificationKey(issuer.tenantId, header.kid);
      if (!jwk) throw new AccessDenied('token signing key is unknown');
      const payload = await verifyJwt(token, publicKeyFromJwk(jwk), {
        issuer: claims.iss, audience: this.deps.audience, typ: 'at+jwt', algorithms: [jwk.alg as 'ES256'],
      });
      if (typeof payload.client_id !== 'string' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
        throw new AccessDenied('token lacks required claims');
      }
      return {
        tenantId: issuer.tenantId, tenantSlug: issuer.slug, clientId: payload.client_id, subject: payload.sub,
        scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
        expiresAt: payload.exp, jti: String(payload.jti ?? ''),
      };
    } catch (err) {
      if (err instanceof JwtInvalid) throw new AccessDenied(err.reason);
      throw err;
    }
  }
}
