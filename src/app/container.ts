import { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import { resolveMasterKey } from '../crypto/master-key.js';
import { initOrm, type MikroORM } from '../db/orm.js';
import { EventBus } from '../graph/pubsub.js';
import { ManagementTokenVerifier } from '../modules/access/index.js';
import { AuditLogService } from '../modules/audit-log/index.js';
import { ClientRecordStore, ClientService } from '../modules/client/index.js';
import { SigningKeyService, SigningKeyStore } from '../modules/signing-key/index.js';
import { bootstrapSystem, TenantIssuerStore, TenantService, type BootstrapResult } from '../modules/tenant/index.js';
import { systemEm } from '../db/tenant-em.js';
import { issuerUrl } from '../protocol/request.js';
import type { ProtocolPorts, ProtocolSettings } from '../protocol/ports.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { Services } from './services.js';

export interface Container {
  config: Config;
  log: Logger;
  orm: MikroORM;
  redis: Redis;
  services: Services;
  ports: ProtocolPorts;
  settings: ProtocolSettings;
  verifier: ManagementTokenVerifier;
  issuers: TenantIssuerStore;
  keys: SigningKeyStore;
  system: BootstrapResult;
  close(): Promise<void>;
}

export function redisClient(url: string, name: string): Redis {
  // BullMQ requires maxRetriesPerRequest: null; commands wait for a reconnect instead of failing.
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, enableReadyCheck: true });
}

/** Builds every long-lived object of a serve or worker process, once. */
export async function createContainer(config: Config, role: 'serve' | 'worker' | 'cli', opts: { onQuery?: (sql: string) => void } = {}): Promise<Container> {
  const log = createLogger({ level: config.logLevel, name: role, file: config.logFile });
  if (!config.databaseUrl || !config.redisUrl) {
    throw new Error(`DATABASE_URL and REDIS_URL are required for \`signet ${role}\` (\`signet start\` provides private ones)`);
  }
  const master = resolveMasterKey(config.masterKey, config.dataDir);
  const orm = await initOrm({ clientUrl: config.databaseUrl, onQuery: opts.onQuery, poolMax: role === 'serve' ? 20 : 10 });
  const redis = redisClient(config.redisUrl, `signet-${role}`);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const sub = redis.duplicate({ connectionName: `signet-${role}-sub` });
  sub.on('error', (err) => log.warn({ err: err.message }, 'redis subscriber connection error'));

  const signingKeys = new SigningKeyService(master.key);
  const clients = new ClientService();
  const issuers = new TenantIssuerStore(orm);
  const keys = new SigningKeyStore(orm, master.key);
  const clientStore = new ClientRecordStore(orm);

  const system = await bootstrapSystem(systemEm(orm), {
    signingKeys, clients, rootClientId: config.rootClientId, rootClientSecret: config.rootClientSecret,
  });
  if (config.rootClientId) clientStore.forget(system.systemTenantId, config.rootClientId);

  const tenants = new TenantService({
    signingKeys, clients, systemTenantId: () => system.systemTenantId,
    onChanged: (t) => { issuers.forget(t.slug); keys.forget(t.id); clientStore.forget(t.id); },
  });
  const eventBus = new EventBus(sub, log);
  const settings: ProtocolSettings = {
    publicUrl: config.publicUrl, accessTokenTtlSeconds: config.accessTokenTtlSeconds, managementAudience: `${config.publicUrl}/graphql`,
  };
  const services: Services = {
    tenants, signingKeys, clients, auditLog: new AuditLogService(), eventBus,
    issuerUrl: (slug) => issuerUrl(config.publicUrl, slug),
  };
  const verifier = new ManagementTokenVerifier({ publicUrl: config.publicUrl, audience: settings.managementAudience, issuers, keys });
  return {
    config, log, orm, redis, services, settings, verifier, issuers, keys, system,
    ports: { issuers, clients: clientStore, keys },
    async close() {
      sub.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await orm.close(true);
    },
  };
}
