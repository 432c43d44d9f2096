import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../../graph/scalars/index.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import type { User, UserAddress } from '../user.entity.js';

export enum UserStatusEnum {
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
  INVITED = 'invited',
}
registerEnumType(UserStatusEnum, {
  name: 'UserStatus',
  description: 'Whether the user may sign in.',
  valuesConfig: {
    ACTIVE: { description: 'May sign in (a pre-provisioned user has no credentials until a password is set).' },
    SUSPENDED: { description: 'Sign-in and refresh refused; existing access tokens fail introspection.' },
    INVITED: { description: 'Invited; becomes active when the invitation is accepted.' },
  },
});

@ObjectType('Address', { description: 'A postal address (OIDC Core §5.1.1 `address` claim).' })
export class AddressType {
  @Field(() => String, { nullable: true, description: 'Full mailing address, formatted for display.' })
  formatted!: string | null;
  @Field(() => String, { nullable: true, description: 'Street address (`street_address`).' })
  streetAddress!: string | null;
  @Field(() => String, { nullable: true, description: 'City or locality.' })
  locality!: string | null;
  @Field(() => String, { nullable: true, description: 'State, province or region.' })
  region!: string | null;
  @Field(() => String, { nullable: true, description: 'Postal code (`postal_code`).' })
  postalCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Country.' })
  country!: string | null;
}

export function toAddressType(a: UserAddress | null | undefined): AddressType | null {
  if (!a) return null;
  return Object.assign(new AddressType(), {
    formatted: a.formatted ?? null, streetAddress: a.street_address ?? null, locality: a.locality ?? null,
    region: a.region ?? null, postalCode: a.postal_code ?? null, country: a.country ?? null,
  });
}

@ObjectType('User', { implements: NodeInterface, description: 'An end user of the tenant. Requires users:read.' })
export class UserType extends NodeInterface {
  /** Internal row id (not a GraphQL field). */
  uuid!: string;
  @Field(() => String, { description: 'The OIDC subject (`sub`) of the user in public-subject clients. Requires users:read.' })
  subject!: string;
  @Field(() => String, { description: 'Email address (lowercased), unique in the tenant. Requires users:read.' })
  email!: string;
  @Field(() => Boolean, { description: 'Whether the email address is verified. Requires users:read.' })
  emailVerified!: boolean;
  @Field(() => String, { nullable: true, description: 'Full name (`name`). Requires users:read.' })
  name!: string | null;
  @Field(() => String, { nullable: true, description: 'Given name (`given_name`). Requires users:read.' })
  givenName!: string | null;
  @Field(() => String, { nullable: true, description: 'Family name (`family_name`). Requires users:read.' })
  familyName!: string | null;
  @Field(() => String, { nullable: true, description: 'Middle name (`middle_name`). Requires users:read.' })
  middleName!: string | null;
  @Field(() => String, { nullable: true, description: 'Casual name (`nickname`). Requires users:read.' })
  nickname!: string | null;
  @Field(() => String, { nullable: true, description: 'Shorthand name the user goes by (`preferred_username`); searched by `users(query:)`. Requires users:read.' })
  preferredUsername!: string | null;
  @Field(() => String, { nullable: true, description: 'Profile picture URL (`picture`). Requires users:read.' })
  picture!: string | null;
  @Field(() => String, { nullable: true, description: 'Web page or blog URL (`website`). Requires users:read.' })
  website!: string | null;
  @Field(() => String, { nullable: true, description: 'Gender (`gender`). Requires users:read.' })
  gender!: string | null;
  @Field(() => String, { nullable: true, description: 'Birthday, `YYYY-MM-DD`, `0000-MM-DD` or `YYYY` (`birthdate`). Requires users:read.' })
  birthdate!: string | null;
  @Field(() => String, { nullable: true, description: 'IANA time zone (`zoneinfo`). Requires users:read.' })
  zoneinfo!: string | null;
  @Field(() => String, { nullable: true, description: 'BCP 47 locale (`locale`). Requires users:read.' })
  locale!: string | null;
  @Field(() => String, { nullable: true, description: 'Phone number (`phone_number`). Requires users:read.' })
  phoneNumber!: string | null;
  @Field(() => Boolean, { description: 'Whether the phone number is verified. Requires users:read.' })
  phoneNumberVerified!: boolean;
  @Field(() => AddressType, { nullable: true, description: 'Postal address (`address`). Requires users:read.' })
  address!: AddressType | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Tenant-defined JSON object (at most 16 KiB); not released as a claim. Requires users:read.' })
  metadata!: Record<string, unknown> | null;
  @Field(() => UserStatusEnum, { description: 'Active, invited or suspended. Requires users:read.' })
  status!: UserStatusEnum;
  @Field(() => Boolean, { description: 'A guest account from anonymous sign-in (its email is a placeholder under .invalid until the user upgrades it). Requires users:read.' })
  anonymous!: boolean;
  @Field(() => DateTimeScalar, { description: 'When the user was created. Requires users:read.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the user last changed. Requires users:read.' })
  updatedAt!: Date;
}

export function toUserType(u: User): UserType {
  return Object.assign(new UserType(), {
    id: encodeGlobalId('User', u.id), uuid: u.id, subject: u.id, email: u.email, emailVerified: u.emailVerified, name: u.name ?? null, anonymous: u.isAnonymous,
    givenName: u.givenName ?? null, familyName: u.familyName ?? null, middleName: u.middleName ?? null, nickname: u.nickname ?? null,
    preferredUsername: u.preferredUsername ?? null, picture: u.picture ?? null, website: u.website ?? null, gender: u.gender ?? null,
    birthdate: u.birthdate ?? null, zoneinfo: u.zoneinfo ?? null, locale: u.locale ?? null, phoneNumber: u.phoneNumber ?? null,
    phoneNumberVerified: u.phoneNumberVerified, address: toAddressType(u.address), metadata: u.metadata ?? null,
    status: u.status as UserStatusEnum, createdAt: u.createdAt, updatedAt: u.updatedAt,
  });
}
