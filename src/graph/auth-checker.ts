import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.js';

/**
 * `@Authorized('scope')`: the token must hold every listed scope. Authentication itself happens
 * when the context is built (no context without a valid token), so failures here are FORBIDDEN.
 */
export const scopeAuthChecker: AuthChecker<RequestContext> = ({ context }, required) => {
  requireScopes(context, required);
  return true;
};

export function requireScopes(ctx: Pick<RequestContext, 'scopes'>, required: readonly string[]): void {
  const missing = required.filter((s) => !ctx.scopes.has(s));
  if (missing.length) {
    throw new GraphQLError(`this operation requires the scope ${missing.map((s) => `"${s}"`).join(', ')}`, {
      extensions: { code: 'FORBIDDEN', requiredScopes: missing },
    });
  }
}
