import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../shared/request-context.js';
import { decodeGlobalId } from './global-id.js';
import { NodeInterface } from './node.interface.js';
import { nodeFetcher } from './node-registry.js';

const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => NodeInterface, {
    nullable: true,
    description: 'Fetches an object by its global ID. An unknown id, a malformed id and another tenant\'s id all give null. Requires a management token; the object type\'s read scope applies.',
  })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<object | null> {
    return (await resolveNodes(ctx, [id]))[0] ?? null;
  }

  @Query(() => [NodeInterface], {
    nullable: 'items',
    description: `Fetches up to ${MAX_NODES} objects by global ID, in the order given; null where an id does not resolve.`,
  })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: RequestContext): Promise<Array<object | null>> {
    return resolveNodes(ctx, ids.slice(0, MAX_NODES));
  }
}

async function resolveNodes(ctx: RequestContext, ids: string[]): Promise<Array<object | null>> {
  const decoded = ids.map((id) => decodeGlobalId(id));
  const byType = new Map<string, string[]>();
  for (const d of decoded) if (d) byType.set(d.type, [...(byType.get(d.type) ?? []), d.uuid]);
  const found = new Map<string, Map<string, object>>();
  for (const [type, uuids] of byType) {
    const fetch = nodeFetcher(type);
    if (fetch) found.set(type, await fetch(ctx, uuids));
  }
  return decoded.map((d) => (d ? found.get(d.type)?.get(d.uuid) ?? null : null));
}
