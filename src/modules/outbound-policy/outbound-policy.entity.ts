import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

export const OUTBOUND_TARGETS = ['webhook_delivery', 'jwks_fetch', 'oidc_discovery'] as const;

/**
 * A tenant's outbound HTTP (SSRF) policy for one kind of call, with the fields of the identity
 * broker's outbound policy API. Absent: the platform default (shared/outbound/policy.ts) applies.
 */
export const OutboundPolicyRow = defineEntity({
  name: 'OutboundPolicyRow',
  tableName: 'outbound_policy',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    target: p.enum(OUTBOUND_TARGETS),
    enabled: p.boolean().default(true),
    allowedSchemes: p.array(),
    allowedPorts: p.json<number[]>(),
    allowedHostPatterns: p.array(),
    allowedPathPatterns: p.array(),
    blockPrivateIps: p.boolean(),
    blockLoopbackIps: p.boolean(),
    blockLinkLocalIps: p.boolean(),
    blockMulticastIps: p.boolean(),
    blockLocalhostNames: p.boolean(),
    disableRedirects: p.boolean(),
    requireDnsResolve: p.boolean(),
    maxResponseBytes: p.integer(),
    requestTimeoutSeconds: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'target'] }],
  filters: tenantFilter,
});
export type OutboundPolicyRow = InferEntity<typeof OutboundPolicyRow>;
