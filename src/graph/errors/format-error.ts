import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** Codes whose messages are written for the caller; everything else is masked. */
const EXPOSED = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo formatError: known client errors pass through (without stack traces); anything
 * unexpected becomes INTERNAL_SERVER_ERROR with the request id, and is logged with its stack.
 */
export function formatError(log: Logger, requestIdOf: () => string | undefined) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && EXPOSED.has(code)) {
      const { stacktrace: _drop, ...ext } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return { ...formatted, extensions: ext };
    }
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const requestId = requestIdOf();
    log.error({ err: original, requestId, path: formatted.path }, 'unexpected error in GraphQL operation');
    return {
      message: `Internal server error (request id ${requestId ?? 'unknown'})`,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}
