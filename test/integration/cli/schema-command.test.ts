import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupDataDirs, cliEnv, runCli } from '../../helpers/cli.js';

describe('signet schema', () => {
  const untouched = path.resolve('.signet/cli-schema-must-not-exist');
  afterAll(() => cleanupDataDirs([untouched]));

  it('prints the SDL (type Query, type Mutation) without a database, identical to the checked-in schema.graphql', async () => {
    // No DATABASE_URL/REDIS_URL, and a data dir that must stay absent: the schema needs neither.
    const r = await runCli(['schema'], cliEnv('schema', { SIGNET_DATA_DIR: untouched }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^type Query \{$/m);
    expect(r.stdout).toMatch(/^type Mutation \{$/m);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(fs.readFileSync(path.resolve('schema.graphql'), 'utf8'));
    expect(fs.existsSync(untouched)).toBe(false);
  });

  it('`schema --check` exits 0 on the checked-in schema.graphql', async () => {
    const r = await runCli(['schema', '--check'], cliEnv('schema', { SIGNET_DATA_DIR: untouched }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('schema.graphql is up to date\n');
  });
});
