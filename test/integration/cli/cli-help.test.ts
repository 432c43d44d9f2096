import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupDataDirs, cliEnv, runCli } from '../../helpers/cli.js';

/** The variables `signet --help` documents (ENV_HELP in src/config/env.ts). */
const DOCUMENTED = [
  'PORT', 'PUBLIC_URL', 'DATABASE_URL', 'REDIS_URL', 'SIGNET_DATA_DIR', 'SIGNET_MASTER_KEY',
  'SIGNET_ROOT_CLIENT_ID', 'SIGNET_ROOT_CLIENT_SECRET', 'SIGNET_ACCESS_TOKEN_TTL',
  'SIGNET_AUDIT_RETENTION_DAYS', 'SIGNET_LOG_FILE', 'LOG_LEVEL', 'NODE_ENV',
];

/** Every variable name loadConfig reads, taken from its source so new variables are covered too. */
function variablesReadByConfig(): string[] {
  const src = fs.readFileSync(path.resolve('src/config/env.ts'), 'utf8').split('export const ENV_HELP')[0]!;
  const names = new Set<string>();
  for (const m of src.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  for (const m of src.matchAll(/\b(?:intVar|urlVar)\(\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(m[1]!);
  return [...names].sort();
}

/** Lines of the "Environment:" section: "  NAME   description". */
function envSection(text: string): string[] {
  const at = text.indexOf('\nEnvironment:\n');
  expect(at, 'help has an "Environment:" section').toBeGreaterThanOrEqual(0);
  return text.slice(at + '\nEnvironment:\n'.length).split('\n').filter((l) => /^ {2}[A-Z]/.test(l)).map((l) => l.trim().split(/\s+/)[0]!);
}

describe('signet --help and per-command help', () => {
  // Help must have no side effects: a data dir that does not exist stays absent.
  const untouched = path.resolve('.signet/cli-help-must-not-exist');
  afterAll(() => cleanupDataDirs([untouched]));

  it('`signet --help` (and -h, help) exits 0 with the usage, every command and the environment variables', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await runCli([flag], cliEnv('help', { SIGNET_DATA_DIR: untouched }));
      expect(r.code, flag).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('Usage: signet <command> [--help]');
      for (const cmd of ['start', 'serve', 'worker', 'migrate', 'schema']) expect(r.stdout).toMatch(new RegExp(`^ {2}${cmd} +\\S`, 'm'));
      expect(envSection(r.stdout)).toEqual(expect.arrayContaining(DOCUMENTED));
      expect(r.stderr).toBe('');
    }
    expect(fs.existsSync(untouched)).toBe(false);
  });

  it('`signet` without a command prints the usage and exits 1', async () => {
    const r = await runCli([], cliEnv('help'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Usage: signet <command>/);
  });

  it.each(['start', 'serve', 'worker', 'migrate', 'schema'])('`signet %s --help` exits 0 with its Usage line and the environment variables, starting nothing', async (cmd) => {
    // An invalid PORT proves help is answered before the configuration is even read.
    const r = await runCli([cmd, '--help'], cliEnv(`help-${cmd}`, { SIGNET_DATA_DIR: untouched, PORT: 'abc' }));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: signet ${cmd}( |$)`));
    expect(envSection(r.stdout)).toEqual(expect.arrayContaining(DOCUMENTED));
    expect(r.stderr).toBe('');
    expect(fs.existsSync(untouched)).toBe(false);
    const short = await runCli([cmd, '-h'], cliEnv(`help-${cmd}`, { SIGNET_DATA_DIR: untouched }));
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(r.stdout);
  });

  it('documents every environment variable the configuration reads', async () => {
    const read = variablesReadByConfig();
    expect(read).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'SIGNET_MASTER_KEY'])); // the parser works
    const r = await runCli(['--help'], cliEnv('help'));
    const documented = envSection(r.stdout);
    expect(read.filter((v) => !documented.includes(v)), 'read by loadConfig but missing from --help').toEqual([]);
  });

  it('an unknown command exits 2 naming it on stderr, with the usage', async () => {
    const r = await runCli(['frobnicate'], cliEnv('help', { SIGNET_DATA_DIR: untouched }));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('signet: unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: signet <command> [--help]');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(untouched)).toBe(false);
  });
});
