import type { BackoffStrategy, Job } from 'bullmq';
import { DeliveryRetry, type WebhookDeliveryService, type WebhookJob } from '../modules/webhook/index.js';

/** Retry-After is honoured up to this long. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * BullMQ options of webhook jobs. Retry schedule (SIGNET_WEBHOOK_RETRY_SCHEDULE; default after
 * Standard Webhooks): attempt 1 immediately, then retries after 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h and 10 h: 8 attempts over about 27.6 hours. Each delay gets ±20 % jitter so that a
 * receiver coming back is not hit by every retry at once. A 429's Retry-After replaces the delay
 * (capped at 24 h). Completed jobs are kept for an hour (at most 10,000, the message body is in
 * the job): a re-relay within that time finds the jobId and enqueues nothing; after it, the
 * delivery row (unique per endpoint and event, status succeeded) makes the new job a no-op.
 */
export function webhookJobOptions(scheduleMs: readonly number[]) {
  return {
    attempts: scheduleMs.length + 1,
    backoff: { type: 'webhook' },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 86_400, count: 10_000 },
  };
}

export function webhookBackoff(scheduleMs: readonly number[], random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, err) => {
    const retryAfter = (err as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    if (typeof retryAfter === 'number' && retryAfter >= 0) return Math.min(retryAfter, MAX_RETRY_AFTER_MS);
    const base = scheduleMs[Math.min(Math.max(attemptsMade - 1, 0), scheduleMs.length - 1)] ?? 0;
    return Math.round(base * (0.8 + 0.4 * random()));
  };
}

/** Thin: one attempt through the service; a failure that should be retried is thrown back to BullMQ. */
export function webhookDeliveryProcessor(service: WebhookDeliveryService) {
  return async (job: Job<WebhookJob>) => {
    const r = await service.deliver(job.data, { attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
    if (r.outcome === 'retry') {
      throw new DeliveryRetry(r.statusCode ? `receiver answered ${r.statusCode}` : 'delivery attempt failed', r.retryAfterMs);
    }
    return r;
  };
}
