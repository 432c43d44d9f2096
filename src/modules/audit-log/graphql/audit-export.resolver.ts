import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import { decodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { AuditLogError } from '../audit-log.errors.js';
import {
  AuditLogExportCreateInput, AuditLogExportCreatePayload, AuditLogExportType, auditLogUserError, toAuditLogExportType,
} from './audit-export.types.js';

registerNodeType('AuditLogExport', async (ctx, uuids) => {
  if (!ctx.scopes.has('audit:read')) return new Map();
  const rows = await ctx.services.auditExports.findByIds(ctx, uuids);
  return new Map(rows.map((r) => [r.id, toAuditLogExportType(r)]));
});

@Resolver(() => AuditLogExportType)
export class AuditExportResolver {
  @Authorized('audit:read')
  @Mutation(() => AuditLogExportCreatePayload, { description: 'Requests an export of the audit log (NDJSON or CSV) with the same filters as auditEvents; the worker produces it, then `content` holds the file for 24 hours. Requires audit:read. Emits AuditLog.Export.Requested, then AuditLog.Exported when the file is ready.' })
  async auditLogExportCreate(@Arg('input', () => AuditLogExportCreateInput) input: AuditLogExportCreateInput, @Ctx() ctx: RequestContext): Promise<AuditLogExportCreatePayload> {
    const f = input.filter ?? {};
    const targetId = f.targetId ? decodeGlobalId(f.targetId)?.uuid ?? f.targetId : null;
    const r = await withUserErrors(() => ctx.services.auditExports.request(ctx, input.format, { ...f, targetId }), AuditLogError, auditLogUserError);
    return Object.assign(new AuditLogExportCreatePayload(), { export: r.result ? toAuditLogExportType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('audit:read')
  @Query(() => AuditLogExportType, { nullable: true, description: 'An audit log export of the current tenant. Requires audit:read.' })
  async auditLogExport(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<AuditLogExportType | null> {
    const uuid = uuidOf(id, 'AuditLogExport');
    if (!uuid) return null;
    const [row] = await ctx.services.auditExports.findByIds(ctx, [uuid]);
    return row ? toAuditLogExportType(row) : null;
  }
}
