import type { RequestContext } from '../../shared/request-context.js';

/**
 * How `node(id:)` finds an object of each type. A fetcher must return null for objects outside
 * the caller's tenant, exactly as for ids that do not exist.
 */
export type NodeFetcher = (ctx: RequestContext, uuids: readonly string[]) => Promise<Map<string, object>>;

const fetchers = new Map<string, NodeFetcher>();

export function registerNodeType(type: string, fetch: NodeFetcher): void {
  fetchers.set(type, fetch);
}

export function nodeFetcher(type: string): NodeFetcher | undefined {
  return fetchers.get(type);
}
