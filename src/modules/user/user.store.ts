import type { MikroORM } from '@mikro-orm/postgresql';
import { hotSql, TENANT_IS } from '../../db/hot-sql.js';
import type { Account, AccountStore } from '../../protocol/ports.js';
import { userClaims, type ClaimSource } from './user.service.js';
import { UUID } from '../../shared/text.js';

interface ClaimRow {
  id: string; status: string; is_anonymous: boolean; email: string; email_verified: boolean; name: string | null; given_name: string | null;
  family_name: string | null; middle_name: string | null; nickname: string | null; preferred_username: string | null; picture: string | null;
  website: string | null; gender: string | null; birthdate: string | null; zoneinfo: string | null; locale: string | null;
  address: ClaimSource['address']; phone_number: string | null; phone_number_verified: boolean; updated_at: string;
}


/** AccountStore: subjects are user ids of the tenant. */
export class UserAccountStore implements AccountStore {
  constructor(private readonly orm: MikroORM) {}

  async find(tenantId: string, subject: string): Promise<Account | undefined> {
    if (!UUID.test(subject)) return undefined;
    // On every code and refresh redemption: a prepared SELECT of the claim columns, mapped by hand
    // (no unit of work, no entity hydration).
    const r = await hotSql(this.orm).execute<ClaimRow | undefined>(
      `select id, status, is_anonymous, email, email_verified, name, given_name, family_name, middle_name, nickname, preferred_username,
         picture, website, gender, birthdate, zoneinfo, locale, address, phone_number, phone_number_verified, updated_at
       from app_user where ${TENANT_IS} and id = ?`, [tenantId, subject], 'get');
    if (!r) return undefined;
    return {
      subject: r.id, active: r.status === 'active',
      claims: userClaims({
        id: r.id, isAnonymous: r.is_anonymous, email: r.email, emailVerified: r.email_verified, name: r.name, givenName: r.given_name,
        familyName: r.family_name, middleName: r.middle_name, nickname: r.nickname, preferredUsername: r.preferred_username, picture: r.picture,
        website: r.website, gender: r.gender, birthdate: r.birthdate, zoneinfo: r.zoneinfo, locale: r.locale, address: r.address,
        phoneNumber: r.phone_number, phoneNumberVerified: r.phone_number_verified, updatedAt: new Date(r.updated_at),
      }),
    };
  }
}
