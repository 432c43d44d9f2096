import type { Job } from 'bullmq';
import type { ProtocolPorts } from '../protocol/ports.js';
import { issueLogoutToken } from '../protocol/tokens/logout-token.js';
import type { BackchannelLogoutJob } from './backchannel-logout.js';

/**
 * Delivers one logout token (Back-Channel Logout 1.0 §2.5): POST application/x-www-form-urlencoded
 * `logout_token=…`; only 2xx is success (§2.8), redirects are not followed; anything else throws so
 * BullMQ retries with backoff.
 */
export function backchannelLogoutProcessor(ports: ProtocolPorts, issuerOf: (tenantId: string) => Promise<string | undefined>, post: (url: string, body: string) => Promise<number>) {
  return async (job: Job<BackchannelLogoutJob>) => {
    const { tenantId, clientId, sid, subject } = job.data;
    const client = await ports.clients.find(tenantId, clientId);
    const issuer = job.data.issuer ?? (await issuerOf(tenantId));
    if (!client?.backchannelLogoutUri || !issuer) return { skipped: true };
    const token = await issueLogoutToken(ports, { tenantId, issuer, client, sid, subject });
    const status = await post(client.backchannelLogoutUri, new URLSearchParams({ logout_token: token }).toString());
    if (status < 200 || status >= 300) throw new Error(`backchannel logout answered ${status}`);
    return { status };
  };
}
