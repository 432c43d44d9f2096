import type { FastifyInstance } from 'fastify';
import { pendingMigrations } from '../db/orm.js';
import type { Container } from './container.js';
import type { Metrics } from './metrics.js';
import { registerSweepMetrics } from './metrics.js';

/** /healthz (process alive), /readyz (PostgreSQL, migrations, Redis), /metrics (Prometheus). */
export function registerHealthRoutes(app: FastifyInstance, c: Container, metrics: Metrics): void {
  app.get('/healthz', async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, string> = {};
    const timeout = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timed out after 2 s')), 2000))]);
    try {
      await timeout(c.orm.em.getConnection().execute('select 1'));
      checks.postgres = 'ok';
      const pending = await timeout(pendingMigrations(c.orm));
      checks.migrations = pending.length ? `pending: ${pending.join(', ')}` : 'ok';
    } catch (err) {
      checks.postgres = `unreachable: ${(err as Error).message.split('\n')[0]}`;
      checks.migrations ??= 'unknown';
    }
    try {
      if (c.redis.status !== 'ready') throw new Error(`connection ${c.redis.status}`);
      await timeout(c.redis.ping());
      checks.redis = 'ok';
    } catch (err) {
      checks.redis = `unreachable: ${(err as Error).message}`;
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({ status: ready ? 'ready' : 'unavailable', checks });
  });

  registerSweepMetrics(metrics, c.redis);
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));
}
