import type { MikroORM } from '@mikro-orm/postgresql';
import type { JWK } from '../../crypto/keys.js';
import { open } from '../../crypto/aead.js';
import type { SigningKeyHandle } from '../../crypto/jwt.js';
import { privateKeyFromPem, type SigningAlg } from '../../crypto/keys.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { KeyStore } from '../../protocol/ports.js';
import { TtlCache } from '../../shared/ttl-cache.js';
import { SigningKey } from './signing-key.entity.js';
import { sealingAad, type SigningKeyService } from './signing-key.service.js';

/**
 * KeyStore for the protocol layer. Decrypted private keys are cached in memory for a minute, so
 * signing does no database read or AES work on the hot path; a rotation becomes visible to every
 * process within that minute (the next key is published ahead of activation for this reason).
 */
export class SigningKeyStore implements KeyStore {
  private readonly active = new TtlCache<SigningKeyHandle>(60_000);
  private readonly jwks = new TtlCache<JWK[]>(30_000);

  constructor(private readonly orm: MikroORM, private readonly masterKey: Buffer, private readonly service: SigningKeyService) {}

  activeSigningKey(tenantId: string, alg: SigningAlg): Promise<SigningKeyHandle> {
    return this.active.get(`${tenantId}:${alg}`, async () => {
      const find = () => tenantEm(this.orm, tenantId).findOne(SigningKey, { tenant: tenantId, alg, status: 'active' }, {
        orderBy: { activatedAt: 'DESC' }, populate: ['privateKeySealed'] as never,
      });
      let row = await find();
      if (!row) {
        await this.service.ensureActive(tenantEm(this.orm, tenantId), tenantId, alg);
        this.jwks.delete(tenantId);
        row = await find();
      }
      if (!row) throw new Error(`tenant has no active ${alg} signing key`);
      const pem = open(this.masterKey, row.privateKeySealed, sealingAad(tenantId, row.kid));
      return { kid: row.kid, alg, key: privateKeyFromPem(pem) };
    });
  }

  publicJwks(tenantId: string): Promise<JWK[]> {
    return this.jwks.get(tenantId, async () => {
      const em = tenantEm(this.orm, tenantId);
      const rows = await em.find(SigningKey, {
        tenant: tenantId, $or: [{ status: { $in: ['active', 'next'] } }, { status: 'retired', expiresAt: { $gt: new Date() } }],
      }, { orderBy: { createdAt: 'DESC' } });
      return rows.map((r) => r.publicJwk);
    });
  }

  /** A tenant's public key by kid (verification of tokens Signet issued). */
  async verificationKey(tenantId: string, kid: string): Promise<JWK | undefined> {
    const jwks = await this.publicJwks(tenantId);
    return jwks.find((k) => k.kid === kid);
  }

  forget(tenantId: string): void {
    this.jwks.delete(tenantId);
    for (const alg of ['ES256', 'RS256', 'PS256', 'EdDSA']) this.active.delete(`${tenantId}:${alg}`);
  }
}
