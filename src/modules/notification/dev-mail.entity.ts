import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

/**
 * A message "sent" by the development mail transport: kept in PostgreSQL so that a developer or
 * a test can read it through `devMailbox`. Never written when NODE_ENV=production.
 */
export const DevMail = defineEntity({
  name: 'DevMail',
  tableName: 'dev_mail',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    to: p.string().length(320),
    subject: p.string().length(300),
    text: p.text(),
    html: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['tenant', 'to', 'createdAt'] }],
  filters: tenantFilter,
});
export type DevMail = InferEntity<typeof DevMail>;
