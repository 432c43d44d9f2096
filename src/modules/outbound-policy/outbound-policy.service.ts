import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { notifyOutbox, recordTypedEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy, type OutboundPurpose } from '../../shared/outbound/index.js';
import { isPlatformAdmin, type RequestContext } from '../../shared/request-context.js';
import { OutboundPolicyRow } from './outbound-policy.entity.js';
import { OutboundPolicyError, OutboundPolicyErrorCode } from './outbound-policy.errors.js';

export type OutboundPolicyInput = Partial<OutboundPolicy>;

const BLOCK_FLAGS = ['blockPrivateIps', 'blockLoopbackIps', 'blockLinkLocalIps', 'blockMulticastIps', 'blockLocalhostNames'] as const;

function toPolicy(row: OutboundPolicyRow): OutboundPolicy {
  return {
    allowedSchemes: [...row.allowedSchemes], allowedPorts: [...row.allowedPorts], allowedHostPatterns: [...row.allowedHostPatterns],
    allowedPathPatterns: [...row.allowedPathPatterns], blockPrivateIps: row.blockPrivateIps, blockLoopbackIps: row.blockLoopbackIps,
    blockLinkLocalIps: row.blockLinkLocalIps, blockMulticastIps: row.blockMulticastIps, blockLocalhostNames: row.blockLocalhostNames,
    disableRedirects: row.disableRedirects, requireDnsResolve: row.requireDnsResolve, maxResponseBytes: row.maxResponseBytes,
    requestTimeoutSeconds: row.requestTimeoutSeconds,
  };
}

/**
 * Per-tenant outbound (SSRF) policies, one per purpose. A tenant may narrow the platform default
 * (host/path patterns, fewer ports or schemes, smaller limits); turning an address block off
 * needs a platform operator. Redirects are never followed, whatever `disableRedirects` says.
 */
export class OutboundPolicyService {
  constructor(private readonly deps: { systemTenantId: () => string }) {}

  /** The policy in force for a tenant and purpose (its own row when enabled, else the default). */
  async effective(em: EntityManager, tenantId: string, target: OutboundPurpose): Promise<OutboundPolicy> {
    const row = await em.findOne(OutboundPolicyRow, { tenant: tenantId, target }, { filters: { tenant: false } });
    return row && row.enabled ? toPolicy(row) : { ...DEFAULT_OUTBOUND_POLICY, allowedSchemes: [...DEFAULT_OUTBOUND_POLICY.allowedSchemes], allowedPorts: [...DEFAULT_OUTBOUND_POLICY.allowedPorts], allowedHostPatterns: [], allowedPathPatterns: [] };
  }

  async get(ctx: RequestContext, target: OutboundPurpose): Promise<{ policy: OutboundPolicy; isDefault: boolean }> {
    const row = await ctx.em.findOne(OutboundPolicyRow, { tenant: ctx.tenant.id, target });
    return { policy: await this.effective(ctx.em, ctx.tenant.id, target), isDefault: !row || !row.enabled };
  }

  /** Emits OutboundPolicy.Updated with the changed fields. */
  async set(ctx: RequestContext, target: OutboundPurpose, input: OutboundPolicyInput): Promise<OutboundPolicy> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const before = await this.effective(em, ctx.tenant.id, target);
    const next: OutboundPolicy = { ...before };
    for (const [k, v] of Object.entries(input) as Array<[keyof OutboundPolicy, unknown]>) if (v !== undefined && v !== null) (next as unknown as Record<string, unknown>)[k] = v;
    const bad = (field: string, message: string) => new OutboundPolicyError(OutboundPolicyErrorCode.VALUE_INVALID, message, ['input', field]);
    assertThat(next.allowedSchemes.length > 0 && next.allowedSchemes.every((s) => s === 'http' || s === 'https'), () => bad('allowedSchemes', 'allowedSchemes must be a non-empty subset of http, https'));
    assertThat(next.allowedPorts.length > 0 && next.allowedPorts.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535), () => bad('allowedPorts', 'allowedPorts must be ports between 1 and 65535'));
    assertThat(next.allowedHostPatterns.every((h) => /^(\*\.)?[a-z0-9*]([a-z0-9*.-]{0,251}[a-z0-9])?$/i.test(h)), () => bad('allowedHostPatterns', 'allowedHostPatterns must be host names, optionally starting with "*."'));
    assertThat(next.allowedPathPatterns.every((h) => h.startsWith('/') && h.length <= 500), () => bad('allowedPathPatterns', 'allowedPathPatterns must start with "/"'));
    assertThat(next.maxResponseBytes >= 1024 && next.maxResponseBytes <= 10_485_760, () => bad('maxResponseBytes', 'maxResponseBytes must be between 1024 and 10485760'));
    assertThat(next.requestTimeoutSeconds >= 1 && next.requestTimeoutSeconds <= 30, () => bad('requestTimeoutSeconds', 'requestTimeoutSeconds must be between 1 and 30'));
    const operator = isPlatformAdmin(ctx, this.deps.systemTenantId());
    for (const f of BLOCK_FLAGS) {
      assertThat(next[f] || operator || before[f] === next[f], () => new OutboundPolicyError(OutboundPolicyErrorCode.RELAXATION_FORBIDDEN,
        `only a platform operator may turn ${f} off`, ['input', f]));
    }
    next.disableRedirects = true;
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const k of Object.keys(next) as Array<keyof OutboundPolicy>) {
      if (JSON.stringify(before[k]) !== JSON.stringify(next[k])) changes[k] = { before: before[k], after: next[k] };
    }
    let row = await em.findOne(OutboundPolicyRow, { tenant: ctx.tenant.id, target });
    if (!row) row = em.create(OutboundPolicyRow, { id: uuid(), tenant: ctx.tenant.id, target, ...next, enabled: true });
    else Object.assign(row, next, { enabled: true });
    if (Object.keys(changes).length) {
      recordTypedEvent(em, {
        tenantId: ctx.tenant.id, type: 'OutboundPolicy.Updated', actor: ctx.actor, requestId: ctx.requestId,
        target: { type: 'OutboundPolicy', id: row.id }, payload: { target, changes },
      });
    }
    await em.flush();
    if (Object.keys(changes).length) await notifyOutbox(em);
    return next;
  }
}
