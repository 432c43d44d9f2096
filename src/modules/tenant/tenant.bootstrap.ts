import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { ALL_MANAGEMENT_SCOPES } from '../../shared/management-scopes.js';
import type { ClientService } from '../client/index.js';
import type { SigningKeyService } from '../signing-key/index.js';
import { Tenant } from './tenant.entity.js';
import { SYSTEM_TENANT_SLUG } from './tenant.service.js';

export interface BootstrapResult {
  systemTenantId: string;
  rootClientId: string;
  /** Present only when this call generated the root secret: print it once. */
  generatedRootSecret?: string;
  createdSystemTenant: boolean;
}

export const DEFAULT_ROOT_CLIENT_ID = 'signet-root';

/**
 * First boot: the system tenant (with its signing keys) and the root management client holding
 * every management scope. Idempotent; safe to run from several processes (unique slug).
 */
export async function bootstrapSystem(em: EntityManager, deps: {
  signingKeys: SigningKeyService; clients: ClientService; rootClientId?: string; rootClientSecret?: string;
}): Promise<BootstrapResult> {
  return em.transactional(async (tx) => {
    const txm = tx as EntityManager;
    await txm.getConnection().execute(`select pg_advisory_xact_lock(7244061)`, [], 'run', txm.getTransactionContext());
    let system = await txm.findOne(Tenant, { slug: SYSTEM_TENANT_SLUG });
    let created = false;
    if (!system) {
      system = txm.create(Tenant, { id: uuid(), slug: SYSTEM_TENANT_SLUG, name: 'System', isSystem: true });
      await deps.signingKeys.createInitialKeys(txm, system.id);
      created = true;
    }
    txm.setFilterParams('tenant', { tenantId: system.id });
    const root = await deps.clients.ensureRootClient(txm, {
      tenantId: system.id, name: 'Root management client', scopes: ALL_MANAGEMENT_SCOPES,
      clientId: deps.rootClientId ?? DEFAULT_ROOT_CLIENT_ID, secret: deps.rootClientSecret,
    });
    await txm.flush();
    return { systemTenantId: system.id, rootClientId: root.client.clientId, generatedRootSecret: root.generatedSecret, createdSystemTenant: created };
  });
}
