import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { readPurged } from '../jobs/sweep-metrics.js';
import { passwordVerifications } from '../modules/authn/index.js';

/** Prometheus metrics of one process (`/metrics` on serve). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'signet_' });
  const requests = new Counter({
    name: 'signet_http_requests_total', help: 'HTTP requests by route and status.',
    labelNames: ['method', 'route', 'status'] as const, registers: [registry],
  });
  const latency = new Histogram({
    name: 'signet_http_request_duration_seconds', help: 'HTTP request latency by route.',
    labelNames: ['method', 'route'] as const, registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  registry.registerMetric(passwordVerifications);
  return { registry, requests, latency };
}
export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Rows purged by the worker's expiry sweeps (kept in a Redis hash, see jobs/sweep-metrics.ts),
 * read at scrape time; absent when Redis is unreachable (the scrape itself still succeeds).
 */
export function registerSweepMetrics(metrics: Metrics, redis: Redis): void {
  const read = () => Promise.race([readPurged(redis), new Promise<undefined>((r) => setTimeout(() => r(undefined), 500).unref())]).catch(() => undefined);
  new Gauge({
    name: 'signet_expiry_purged_rows_total', help: 'Rows purged by expiry sweeps, by table (a counter kept in Redis by the workers).',
    labelNames: ['table'] as const, registers: [metrics.registry],
    async collect() {
      this.reset();
      const r = await read();
      for (const [table, n] of Object.entries(r?.purged ?? {})) this.set({ table }, n);
    },
  });
  new Gauge({
    name: 'signet_expiry_sweep_last_run_timestamp_seconds', help: 'When an expiry sweep last finished (any worker).', registers: [metrics.registry],
    async collect() {
      this.reset();
      const r = await read();
      if (r?.lastRunMs) this.set(r.lastRunMs / 1000);
    },
  });
}
