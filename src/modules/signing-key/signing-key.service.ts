import type { EntityManager } from '@mikro-orm/postgresql';
import { seal } from '../../crypto/aead.js';
import { generateSigningKey, type SigningAlg } from '../../crypto/keys.js';
import { uuid } from '../../crypto/random.js';
import { SigningKey } from './signing-key.entity.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import type { RequestContext } from '../../shared/request-context.js';

/** Algorithms every tenant holds an active key for from its creation on. */
export const DEFAULT_TENANT_ALGS: SigningAlg[] = ['ES256', 'RS256', 'PS256', 'EdDSA'];

/** Retired keys stay published this long, so tokens they signed keep verifying. */
export const RETIRED_KEY_PUBLISH_SECONDS = 7 * 86_400;

export function sealingAad(tenantId: string, kid: string): string {
  return `signing-key:${tenantId}:${kid}`;
}

export class SigningKeyService {
  constructor(private readonly masterKey: Buffer) {}

  /** Generates and persists (in the caller's unit of work) one active key per default algorithm. */
  async createInitialKeys(em: EntityManager, tenantId: string, algs: SigningAlg[] = DEFAULT_TENANT_ALGS): Promise<SigningKey[]> {
    const keys = await Promise.all(algs.map((alg) => generateSigningKey(alg)));
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

  private async newKey(em: EntityManager, tenantId: string, alg: SigningAlg, status: 'next' | 'active'): Promise<SigningKey> {
    const k = await generateSigningKey(alg);
    return em.create(SigningKey, {
      id: uuid(), tenant: tenantId, kid: k.kid, alg, status, publicJwk: k.publicJwk,
      privateKeySealed: seal(this.masterKey, k.privatePem, sealingAad(tenantId, k.kid)),
      activatedAt: status === 'active' ? new Date() : null, retiredAt: null, expiresAt: null,
    });
  }

  /**
   * Rotation with overlap: the published `next` key (or a new one) becomes active, the active key
   * is retired but stays published for RETIRED_KEY_PUBLISH_SECONDS, and a new `next` key is
   * published ahead of its use (other processes' JWKS caches pick it up before it signs).
   * Emits SigningKey.Rotated.
   */
  async rotate(ctx: RequestContext, algs: SigningAlg[] = DEFAULT_TENANT_ALGS): Promise<SigningKey[]> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const tenantId = ctx.tenant.id;
    const now = new Date();
    const rotated: SigningKey[] = [];
    await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      await txm.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`signing-key:${tenantId}`], 'run', txm.getTransactionContext());
      for (const alg of algs) {
        const current = await txm.find(SigningKey, { tenant: tenantId, alg, status: { $in: ['active', 'next'] } });
        const active = current.filter((k) => k.status === 'active');
        const next = current.find((k) => k.status === 'next');
        for (const a of active) {
          a.status = 'retired';
          a.retiredAt = now;
          a.expiresAt = new Date(now.getTime() + RETIRED_KEY_PUBLISH_SECONDS * 1000);
        }
        let promoted: SigningKey;
        if (next) {
          next.status = 'active';
          next.activatedAt = now;
          promoted = next;
        } else {
          promoted = await this.newKey(txm, tenantId, alg, 'active');
        }
        await this.newKey(txm, tenantId, alg, 'next');
        rotated.push(promoted);
        recordEvent(txm, {
          tenantId, type: 'SigningKey.Rotated', actor: ctx.actor, requestId: ctx.requestId,
          target: { type: 'SigningKey', id: promoted.id }, payload: { alg, kid: promoted.kid, retiredKids: active.map((a) => a.kid) },
        });
      }
      await txm.flush();
    });
    await notifyOutbox(em);
    return rotated;
  }

  /** Ensures the tenant has an active key for `alg` (tenants created before an alg was added). */
  async ensureActive(em: EntityManager, tenantId: string, alg: SigningAlg): Promise<void> {
    await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      await txm.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`signing-key:${tenantId}`], 'run', txm.getTransactionContext());
      const exists = await txm.count(SigningKey, { tenant: tenantId, alg, status: 'active' });
      if (!exists) await this.newKey(txm, tenantId, alg, 'active');
      await txm.flush();
    });
  }

  /** Published keys of several tenants at once (for DataLoaders), newest first. */
  async listPublished(em: EntityManager, tenantIds: readonly string[]): Promise<SigningKey[]> {
    return em.find(SigningKey, {
      tenant: { $in: [...tenantIds] },
      $or: [{ status: { $in: ['active', 'next'] } }, { status: 'retired', expiresAt: { $gt: new Date() } }],
    }, {
      filters: { tenant: false },
      orderBy: { createdAt: 'DESC', id: 'DESC' },
      exclude: ['privateKeySealed'],
    } as never);
  }
}
