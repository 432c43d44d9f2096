import 'reflect-metadata';
import { ormConfig } from './db/mikro-orm.config.js';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config/env.js';
import { resolveMasterKey } from './crypto/master-key.js';
import { systemEm } from './db/tenant-em.js';
import { ClientService } from './modules/client/index.js';
import { SigningKeyService } from './modules/signing-key/index.js';
import { bootstrapSystem, type BootstrapResult } from './modules/tenant/index.js';

export interface MigrateResult extends BootstrapResult {
  applied: string[];
  devMasterKeyGenerated: boolean;
  masterKeySource: 'env' | 'dev-file';
}

/** Applies pending migrations, then creates the system tenant and root client if missing. */
export async function migrateAndBootstrap(config: Config): Promise<MigrateResult> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required for `signet migrate` (`signet start` provides a private one)');
  const master = resolveMasterKey(config.masterKey, config.dataDir);
  const orm = await MikroORM.init(ormConfig({ clientUrl: config.databaseUrl, poolMax: 2 }));
  try {
    const applied = (await orm.migrator.up()).map((m) => m.name);
    const boot = await bootstrapSystem(systemEm(orm), {
      signingKeys: new SigningKeyService(master.key), clients: new ClientService(),
      rootClientId: config.rootClientId, rootClientSecret: config.rootClientSecret,
    });
    return { ...boot, applied, devMasterKeyGenerated: master.generated, masterKeySource: master.source };
  } finally {
    await orm.close(true);
  }
}
