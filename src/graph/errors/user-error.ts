import { Field, InterfaceType } from 'type-graphql';
import { DomainError } from '../../shared/domain-error.js';

@InterfaceType('UserError', { description: 'A problem with the input of a mutation, to show to the person who made it.' })
export abstract class UserErrorInterface {
  @Field(() => String, { description: 'What went wrong, in a sentence.' })
  message!: string;
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "slug"].' })
  field!: string[] | null;
}

/**
 * Runs a mutation's service call; a DomainError of the expected class becomes a typed userError
 * (via the module's exhaustive `map`), anything else propagates (and is masked at the edge).
 */
export async function withUserErrors<R, E extends DomainError, U>(
  run: () => Promise<R>,
  errorClass: abstract new (...args: never[]) => E,
  map: (e: E) => U,
): Promise<{ result?: R; userErrors: U[] }> {
  try {
    return { result: await run(), userErrors: [] };
  } catch (err) {
    if (err instanceof errorClass) return { userErrors: [map(err)] };
    throw err;
  }
}
