import type { EntityManager } from '@mikro-orm/postgresql';
import { seal } from '../../crypto/aead.js';
import { generateSigningKey, type SigningAlg } from '../../crypto/keys.js';
import { uuid } from '../../crypto/random.js';
import { SigningKey } from './signing-key.entity.js';

/** Algorithms every tenant holds an active key for from its creation on. */
export const DEFAULT_TENANT_ALGS: SigningAlg[] = ['ES256', 'RS256'];

export function sealingAad(tenantId: string, kid: string): string {
  return `signing-key:${tenantId}:${kid}`;
}

export class SigningKeyService {
  constructor(private readonly masterKey: Buffer) {}

  /** Generates and persists (in the caller's unit of work) one active key per default algorithm. */
  async createInitialKeys(em: EntityManager, tenantId: string): Promise<SigningKey[]> {
    const keys = await Promise.all(DEFAULT_TENANT_ALGS.map((alg) => generateSigningKey(alg)));
    const now = new Date();
    return keys.map((k) => em.create(SigningKey, {
      id: uuid(),
      tenant: tenantId,
      kid: k.kid,
      alg: k.alg,
      status: 'active',
      publicJwk: k.publicJwk,
      privateKeySealed: seal(this.masterKey, k.privatePem, sealingAad(tenantId, k.kid)),
      activatedAt: now,
      retiredAt: null,
      expiresAt: null,
    }));
  }

  /** Published keys of several tenants at once (for DataLoaders), newest first. */
  async listPublished(em: EntityManager, tenantIds: readonly string[]): Promise<SigningKey[]> {
    return em.find(SigningKey, { tenant: { $in: [...tenantIds] } }, {
      filters: { tenant: false },
      orderBy: { createdAt: 'DESC', id: 'DESC' },
      exclude: ['privateKeySealed'],
    } as never);
  }
}
