import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

/** A text message "sent" by the development SMS transport, readable by tests (like dev_mail). */
export const DevSms = defineEntity({
  name: 'DevSms',
  tableName: 'dev_sms',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    to: p.string().length(40),
    text: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['tenant', 'to', 'createdAt'] }],
  filters: tenantFilter,
});
export type DevSms = InferEntity<typeof DevSms>;
