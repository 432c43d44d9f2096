import { Tenant } from '../modules/tenant/tenant.entity.js';
import { SigningKey } from '../modules/signing-key/signing-key.entity.js';
import { Client, ClientSecret } from '../modules/client/client.entity.js';
import { AuditEvent } from '../modules/audit-log/audit-event.entity.js';

/** Every entity the ORM knows; the migration snapshot is diffed against this list. */
export const entities = [Tenant, SigningKey, Client, ClientSecret, AuditEvent];
