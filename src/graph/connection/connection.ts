import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { GraphQLError } from 'graphql';
import { MAX_PAGE_SIZE, type Page, type PageRequest } from '../../db/keyset.js';
import { decodeCursor, encodeCursor } from './cursor.js';

@ObjectType('PageInfo', { description: 'Information about pagination in a connection (Relay).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow the last one.' })
  hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Whether items precede the first one.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first item.' })
  startCursor!: string | null;
  @Field(() => String, { nullable: true, description: 'Cursor of the last item.' })
  endCursor!: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Returns the first n items (at most ${MAX_PAGE_SIZE}).` })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'Returns the items after this cursor.' })
  after?: string | null;
  @Field(() => Int, { nullable: true, description: `Returns the last n items (at most ${MAX_PAGE_SIZE}).` })
  last?: number | null;
  @Field(() => String, { nullable: true, description: 'Returns the items before this cursor.' })
  before?: string | null;
}

export function toPageRequest(args: ConnectionArgs): PageRequest {
  for (const n of ['first', 'last'] as const) {
    const v = args[n];
    if (v != null && (v < 0 || v > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`"${n}" must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: n } });
    }
  }
  if (args.first != null && args.last != null) {
    throw new GraphQLError('pass either "first" or "last", not both', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { first: args.first, last: args.last, after: decodeCursor(args.after, 'after'), before: decodeCursor(args.before, 'before') };
}

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
}

export function toConnection<E, T>(page: Page<E>, map: (e: E) => T, cursorOf: (e: E) => { value: string; id: string }): ConnectionShape<T> {
  const edges = page.nodes.map((e) => ({ cursor: encodeCursor(cursorOf(e)), node: map(e) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Builds `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function connectionTypes<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `An edge in a ${name} connection.` })
  class Edge {
    @Field(() => String, { description: 'A cursor for use in pagination.' })
    cursor!: string;
    @Field(() => nodeType, { description: 'The item at the end of the edge.' })
    node!: T;
  }
  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects (Relay connection, keyset cursors).` })
  class Connection {
    @Field(() => [Edge], { description: 'A list of edges.' })
    edges!: Edge[];
    @Field(() => [nodeType], { description: 'A list of nodes (shortcut for edges.node).' })
    nodes!: T[];
    @Field(() => PageInfo, { description: 'Information to aid in pagination.' })
    pageInfo!: PageInfo;
  }
  return { Edge, Connection };
}
