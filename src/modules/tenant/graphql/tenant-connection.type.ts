import { Field, InputType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../graph/connection/connection.js';
import { OrderDirection } from '../../../graph/connection/order-direction.js';
import { TenantType } from './tenant.type.js';

export const { Edge: TenantEdge, Connection: TenantConnection } = connectionTypes(TenantType, 'Tenant');

export enum TenantOrderField {
  CREATED_AT = 'createdAt',
  SLUG = 'slug',
}
registerEnumType(TenantOrderField, { name: 'TenantOrderField', description: 'Fields tenants can be ordered by.' });

@InputType('TenantOrder', { description: 'Ordering of tenants.' })
export class TenantOrder {
  @Field(() => TenantOrderField, { description: 'The field to order by.' })
  field!: TenantOrderField;
  @Field(() => OrderDirection, { description: 'The direction.' })
  direction!: OrderDirection;
}
