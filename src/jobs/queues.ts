/** BullMQ queue names and schedules. Job ids never contain ':' (BullMQ reserves it). */
export const QUEUES = {
  outboxRelay: 'outbox-relay',
  expirySweep: 'expiry-sweep',
  /** One job per (event, endpoint), jobId `${eventId}-${endpointId}`; `redeliver-${eventId}` for manual redeliveries. */
  webhookDelivery: 'webhook-delivery',
  /** One job per requested audit log export, jobId `export-${exportId}`. */
  auditExport: 'audit-export',
  /** Back-Channel Logout deliveries, jobId `${sid}-${clientId}` (see backchannel-logout.ts). */
  backchannelLogout: 'backchannel-logout',
  keyRotation: 'key-rotation',
} as const;

export const SCHEDULES = {
  /** Safety net behind LISTEN/NOTIFY: relays anything a missed notification left behind. */
  outboxRelay: { id: 'outbox-relay-every-5s', everyMs: 5_000 },
  expirySweep: { id: 'expiry-sweep-every-60s', everyMs: 60_000 },
  keyRotation: { id: 'key-rotation-every-6h', everyMs: 6 * 3_600_000 },
} as const;

export const BULL_PREFIX = 'signet-bull';
