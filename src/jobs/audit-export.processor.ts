import type { MikroORM } from '@mikro-orm/postgresql';
import type { Job } from 'bullmq';
import { systemEm } from '../db/tenant-em.js';
import type { AuditExportService } from '../modules/audit-log/index.js';

/** Thin: a fresh unit of work, then the export (a no-op when it is already done). */
export function auditExportProcessor(orm: MikroORM, service: AuditExportService) {
  return async (job: Job<{ exportId: string }>) => (await service.run(systemEm(orm), job.data.exportId)) ?? { skipped: true };
}
