import { webhookSignatureHeader } from '../../crypto/webhook-signature.js';
import {
  OutboundFailed, OutboundRefused, outboundRequest, type OutboundPolicy, type OutboundSettings,
} from '../../shared/outbound/index.js';

/** What one HTTP attempt produced. */
export interface AttemptResult {
  succeeded: boolean;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  /** A 429's Retry-After, in ms (seconds or HTTP-date). */
  retryAfterMs?: number;
  /** 410 Gone: the receiver asks us to stop. */
  gone: boolean;
}

export const RESPONSE_EXCERPT_BYTES = 1024;

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Sends one signed webhook message (Standard Webhooks): `webhook-id` (the same on every attempt
 * of one delivery), `webhook-timestamp` (seconds, per attempt) and `webhook-signature` (one
 * `v1,…` per live secret). Only 2xx succeeds; a 3xx is a failure (redirects are not followed).
 */
export async function sendWebhook(opts: {
  url: string; msgId: string; body: string; secrets: readonly string[];
  policy: OutboundPolicy; settings: OutboundSettings; now?: () => number;
}): Promise<AttemptResult> {
  const ts = Math.floor((opts.now?.() ?? Date.now()) / 1000);
  const started = performance.now();
  try {
    const res = await outboundRequest({
      url: opts.url, method: 'POST', body: opts.body, policy: opts.policy, settings: opts.settings,
      headers: {
        'content-type': 'application/json',
        'webhook-id': opts.msgId,
        'webhook-timestamp': String(ts),
        'webhook-signature': webhookSignatureHeader(opts.secrets, opts.msgId, ts, opts.body),
      },
    });
    const ok = res.status >= 200 && res.status < 300;
    return {
      succeeded: ok, statusCode: res.status, latencyMs: Math.round(res.latencyMs),
      responseExcerpt: res.body.subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8') || null,
      error: ok ? null : res.status >= 300 && res.status < 400 ? `redirect (${res.status}) not followed` : `receiver answered ${res.status}`,
      retryAfterMs: res.status === 429 ? parseRetryAfter(res.headers['retry-after']) : undefined,
      gone: res.status === 410,
    };
  } catch (err) {
    if (err instanceof OutboundRefused || err instanceof OutboundFailed) {
      return {
        succeeded: false, statusCode: null, latencyMs: Math.round(performance.now() - started), responseExcerpt: null,
        error: `${err instanceof OutboundRefused ? 'refused by the outbound policy' : err.reason}: ${err.message}`.slice(0, 300), gone: false,
      };
    }
    throw err;
  }
}
