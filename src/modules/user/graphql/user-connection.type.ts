import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../graph/connection/connection.js';
import { OrderDirection } from '../../../graph/connection/order-direction.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import type { UserFilter } from '../user.service.js';
import { UserStatusEnum, UserType } from './user.type.js';

export const { Edge: UserEdge, Connection: UserConnection } = connectionTypes(UserType, 'User');

/** What `users` returns: the page plus its filter, so that `totalCount` counts the same rows. */
export interface UserConnectionRoot {
  filter: UserFilter;
}

export enum UserOrderField {
  CREATED_AT = 'createdAt',
  EMAIL = 'email',
}
registerEnumType(UserOrderField, { name: 'UserOrderField', description: 'Fields users can be ordered by.' });

@InputType('UserOrder', { description: 'Ordering of users.' })
export class UserOrder {
  @Field(() => UserOrderField, { description: 'The field to order by.' })
  field!: UserOrderField;
  @Field(() => OrderDirection, { description: 'The direction.' })
  direction!: OrderDirection;
}

@InputType('UserFilter', { description: 'Conditions users must all meet.' })
export class UserFilterInput {
  @Field(() => [UserStatusEnum], { nullable: true, description: 'Only users in one of these statuses.' })
  status?: UserStatusEnum[] | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only users created after this instant.' })
  createdAfter?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only users created before this instant.' })
  createdBefore?: Date | null;
  @Field(() => ID, { nullable: true, description: 'Only users holding this role directly (a Role id).' })
  role?: string | null;
  @Field(() => ID, { nullable: true, description: 'Only members of this organization (an Organization id).' })
  organization?: string | null;
}
