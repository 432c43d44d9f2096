import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import { createContainer, redisClient } from './app/container.js';
import type { Config } from './config/env.js';
import { drainOutbox, RELAY_BATCH_SIZE, RELAY_MAX_BATCHES } from './events/outbox-relay.js';
import { OUTBOX_CHANNEL } from './events/outbox.js';
import { relayTrigger } from './events/relay-trigger.js';
import { systemEm } from './db/tenant-em.js';
import { expirySweepProcessor } from './jobs/expiry-sweep.processor.js';
import { outboxRelayProcessor } from './jobs/outbox-relay.processor.js';
import { BULL_PREFIX, QUEUES, SCHEDULES } from './jobs/queues.js';
import { webhookBackoff, webhookDeliveryProcessor, webhookJobOptions } from './jobs/webhook-delivery.processor.js';
import { auditExportProcessor } from './jobs/audit-export.processor.js';
import { WebhookDeliveryService, type WebhookJob } from './modules/webhook/index.js';
import { backchannelLogoutProcessor } from './jobs/backchannel-logout.processor.js';
import type { BackchannelLogoutJob } from './jobs/backchannel-logout.js';
import { keyRotationProcessor } from './jobs/key-rotation.processor.js';
import { DEFAULT_OUTBOUND_POLICY, outboundRequest } from './shared/outbound/index.js';

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The worker process: BullMQ workers for the outbox relay and the expiry sweep, their job
 * schedulers, and a LISTEN on the outbox channel that relays within milliseconds of a commit.
 */
export async function runWorker(config: Config): Promise<RunningWorker> {
  const c = await createContainer(config, 'worker');
  const connection = redisClient(config.redisUrl!, 'signet-bullmq');
  connection.on('error', () => undefined);
  const opts = { connection, prefix: BULL_PREFIX };

  const relayQueue = new Queue(QUEUES.outboxRelay, opts);
  const sweepQueue = new Queue(QUEUES.expirySweep, opts);
  const webhookQueue = new Queue<WebhookJob>(QUEUES.webhookDelivery, { ...opts, defaultJobOptions: webhookJobOptions(config.webhookRetryScheduleMs) });
  const exportQueue = new Queue<{ exportId: string }>(QUEUES.auditExport, opts);
  const relayDeps = { webhookQueue, exportQueue };
  const deliveries = new WebhookDeliveryService({
    orm: c.orm, masterKey: c.masterKey, outbound: c.services.outboundPolicies,
    settings: { allowLoopback: config.outboundAllowLoopback }, maxConsecutiveFailures: config.webhookMaxConsecutiveFailures,
  });
  await relayQueue.upsertJobScheduler(SCHEDULES.outboxRelay.id, { every: SCHEDULES.outboxRelay.everyMs }, { name: 'relay', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  await sweepQueue.upsertJobScheduler(SCHEDULES.expirySweep.id, { every: SCHEDULES.expirySweep.everyMs }, { name: 'sweep', opts: { removeOnComplete: 100, removeOnFail: 100 } });

  const rotationQueue = new Queue(QUEUES.keyRotation, opts);
  await rotationQueue.upsertJobScheduler(SCHEDULES.keyRotation.id, { every: SCHEDULES.keyRotation.everyMs }, { name: 'rotate', opts: { removeOnComplete: 50, removeOnFail: 50 } });
  for (const q of [relayQueue, sweepQueue, rotationQueue]) q.on('error', (err) => c.log.warn({ queue: q.name, err: err.message }, 'queue error'));
  const postLogout = async (url: string, body: string) => (await outboundRequest({
    url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
    policy: DEFAULT_OUTBOUND_POLICY, settings: { allowLoopback: config.outboundAllowLoopback }, timeoutMs: 5_000,
  })).status;
  const issuerOf = async (tenantId: string) => {
    const rows = await systemEm(c.orm).getConnection().execute<{ slug: string }[]>('select slug from tenant where id = ?', [tenantId], 'all');
    return rows[0] ? c.services.issuerUrl(rows[0].slug) : undefined;
  };
  const workers = [
    new Worker<BackchannelLogoutJob>(QUEUES.backchannelLogout, backchannelLogoutProcessor(c.ports, issuerOf, postLogout), { ...opts, concurrency: 16 }),
    new Worker(QUEUES.keyRotation, keyRotationProcessor(c.orm, c.services, c.log, { rotationDays: config.keyRotationDays, limit: 100 }), { ...opts, concurrency: 1 }),
    new Worker(QUEUES.outboxRelay, outboxRelayProcessor(c.orm, c.redis, relayDeps), { ...opts, concurrency: 1 }),
    // A killed worker's job is picked up by another after its lock (10 s) expires; graceful
    // shutdown (close) waits for in-flight attempts, so it leaves no stalled job.
    new Worker<WebhookJob>(QUEUES.webhookDelivery, webhookDeliveryProcessor(deliveries), {
      ...opts, concurrency: 64, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5,
      settings: { backoffStrategy: webhookBackoff(config.webhookRetryScheduleMs) },
    }),
    new Worker<{ exportId: string }>(QUEUES.auditExport, auditExportProcessor(c.orm, c.services.auditExports), { ...opts, concurrency: 1 }),
    new Worker(QUEUES.expirySweep, expirySweepProcessor(c.orm, { auditRetentionDays: config.auditRetentionDays, webhookRetentionDays: config.webhookAttemptRetentionDays, redis: c.redis }), { ...opts, concurrency: 1 }),
  ];
  for (const w of workers) {
    w.on('failed', (job, err) => c.log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed'));
    w.on('completed', (job, result) => c.log.debug({ queue: w.name, jobId: job.id, result }, 'job completed'));
    w.on('error', (err) => c.log.warn({ queue: w.name, err: err.message }, 'worker error'));
  }

  // Fast path: relay right after each commit that notified the channel (relay-trigger.ts).
  const relay = relayTrigger(
    () => drainOutbox(systemEm(c.orm), c.redis, RELAY_MAX_BATCHES, relayDeps), RELAY_MAX_BATCHES * RELAY_BATCH_SIZE,
    (err) => c.log.warn({ err: err.message }, 'outbox relay failed; the scheduled relay will retry'),
  );
  let listener: pg.Client | undefined;
  let stopping = false;
  const listen = async () => {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    client.on('error', () => undefined);
    client.on('end', () => {
      if (!stopping) setTimeout(() => listen().catch(() => undefined), 1000);
    });
    client.on('notification', relay.wake);
    await client.connect();
    await client.query(`listen ${OUTBOX_CHANNEL}`);
    listener = client;
    relay.wake();
  };
  await listen();
  c.log.info('worker started');

  return {
    async stop() {
      stopping = true;
      // Finish in-flight jobs, then release connections.
      await Promise.all(workers.map((w) => w.close()));
      await relay.idle();
      await listener?.end().catch(() => undefined);
      await relayQueue.close();
      await sweepQueue.close();
      await rotationQueue.close();
      await webhookQueue.close();
      await exportQueue.close();
      await connection.quit().catch(() => connection.disconnect());
      await c.close();
      c.log.info('worker stopped');
    },
  };
}
