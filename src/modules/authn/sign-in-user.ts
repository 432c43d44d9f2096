import type { MikroORM } from '@mikro-orm/postgresql';
import { hotSql } from '../../db/hot-sql.js';
import type { User } from '../user/user.entity.js';
import { signInFactsColumns, signInFactsFrom, type SignInFacts } from './risk.js';

/** What a sign-in needs of the account: no unit of work, no entity (the password sign-in hot path). */
export type SignInUser = Pick<User, 'id' | 'status' | 'email' | 'emailVerified' | 'isAnonymous' | 'phoneNumber' | 'phoneNumberVerified' | 'passwordHash'>;

interface SignInRow {
  id: string; status: User['status']; email: string; email_verified: boolean; is_anonymous: boolean; phone_number: string | null;
  phone_number_verified: boolean; password_hash: string | null;
}

/**
 * The account an email names, with the SignInFacts of this device, in one prepared statement.
 * `tenant_id = ? and email = ?` is the full key of `app_user_tenant_id_email_unique`, so even a
 * generic plan cached before the table has statistics estimates one row there (a unique index
 * with every column bound) and never prefers the tenant_id index.
 */
export async function findSignInUser(orm: MikroORM, tenantId: string, email: string, deviceHash: string | null): Promise<{ user: SignInUser; facts: SignInFacts } | undefined> {
  const cols = signInFactsColumns(deviceHash);
  const row = await hotSql(orm).execute<(SignInRow & Record<string, unknown>) | undefined>(
    `select u.id, u.status, u.email, u.email_verified, u.is_anonymous, u.phone_number, u.phone_number_verified, u.password_hash, ${cols.sql}
     from app_user u where u.tenant_id = ? and u.email = ?`, [...cols.params, tenantId, email], 'get');
  if (!row) return undefined;
  return {
    user: {
      id: row.id, status: row.status, email: row.email, emailVerified: row.email_verified, isAnonymous: row.is_anonymous,
      phoneNumber: row.phone_number, phoneNumberVerified: row.phone_number_verified, passwordHash: row.password_hash,
    },
    facts: signInFactsFrom(row),
  };
}
