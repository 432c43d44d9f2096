import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserErrorInterface } from '../../../graph/errors/user-error.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import type { AuditExport } from '../audit-export.entity.js';
import { MAX_EXPORT_ROWS } from '../audit-export.service.js';
import { AuditLogError, AuditLogErrorCode } from '../audit-log.errors.js';
import { AuditEventFilterInput } from './audit-event.type.js';

export enum AuditLogExportFormat {
  NDJSON = 'ndjson',
  CSV = 'csv',
}
registerEnumType(AuditLogExportFormat, {
  name: 'AuditLogExportFormat',
  description: 'File format of an audit log export.',
  valuesConfig: {
    NDJSON: { description: 'One JSON object per line (application/x-ndjson).' },
    CSV: { description: 'RFC 4180 CSV with a header row; formula-like cells are prefixed with an apostrophe.' },
  },
});

export enum AuditLogExportStatus {
  PENDING = 'pending',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}
registerEnumType(AuditLogExportStatus, {
  name: 'AuditLogExportStatus',
  description: 'Where an export stands.',
  valuesConfig: {
    PENDING: { description: 'Queued for the worker.' },
    SUCCEEDED: { description: 'Ready: `content` holds the file.' },
    FAILED: { description: 'The worker could not produce it.' },
  },
});

registerEnumType(AuditLogErrorCode, {
  name: 'AuditLogErrorCode',
  description: 'Why an audit log request was refused.',
  valuesConfig: {
    EVENT_TYPE_UNKNOWN: { description: 'A filter names an event type that is not in the catalog.' },
    RANGE_INVALID: { description: 'The time range is empty.' },
  },
});

@ObjectType('AuditLogUserError', { implements: UserErrorInterface, description: 'A problem with an audit log request.' })
export class AuditLogUserError extends UserErrorInterface {
  @Field(() => AuditLogErrorCode, { description: 'Machine-readable reason.' })
  code!: AuditLogErrorCode;
}

export function auditLogUserError(e: AuditLogError): AuditLogUserError {
  switch (e.code) {
    case AuditLogErrorCode.EVENT_TYPE_UNKNOWN:
    case AuditLogErrorCode.RANGE_INVALID:
      return Object.assign(new AuditLogUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@ObjectType('AuditLogExport', { implements: NodeInterface, description: 'An export of the audit log, produced by the worker and downloadable until it expires. Requires audit:read.' })
export class AuditLogExportType extends NodeInterface {
  @Field(() => AuditLogExportFormat, { description: 'File format.' })
  format!: AuditLogExportFormat;
  @Field(() => AuditLogExportStatus, { description: 'Where it stands.' })
  status!: AuditLogExportStatus;
  @Field(() => Int, { description: `Events in the file (at most ${MAX_EXPORT_ROWS}, oldest first).` })
  rowCount!: number;
  @Field(() => Boolean, { description: 'True when more events matched than the file holds (narrow the time range).' })
  truncated!: boolean;
  @Field(() => String, { nullable: true, description: 'The file (NDJSON or CSV), once the export succeeded.' })
  content!: string | null;
  @Field(() => DateTimeScalar, { description: 'When it was requested.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was produced.' })
  finishedAt!: Date | null;
  @Field(() => DateTimeScalar, { description: 'When it is deleted.' })
  expiresAt!: Date;
}

export function toAuditLogExportType(e: AuditExport): AuditLogExportType {
  return Object.assign(new AuditLogExportType(), {
    id: encodeGlobalId('AuditLogExport', e.id), format: e.format as AuditLogExportFormat, status: e.status as AuditLogExportStatus,
    rowCount: e.rowCount, truncated: e.truncated, content: e.status === 'succeeded' ? e.content ?? '' : null,
    createdAt: e.createdAt, finishedAt: e.finishedAt ?? null, expiresAt: e.expiresAt,
  });
}

@InputType('AuditLogExportCreateInput', { description: 'What to export.' })
export class AuditLogExportCreateInput {
  @Field(() => AuditLogExportFormat, { description: 'File format.' })
  format!: AuditLogExportFormat;
  @Field(() => AuditEventFilterInput, { nullable: true, description: 'Which events (all of the tenant\'s when omitted).' })
  filter?: AuditEventFilterInput | null;
}

@ObjectType('AuditLogExportCreatePayload', { description: 'Result of auditLogExportCreate.' })
export class AuditLogExportCreatePayload {
  @Field(() => AuditLogExportType, { nullable: true, description: 'The pending export; poll it with node(id:) or auditLogExport(id:).' })
  export!: AuditLogExportType | null;
  @Field(() => [AuditLogUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: AuditLogUserError[];
}
