/**
 * Base class for business-rule failures. Each module defines `XError extends DomainError<XErrorCode>`;
 * the GraphQL edge maps codes to typed `userErrors` with an exhaustive switch. Messages are lowercase,
 * specific and safe to show to the caller (they never contain secrets).
 */
export abstract class DomainError<C extends string = string> extends Error {
  abstract readonly domain: string;
  constructor(
    readonly code: C,
    message: string,
    /** Path of the input field at fault, e.g. ['input', 'slug']. */
    readonly field?: readonly string[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function assertThat(condition: unknown, error: Error | (() => Error)): asserts condition {
  if (!condition) throw typeof error === 'function' ? error() : error;
}

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
