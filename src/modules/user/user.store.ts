import type { MikroORM } from '@mikro-orm/postgresql';
import { hotSql, TENANT_IS } from '../../db/hot-sql.js';
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
    // On every code and refresh redemption: a prepared SELECT, mapped without a query builder.
    const rows = await hotSql(this.orm).execute(`select * from app_user where ${TENANT_IS} and id = ?`, [tenantId, subject], 'all');
    if (!rows[0]) return undefined;
    const u = tenantEm(this.orm, tenantId).map(User, rows[0]) as User;
    return { subject: u.id, active: u.status === 'active', claims: userClaims(u) };
  }
}
