import { initOrm } from './orm.js';

/** Diffs the entities against the committed snapshot and writes a new migration into migrations/. */
export async function createMigration(databaseUrl: string, name: string | undefined): Promise<string | undefined> {
  const orm = await initOrm({ clientUrl: databaseUrl });
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(undefined, false, false, name);
    return result.diff.up.length ? result.fileName : undefined;
  } finally {
    await orm.close(true);
  }
}
