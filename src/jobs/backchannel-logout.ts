import type { Queue } from 'bullmq';
import type { ClientStore, LogoutNotifier } from '../protocol/ports.js';

import { QUEUES } from './queues.js';

export const BACKCHANNEL_LOGOUT_QUEUE = QUEUES.backchannelLogout;

export interface BackchannelLogoutJob {
  tenantId: string;
  /** The issuer to sign as (set by the serve process that ended the session). */
  issuer?: string;
  clientId: string;
  sid: string;
  subject: string;
}

/**
 * Back-Channel Logout 1.0 §2.7: every client that took part in the session and registered a
 * backchannel_logout_uri gets a logout token, delivered by the worker with retries (6 attempts,
 * exponential backoff from 2 s). jobId = `${sid}-${clientId}`: one delivery per client and session.
 */
export class BackchannelLogoutNotifier implements LogoutNotifier {
  constructor(private readonly deps: {
    queue: Queue<BackchannelLogoutJob>;
    clients: ClientStore;
    participants: (tenantId: string, sid: string) => Promise<string[]>;
  }) {}

  async backchannelLogout(tenantId: string, input: { sid: string; subject: string; issuer?: string }): Promise<void> {
    for (const clientId of await this.deps.participants(tenantId, input.sid)) {
      const client = await this.deps.clients.find(tenantId, clientId);
      if (!client?.backchannelLogoutUri) continue;
      await this.deps.queue.add('deliver', { tenantId, clientId, sid: input.sid, subject: input.subject, issuer: input.issuer }, {
        jobId: `${input.sid}-${clientId}`.replace(/:/g, '_'), attempts: 6, backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: 1000, removeOnFail: 1000,
      });
    }
  }
}
