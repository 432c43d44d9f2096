import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

export const USER_STATUSES = ['active', 'suspended'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** An end user of a tenant. The subject (`sub`) is the row id; the password only as argon2id. */
export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    /** Lowercased; unique per tenant. */
    email: p.string().length(320),
    emailVerified: p.boolean().default(false),
    passwordHash: p.text().nullable().lazy(),
    name: p.string().length(200).nullable(),
    givenName: p.string().length(100).nullable(),
    familyName: p.string().length(100).nullable(),
    phoneNumber: p.string().length(40).nullable(),
    phoneNumberVerified: p.boolean().default(false),
    status: p.enum(USER_STATUSES).default('active'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'email'] }],
  filters: tenantFilter,
});
export type User = InferEntity<typeof User>;
