import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName, FilterQuery } from '@mikro-orm/core';

/** Keyset pagination (no OFFSET): a cursor is the (sort value, id) pair of the last row seen. */
export interface KeysetCursor {
  value: string;
  id: string;
}

export interface PageRequest {
  first?: number | null;
  after?: KeysetCursor | null;
  last?: number | null;
  before?: KeysetCursor | null;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export async function keysetPage<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  sort: { field: string; direction: 'ASC' | 'DESC'; toValue: (row: T) => string; parse: (v: string) => unknown },
  page: PageRequest,
): Promise<Page<T>> {
  const backwards = page.last != null && page.first == null;
  const limit = Math.min(Math.max((backwards ? page.last : page.first) ?? DEFAULT_PAGE_SIZE, 0), MAX_PAGE_SIZE);
  const dir = backwards ? (sort.direction === 'ASC' ? 'DESC' : 'ASC') : sort.direction;
  const conds: FilterQuery<T>[] = [where];
  const after = (c: KeysetCursor, d: 'ASC' | 'DESC') => {
    const op = d === 'ASC' ? '$gt' : '$lt';
    const v = sort.parse(c.value);
    return { $or: [{ [sort.field]: { [op]: v } }, { [sort.field]: v, id: { [op]: c.id } }] } as FilterQuery<T>;
  };
  if (page.after) conds.push(after(page.after, sort.direction));
  if (page.before) conds.push(after(page.before, sort.direction === 'ASC' ? 'DESC' : 'ASC'));
  if (limit === 0) return { nodes: [], hasNextPage: false, hasPreviousPage: false };
  const rows = (await em.find(entity, { $and: conds } as FilterQuery<T>, {
    orderBy: { [sort.field]: dir, id: dir } as never,
    limit: limit + 1,
  })) as T[];
  const more = rows.length > limit;
  const nodes = rows.slice(0, limit);
  if (backwards) nodes.reverse();
  return {
    nodes,
    hasNextPage: backwards ? Boolean(page.before) : more,
    hasPreviousPage: backwards ? more : Boolean(page.after),
  };
}
