import { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import { resolveMasterKey } from '../crypto/master-key.js';
import { initOrm, type MikroORM } from '../db/orm.js';
import { EventBus } from '../graph/pubsub.js';
import { CacheBus } from '../graph/cache-bus.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { outboundRequest } from '../shared/outbound/index.js';
import type { JWK } from '../crypto/keys.js';
import { ManagementTokenVerifier } from '../modules/access/index.js';
import { AuditExportService, AuditLogService, AuditRetentionService } from '../modules/audit-log/index.js';
import { ClientRecordStore, ClientService } from '../modules/client/index.js';
import { SigningKeyService, SigningKeyStore } from '../modules/signing-key/index.js';
import { bootstrapSystem, TenantIssuerStore, TenantService, type BootstrapResult } from '../modules/tenant/index.js';
import { systemEm } from '../db/tenant-em.js';
import { issuerUrl } from '../protocol/request.js';
import { jwtAccessTokenRevoked } from '../protocol/tokens/resolve.js';
import type { ProtocolPorts, ProtocolSettings } from '../protocol/ports.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { Queue } from 'bullmq';
import { hmacBase64url } from '../crypto/hashes.js';
import { OutboxProtocolEvents } from '../events/protocol-events.js';
import { ConsentService, GrantRecordStore } from '../modules/grant/index.js';
import { InteractionRecordStore, InteractionService } from '../modules/interaction/index.js';
import { BrowserSessionStore, SessionService } from '../modules/session/index.js';
import { DevMailboxTransport, DevSmsTransport, UnconfiguredMailTransport, UnconfiguredSmsTransport } from '../modules/notification/index.js';
import { AuthnEngine, FactorService, LoginThrottle, PasskeyService } from '../modules/authn/index.js';
import { UserAccountStore, UserService } from '../modules/user/index.js';
import { BACKCHANNEL_LOGOUT_QUEUE, BackchannelLogoutNotifier, type BackchannelLogoutJob } from '../jobs/backchannel-logout.js';
import { BULL_PREFIX } from '../jobs/queues.js';
import type { Services } from './services.js';
import { TENANT_MANAGEMENT_SCOPES } from '../shared/management-scopes.js';
import { WebhookService } from '../modules/webhook/index.js';
import { OutboundPolicyService } from '../modules/outbound-policy/index.js';
import { OrganizationPermissionStore, OrganizationService } from '../modules/organization/index.js';
import { RbacService } from '../modules/rbac/index.js';

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
  clients: ClientRecordStore;
  system: BootstrapResult;
  /** The master key (AES-256-GCM sealing of private keys and webhook secrets). */
  masterKey: Buffer;
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
  const cacheBus = new CacheBus(redis, sub, log);
  const clients = new ClientService({
    production: config.nodeEnv === 'production', managementAudience: `${config.publicUrl}/graphql`,
    invalidate: (tenantId, clientId) => cacheBus.invalidate({ kind: 'client', tenantId, clientId }),
  });
  const issuers = new TenantIssuerStore(orm);
  const keys = new SigningKeyStore(orm, master.key, signingKeys);
  const clientStore = new ClientRecordStore(orm);
  // Built further down (it needs the services); invalidations only arrive once it exists.
  let authnEngine: AuthnEngine | undefined;
  cacheBus.onInvalidate((m) => {
    if (m.kind === 'client') clientStore.forget(m.tenantId, m.clientId);
    else if (m.kind === 'keys') keys.forget(m.tenantId);
    else if (m.kind === 'tenant') authnEngine?.forgetTenant(m.tenantId);
    else issuers.forget(m.slug);
  });

  const system = await bootstrapSystem(systemEm(orm), {
    signingKeys, clients, rootClientId: config.rootClientId, rootClientSecret: config.rootClientSecret,
  });
  if (config.rootClientId) clientStore.forget(system.systemTenantId, config.rootClientId);

  const tenants = new TenantService({
    signingKeys, clients, systemTenantId: () => system.systemTenantId,
    onCreated: async (ctx) => { await rbac.provisionManagementApi(ctx, `${config.publicUrl}/graphql`, TENANT_MANAGEMENT_SCOPES); },
    onChanged: (t) => {
      cacheBus.invalidate({ kind: 'issuer', slug: t.slug }); cacheBus.invalidate({ kind: 'keys', tenantId: t.id }); cacheBus.invalidate({ kind: 'tenant', tenantId: t.id });
      clientStore.forget(t.id);
    },
  });
  const eventBus = new EventBus(sub, log);
  const settings: ProtocolSettings = {
    publicUrl: config.publicUrl, accessTokenTtlSeconds: config.accessTokenTtlSeconds, managementAudience: `${config.publicUrl}/graphql`,
    idTokenTtlSeconds: 3600, codeTtlSeconds: 60, refreshTokenTtlSeconds: 30 * 86_400, refreshTokenIdleTtlSeconds: 14 * 86_400,
    interactionTtlSeconds: 30 * 60, secureCookies: config.publicUrl.startsWith('https:'),
  };
  const accounts = new UserAccountStore(orm);
  const sessions = new BrowserSessionStore(orm);
  const grants = new GrantRecordStore(orm);
  const logoutQueue = new Queue<BackchannelLogoutJob>(BACKCHANNEL_LOGOUT_QUEUE, { connection: redis, prefix: BULL_PREFIX });
  logoutQueue.on('error', (err) => log.warn({ err: err.message }, 'backchannel logout queue error'));
  // Client JWK Sets fetched from jwks_uri (private_key_jwt), kept 5 minutes.
  const remoteJwksCache = new TtlCache<{ keys: JWK[] }>(300_000, 1_000);
  const pairwiseKey = Buffer.from(hmacBase64url(master.key, 'signet:pairwise-subject'), 'base64url');
  // Outside production, mail is kept in PostgreSQL and read through the devMailbox query.
  const mail = config.nodeEnv === 'production' ? new UnconfiguredMailTransport(log) : new DevMailboxTransport(orm);
  const sms = config.nodeEnv === 'production' ? new UnconfiguredSmsTransport(log) : new DevSmsTransport(orm);
  const organizations = new OrganizationService({ mail });
  const rbac = new RbacService({ membershipRoles: (em, userId, organizationId) => organizations.membershipRoles(em, userId, organizationId) });
  const ports: ProtocolPorts = {
    issuers, clients: clientStore, keys, accounts, sessions, grants, consents: grants,
    interactions: new InteractionRecordStore(orm),
    events: new OutboxProtocolEvents(orm),
    logout: new BackchannelLogoutNotifier({ queue: logoutQueue, clients: clientStore, participants: (t, sid) => sessions.participants(t, sid) }),
    permissions: new OrganizationPermissionStore(orm, rbac),
    remoteJwks: (tenantId, uri, refresh) => {
      const key = `${tenantId} ${uri}`;
      if (refresh) remoteJwksCache.delete(key);
      return remoteJwksCache.get(key, async () => {
        const policy = await outboundPolicies.effective(systemEm(orm), tenantId, 'jwks_fetch');
        const res = await outboundRequest({ url: uri, method: 'GET', headers: { accept: 'application/json' }, policy, settings: { allowLoopback: config.outboundAllowLoopback }, timeoutMs: 5_000 });
        if (res.status !== 200 || res.truncated) throw new Error(`jwks_uri answered ${res.status}`);
        const set = JSON.parse(res.body.toString('utf8')) as { keys?: unknown };
        if (!Array.isArray(set.keys)) throw new Error('jwks_uri is not a JWK Set');
        return { keys: set.keys as JWK[] };
      });
    },
    pairwiseSubject: (tenantId, sector, subject) => hmacBase64url(pairwiseKey, `${tenantId}|${sector}|${subject}`),
  };
  const outboundPolicies = new OutboundPolicyService({ systemTenantId: () => system.systemTenantId });
  const webhooks = new WebhookService({ masterKey: master.key, outbound: outboundPolicies, settings: { allowLoopback: config.outboundAllowLoopback } });
  const sessionService = new SessionService({ logout: ports.logout });
  const consentService = new ConsentService();
  const userService = new UserService({ sessions: sessionService, consents: consentService, mail, issuerUrl: (slug) => issuerUrl(config.publicUrl, slug) });
  const interactions = new InteractionService({ orm, clients: clientStore, accounts, issuerUrl: (slug) => issuerUrl(config.publicUrl, slug) });
  const factors = new FactorService({ masterKey: master.key });
  const passkeys = new PasskeyService({ publicUrl: config.publicUrl, redis });
  const services: Services = {
    webhooks, outboundPolicies, organizations, rbac,
    tenants, signingKeys, clients, auditLog: new AuditLogService(), auditExports: new AuditExportService(), auditRetention: new AuditRetentionService(config.auditRetentionDays), eventBus,
    issuerUrl: (slug) => issuerUrl(config.publicUrl, slug),
    users: userService,
    sessions: sessionService,
    consents: consentService,
    forgetKeys: (tenantId) => cacheBus.invalidate({ kind: 'keys', tenantId }),
    interactions,
    factors,
    passkeys,
    authn: (authnEngine = new AuthnEngine({
      orm, throttle: new LoginThrottle(redis), factors, interactions, sessions, logout: ports.logout, mail, sms, issuerUrl: (slug) => issuerUrl(config.publicUrl, slug), passkeys,
    })),
  };
  const verifier = new ManagementTokenVerifier({
    publicUrl: config.publicUrl, audience: settings.managementAudience, issuers, keys,
    revoked: (p) => jwtAccessTokenRevoked(ports, p.tenantId, { jti: p.jti, subject: p.subject, clientId: p.clientId }),
  });
  return {
    config, log, orm, redis, services, settings, verifier, issuers, keys, clients: clientStore, system, masterKey: master.key, ports,
    async close() {
      await logoutQueue.close();
      sub.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await orm.close(true);
    },
  };
}
