import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

/**
 * A browser SSO session at one tenant. The cookie carries a random token; only its SHA-256 is
 * stored. `id` is the OIDC `sid`.
 */
export const BrowserSession = defineEntity({
  name: 'BrowserSession',
  tableName: 'browser_session',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    tokenHash: p.string().length(64).unique(),
    subject: p.string().length(200),
    authTime: p.datetime(),
    acr: p.string().length(100).nullable(),
    amr: p.array(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(300).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastActiveAt: p.datetime(),
    expiresAt: p.datetime().index(),
    endedAt: p.datetime().nullable(),
    /** Clients that received tokens in this session: Back-Channel Logout targets. */
    clients: p.array().default([]),
  },
  indexes: [{ properties: ['tenant', 'subject'] }],
  filters: tenantFilter,
});
export type BrowserSession = InferEntity<typeof BrowserSession>;
