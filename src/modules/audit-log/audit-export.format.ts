import { EVENT_TYPES, isEventType } from '../../events/event-names.js';
import type { AuditEvent } from './audit-event.entity.js';

/** The columns of a CSV export, in order (also the NDJSON keys). */
export const EXPORT_COLUMNS = [
  'id', 'occurred_at', 'type', 'category', 'severity', 'actor_kind', 'actor_id', 'actor_client_id',
  'target_type', 'target_id', 'request_id', 'payload',
] as const;

function row(e: AuditEvent): Record<(typeof EXPORT_COLUMNS)[number], unknown> {
  const meta = isEventType(e.type) ? EVENT_TYPES[e.type] as { category: string; severity: string } : undefined;
  return {
    id: e.id, occurred_at: e.occurredAt.toISOString(), type: e.type, category: meta?.category ?? null, severity: meta?.severity ?? null,
    actor_kind: e.actorKind, actor_id: e.actorId, actor_client_id: e.actorClientId ?? null, target_type: e.targetType ?? null,
    target_id: e.targetId ?? null, request_id: e.requestId ?? null, payload: e.payload,
  };
}

export function toNdjsonLine(e: AuditEvent): string {
  return `${JSON.stringify(row(e))}\n`;
}

/**
 * One RFC 4180 field. Cells that a spreadsheet would run as a formula (starting with = + - @,
 * tab or carriage return) get a leading apostrophe (OWASP "CSV injection").
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = `${EXPORT_COLUMNS.join(',')}\r\n`;

export function toCsvLine(e: AuditEvent): string {
  const r = row(e);
  return `${EXPORT_COLUMNS.map((c) => csvField(r[c])).join(',')}\r\n`;
}
