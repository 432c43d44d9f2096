import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType('Node', { description: 'An object with a globally unique, opaque ID (Relay Global Object Identification).' })
export abstract class NodeInterface {
  @Field(() => ID, { description: 'The globally unique, opaque ID of the object.' })
  id!: string;
}
