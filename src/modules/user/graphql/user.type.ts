import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import type { User } from '../user.entity.js';

export enum UserStatusEnum {
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
}
registerEnumType(UserStatusEnum, { name: 'UserStatus', description: 'Whether the user may sign in.' });

@ObjectType('User', { implements: NodeInterface, description: 'An end user of the tenant. Requires users:read.' })
export class UserType extends NodeInterface {
  @Field(() => String, { description: 'The OIDC subject (`sub`) of the user in public-subject clients.' })
  subject!: string;
  @Field(() => String, { description: 'Email address (lowercased), unique in the tenant.' })
  email!: string;
  @Field(() => Boolean, { description: 'Whether the email address is verified.' })
  emailVerified!: boolean;
  @Field(() => String, { nullable: true, description: 'Full name.' })
  name!: string | null;
  @Field(() => String, { nullable: true, description: 'Given name.' })
  givenName!: string | null;
  @Field(() => String, { nullable: true, description: 'Family name.' })
  familyName!: string | null;
  @Field(() => UserStatusEnum, { description: 'Active or suspended.' })
  status!: UserStatusEnum;
  @Field(() => DateTimeScalar, { description: 'When the user was created.' })
  createdAt!: Date;
}

export function toUserType(u: User): UserType {
  return Object.assign(new UserType(), {
    id: encodeGlobalId('User', u.id), subject: u.id, email: u.email, emailVerified: u.emailVerified, name: u.name ?? null,
    givenName: u.givenName ?? null, familyName: u.familyName ?? null, status: u.status as UserStatusEnum, createdAt: u.createdAt,
  });
}
