import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
  return { registry, requests, latency };
}
export type Metrics = ReturnType<typeof createMetrics>;
