import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities.js';
import { migrationsList } from '../../migrations/index.js';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's migrations/ folder (works from src/ under vitest and from dist/src/). */
export const MIGRATIONS_DIR = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../../../migrations' : '../../migrations');

export interface OrmOptions {
  clientUrl: string;
  /** Called for every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  poolMax?: number;
}

export function ormConfig(options: OrmOptions): Options {
  return defineConfig({
    clientUrl: options.clientUrl,
    entities,
    extensions: [Migrator],
    // Never share the global EntityManager: every unit of work forks (STYLE.md §5).
    allowGlobalContext: false,
    pool: { min: 0, max: options.poolMax ?? 10 },
    onQuery: (sql: string) => {
      options.onQuery?.(sql);
      return sql;
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      migrationsList,
      // No snapshot file: `migration:create` diffs the entities against a database migrated from
      // empty, so parallel branches never fight over a snapshot; test/migrations proves no drift.
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      silent: true,
    },
  });
}
