import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import type { Tenant } from '../tenant.entity.js';

@ObjectType('Tenant', { implements: NodeInterface, description: 'A tenant: one issuer with its own users, clients, keys and sessions.' })
export class TenantType extends NodeInterface {
  /** Internal row id (not a GraphQL field). */
  uuid!: string;
  @Field(() => String, { description: 'URL-safe unique name; the issuer is `${PUBLIC_URL}/t/{slug}`.' })
  slug!: string;
  @Field(() => String, { description: 'Display name, shown on hosted pages.' })
  name!: string;
  @Field(() => Boolean, { description: 'True for the system tenant, which hosts platform operators and cannot be deleted.' })
  isSystem!: boolean;
  @Field(() => DateTimeScalar, { description: 'When the tenant was created.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the tenant last changed.' })
  updatedAt!: Date;
}

export function toTenantType(t: Tenant): TenantType {
  return Object.assign(new TenantType(), {
    id: encodeGlobalId('Tenant', t.id), uuid: t.id, slug: t.slug, name: t.name, isSystem: t.isSystem,
    createdAt: t.createdAt, updatedAt: t.updatedAt,
  });
}
