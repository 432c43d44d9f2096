import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Deletes rows matching `where` in batches of `batchSize` (each batch its own statement and
 * transaction), at most `maxBatches` times: the janitor shape, safe to run concurrently and
 * again (idempotent). `where` is trusted SQL with positional parameters.
 */
export async function boundedDelete(em: EntityManager, table: string, where: string, params: unknown[], batchSize: number, maxBatches = 50): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const res = await em.getConnection().execute<{ affectedRows?: number }>(
      `delete from "${table}" where id in (select id from "${table}" where ${where} limit ${Math.floor(batchSize)} for update skip locked)`,
      params, 'run',
    );
    const n = (res as { affectedRows?: number }).affectedRows ?? 0;
    total += n;
    if (n < batchSize) break;
  }
  return total;
}
