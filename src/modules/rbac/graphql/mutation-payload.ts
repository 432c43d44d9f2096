import { Field, ObjectType, type ClassType } from 'type-graphql';
import type { GraphQLScalarType } from 'graphql';

/**
 * `<Noun><Verb>Payload` for a mutation: one nullable result field plus typed `userErrors`
 * (STYLE §3.5), without a hand-written class per mutation.
 */
export function mutationPayload(mutation: string, field: string, type: () => ClassType | GraphQLScalarType | [ClassType], errorType: ClassType, description: string): ClassType {
  const name = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Payload`;
  @ObjectType(name, { description: `Result of ${mutation}.` })
  class Payload {}
  Field(type, { nullable: true, description })(Payload.prototype, field);
  Field(() => [errorType], { description: 'Problems with the input; empty on success.' })(Payload.prototype, 'userErrors');
  return Payload;
}
