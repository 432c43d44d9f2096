import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { ensureDatabase } from '../../src/config/embedded/index.js';
import { ormConfig } from '../../src/db/mikro-orm.config.js';
import { migrationsList } from '../../migrations/index.js';

describe('migrations', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    const admin = new URL(inject('databaseUrl'));
    admin.pathname = '/postgres';
    await ensureDatabase(admin.toString(), 'signet_migrations_test', { recreate: true });
    const url = new URL(inject('databaseUrl'));
    url.pathname = '/signet_migrations_test';
    orm = await MikroORM.init(ormConfig({ clientUrl: url.toString(), poolMax: 2 }));
  });
  afterAll(async () => { await orm?.close(true); });

  it('apply from an empty database, and the result matches the entities exactly (no drift)', async () => {
    const applied = await orm.migrator.up();
    expect(applied.map((m) => m.name)).toEqual(migrationsList.map((m) => m.name));
    const drift = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false });
    expect(drift.trim()).toBe('');
  });

  it('roll back to empty and forward again', async () => {
    await orm.migrator.down({ to: 0 });
    expect(await orm.migrator.getExecuted()).toEqual([]);
    await orm.migrator.up();
    expect((await orm.migrator.getExecuted()).length).toBe(migrationsList.length);
  });
});
