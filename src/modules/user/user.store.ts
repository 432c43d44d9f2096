import type { MikroORM } from '@mikro-orm/postgresql';
import { tenantEm } from '../../db/tenant-em.js';
import type { Account, AccountStore } from '../../protocol/ports.js';
import { User } from './user.entity.js';
import { userClaims } from './user.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** AccountStore: subjects are user ids of the tenant. */
export class UserAccountStore implements AccountStore {
  constructor(private readonly orm: MikroORM) {}

  async find(tenantId: string, subject: string): Promise<Account | undefined> {
    if (!UUID.test(subject)) return undefined;
    const u = await tenantEm(this.orm, tenantId).findOne(User, { id: subject, tenant: tenantId });
    return u ? { subject: u.id, active: u.status === 'active', claims: userClaims(u) } : undefined;
  }
}
