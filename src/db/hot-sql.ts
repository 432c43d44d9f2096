/**
 * Hot-path SQL: standalone statements of the OAuth flows (interactions, sessions, codes, tokens,
 * the account lookup) sent straight to the ORM's own `pg` pool as named prepared statements.
 *
 * Why: on these paths MikroORM's raw `execute` inlines every parameter into the text, so
 * PostgreSQL parses and plans each statement anew, and the query passes through the ORM's
 * formatter and Kysely's executor first. A named statement is parsed and planned once per pooled
 * connection; after that a call is one Bind/Execute with typed parameters.
 *
 * Rules for callers:
 * - `?` placeholders as with `Connection.execute` (converted to `$n` once per text); values are
 *   never spliced into the text, so the set of distinct texts (and prepared statements) stays
 *   small. `?` must not appear in the text for any other purpose (no jsonb `?` operators).
 * - Only for statements that run on their own (autocommit, or one statement with data-modifying
 *   CTEs): never inside an ORM transaction, whose connection this does not use.
 * The ORM's `onQuery` hook sees every statement, like the ORM's own (tests count statements).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { sha256Hex } from '../crypto/secrets.js';

interface Prepared {
  name: string;
  text: string;
}

/** As `Connection.execute`: 'all' → the rows, 'get' → the first row, 'run' → `{ affectedRows }`. */
type Mode = 'all' | 'get' | 'run';

/** `?` → `$1, $2, …` outside single-quoted literals. */
function toNumbered(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
}

export class HotSql {
  private pool?: pg.Pool;
  private pending?: Promise<pg.Pool>;
  private readonly prepared = new Map<string, Prepared>();
  private readonly onQuery: ((sql: string, params: readonly unknown[]) => unknown) | undefined;

  constructor(private readonly orm: MikroORM) {
    this.onQuery = orm.config.get('onQuery') as ((sql: string, params: readonly unknown[]) => unknown) | undefined;
  }

  private statement(sql: string): Prepared {
    let p = this.prepared.get(sql);
    if (!p) {
      const text = toNumbered(sql);
      p = { name: `h_${sha256Hex(text).slice(0, 24)}`, text };
      this.prepared.set(sql, p);
    }
    return p;
  }

  private async nativePool(): Promise<pg.Pool> {
    if (this.pool) return this.pool;
    this.pending ??= this.orm.em.getConnection().getNativeClient().then((pool) => (this.pool = pool as pg.Pool));
    return this.pending;
  }

  async execute<T = Record<string, unknown>[]>(sql: string, params: readonly unknown[] = [], mode: Mode = 'all'): Promise<T> {
    const { name, text } = this.statement(sql);
    this.onQuery?.(text, params);
    const pool = await this.nativePool();
    const res = await pool.query({ name, text, values: params as unknown[] });
    if (mode === 'run') return { affectedRows: res.rowCount ?? 0 } as T;
    if (mode === 'get') return res.rows[0] as T;
    return res.rows as T;
  }
}

/**
 * The tenant condition of a lookup by a unique key (`id = ? and ${TENANT_IS}`): the column is
 * compared as text so that the planner cannot pick the (tenant_id) index instead of the unique
 * key. While a table is young (no statistics yet) both estimate one row, and a generic plan cached
 * then on a pooled connection would scan every row of the tenant on each call.
 */
export const TENANT_IS = 'tenant_id::text = ?';

const runners = new WeakMap<MikroORM, HotSql>();

/** The hot-path runner sharing `orm`'s connection pool. */
export function hotSql(orm: MikroORM): HotSql {
  let r = runners.get(orm);
  if (!r) {
    r = new HotSql(orm);
    runners.set(orm, r);
  }
  return r;
}
