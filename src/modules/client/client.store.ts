import type { MikroORM } from '@mikro-orm/postgresql';
import { sha256Hex, verifySecret } from '../../crypto/secrets.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { ClientRecord, ClientStore } from '../../protocol/ports.js';
import { TtlCache } from '../../shared/ttl-cache.js';
import { isCleanIdentifier } from '../../shared/text.js';
import type { JWK, SigningAlg } from '../../crypto/keys.js';
import { Client, ClientSecret } from './client.entity.js';

interface CachedClient {
  record: ClientRecord | undefined;
  secrets: { hash: string; expiresAt: number | null }[];
}

/**
 * ClientStore for the protocol layer. Client rows and secret hashes are cached for a short time
 * (10 s), and a secret that verified through a slow hash is remembered by its SHA-256 for the
 * same time, so the token endpoint's hot path costs no database read and no scrypt.
 */
export class ClientRecordStore implements ClientStore {
  private readonly cache = new TtlCache<CachedClient>(10_000);
  private readonly verified = new TtlCache<boolean>(10_000, 50_000);
  private readonly origins = new TtlCache<ReadonlySet<string>>(10_000);

  constructor(private readonly orm: MikroORM) {}

  private load(tenantId: string, clientId: string): Promise<CachedClient> {
    if (!isCleanIdentifier(clientId, 128)) return Promise.resolve({ record: undefined, secrets: [] });
    return this.cache.get(`${tenantId}:${clientId}`, async () => {
      const em = tenantEm(this.orm, tenantId);
      const c = await em.findOne(Client, { tenant: tenantId, clientId });
      if (!c) return { record: undefined, secrets: [] };
      const secrets = await em.find(ClientSecret, { tenant: tenantId, client: c.id });
      return {
        record: {
          tenantId, clientId: c.clientId, name: c.name, kind: c.kind, confidential: c.confidential,
          grantTypes: c.grantTypes, scopes: c.scopes, audiences: c.audiences,
          tokenEndpointAuthMethod: c.tokenEndpointAuthMethod, accessTokenTtl: c.accessTokenTtl ?? null, disabled: c.disabled,
          applicationType: c.applicationType === 'native' ? 'native' : 'web', redirectUris: c.redirectUris,
          postLogoutRedirectUris: c.postLogoutRedirectUris, responseTypes: c.responseTypes, skipConsent: c.skipConsent,
          enforcePkce: c.enforcePkce, subjectType: c.subjectType === 'pairwise' ? 'pairwise' : 'public',
          sectorIdentifier: c.sectorIdentifier ?? null, idTokenSignedResponseAlg: c.idTokenSignedResponseAlg as SigningAlg,
          accessTokenFormat: c.accessTokenFormat === 'opaque' ? 'opaque' : 'jwt', jwks: (c.jwks as { keys: JWK[] } | null) ?? null, jwksUri: c.jwksUri ?? null,
          backchannelLogoutUri: c.backchannelLogoutUri ?? null, refreshTokenTtl: c.refreshTokenTtl ?? null, refreshTokenIdleTtl: c.refreshTokenIdleTtl ?? null,
        },
        secrets: secrets.map((s) => ({ hash: s.secretHash, expiresAt: s.expiresAt ? s.expiresAt.getTime() : null })),
      };
    });
  }

  async find(tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
    return (await this.load(tenantId, clientId)).record;
  }

  async verifySecret(tenantId: string, clientId: string, secret: string): Promise<boolean> {
    const { record, secrets } = await this.load(tenantId, clientId);
    if (!record) {
      sha256Hex(secret);
      return false;
    }
    const now = Date.now();
    const live = secrets.filter((s) => s.expiresAt === null || s.expiresAt > now);
    const fast = live.filter((s) => s.hash.startsWith('sha256$'));
    for (const s of fast) if (await verifySecret(secret, s.hash)) return true;
    const slow = live.filter((s) => !s.hash.startsWith('sha256$'));
    if (!slow.length) return false;
    return this.verified.get(`${tenantId}:${clientId}:${sha256Hex(secret)}`, async () => {
      for (const s of slow) if (await verifySecret(secret, s.hash)) return true;
      return false;
    });
  }

  /** Union of the enabled clients' allowed CORS origins in a tenant (cached like client rows). */
  corsOrigins(tenantId: string): Promise<ReadonlySet<string>> {
    return this.origins.get(tenantId, async () => {
      const rows = await tenantEm(this.orm, tenantId).find(Client, { tenant: tenantId, disabled: false, allowedCorsOrigins: { $ne: [] } }, { fields: ['allowedCorsOrigins'] });
      return new Set(rows.flatMap((r) => r.allowedCorsOrigins));
    });
  }

  forget(tenantId: string, clientId?: string): void {
    this.origins.delete(tenantId);
    if (clientId) this.cache.delete(`${tenantId}:${clientId}`);
    else this.cache.clear();
  }
}
