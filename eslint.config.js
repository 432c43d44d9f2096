// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Lint, including the layering rules of STYLE.md §1:
 * - protocol/ imports only crypto/, shared/ and itself (no ORM, no graph, no modules);
 * - only crypto/ imports jose and node:crypto;
 * - nothing imports app/ except the process entries (type-only imports excepted).
 */
const cryptoOnly = [
  { name: 'jose', message: 'Only src/crypto/ may import jose.' },
  { name: 'node:crypto', message: 'Only src/crypto/ may import node:crypto.' },
  { name: 'crypto', message: 'Only src/crypto/ may import crypto.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/generated/**', '.signet/**', 'migrations/.snapshot-*.json', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', fetch: 'readonly', NodeJS: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: cryptoOnly }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/crypto/**', 'src/main.ts', 'src/worker.ts', 'src/cli.ts', 'src/app/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: cryptoOnly,
        patterns: [{ group: ['**/app/*', '../app/*', '../../app/*'], message: 'Nothing imports app/ except main.ts and worker.ts.', allowTypeImports: true }],
      }],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: cryptoOnly,
        patterns: [
          { group: ['@mikro-orm/*', 'pg', 'ioredis', 'bullmq'], message: 'protocol/ is storage-agnostic: declare a port in protocol/ports.ts.' },
          { group: ['**/modules/**', '**/graph/**', '**/db/**', '**/app/**', '**/events/**', '**/jobs/**'], message: 'protocol/ may import only crypto/, shared/ and itself.' },
        ],
      }],
    },
  },
  {
    files: ['src/crypto/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests, benchmarks and scripts may use crypto and jose directly (to verify what Signet issues).
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{js,mjs,ts}'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
