import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/**
 * An audit log export: requested in the graph, produced by the worker's `audit-export` job,
 * downloadable (the `content` field) until `expiresAt`, then swept.
 */
export const AuditExport = defineEntity({
  name: 'AuditExport',
  tableName: 'audit_export',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    format: p.enum(EXPORT_FORMATS),
    /** The AuditEventFilter, with ISO dates and raw target ids. */
    filter: p.json<Record<string, unknown>>(),
    status: p.enum(EXPORT_STATUSES).default('pending'),
    rowCount: p.integer().default(0),
    truncated: p.boolean().default(false),
    content: p.text().nullable(),
    error: p.string().length(300).nullable(),
    requestedByKind: p.string().length(20),
    requestedById: p.string().length(200),
    requestedByClientId: p.string().length(128).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    finishedAt: p.datetime().nullable(),
    expiresAt: p.datetime(),
  },
  indexes: [{ properties: ['expiresAt'] }],
  filters: tenantFilter,
});
export type AuditExport = InferEntity<typeof AuditExport>;

/** A tenant's own audit history retention (days); without a row the platform's SIGNET_AUDIT_RETENTION_DAYS applies. */
export const AuditRetention = defineEntity({
  name: 'AuditRetention',
  tableName: 'audit_retention',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    days: p.integer(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant'] }],
  filters: tenantFilter,
});
export type AuditRetention = InferEntity<typeof AuditRetention>;
