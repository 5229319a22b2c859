// ESLint flat config. The layer rules below are the architecture (DEVELOPERS.md / style.md §1–3):
// do not relax them to make an import pass — move the code to the right layer instead.
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const electronBan = {
  name: 'electron',
  message: 'Only src-main/main.ts and src-main/preload.ts may import electron; put logic in plain Node modules.',
};
// zod's settings must be in place before any schema is built, whatever the import order.
const zodBan = { name: 'zod', message: 'Import { z } from src-shared/zod.ts, which configures zod before handing it out.' };
const sharedBans = [electronBan, ...builtinModules.map((name) => ({ name, message: 'src-shared must not use Node built-ins.' }))];
const sharedPatterns = [{ group: ['node:*'], message: 'src-shared must not use Node built-ins.' }];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'data-cache/**',
      // The evaluate bench's checkout of its baseline commit (bench/evaluateCli.bench.ts).
      '.cache/**',
      'models/train/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      '**/*.min.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    plugins: { import: importPlugin },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.ts'] } },
      'import/extensions': ['.ts', '.tsx', '.js', '.mjs'],
    },
    rules: {
      // TypeScript checks names; no-undef only misfires on types and globals.
      'no-undef': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'warn',
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src-shared',
              from: ['./src-main', './src-renderer', './e2e', './bench', './scripts'],
              message: 'src-shared is environment-free and imports nothing from the other trees.',
            },
            {
              target: ['./src-shared/!(api)/**', './src-shared/*.ts'],
              from: './src-shared/api',
              message:
                'The API is the edge: the layers below it never import it (error kinds: src-shared/errors.ts; zod: src-shared/zod.ts).',
            },
            {
              target: './src-main',
              from: './src-renderer',
              message: 'src-main and src-renderer never import each other; share through src-shared.',
            },
            {
              target: './src-renderer',
              from: './src-main',
              message: 'src-main and src-renderer never import each other; share through src-shared.',
            },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        { paths: [electronBan, zodBan], patterns: [{ group: ['electron/*'], message: electronBan.message }] },
      ],
    },
  },
  {
    // The two files that are the Electron boundary.
    files: ['src-main/main.ts', 'src-main/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // src-shared runs in main, renderer, workers and CLI alike: no Node built-ins, no Electron.
    // Its tests run in Node (Vitest) and may read fixture files; tsconfig.shared.json excludes them too.
    files: ['src-shared/**/*.ts'],
    ignores: ['src-shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...sharedBans, zodBan], patterns: sharedPatterns }],
    },
  },
  {
    // The one module that may import zod itself.
    files: ['src-shared/zod.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: sharedBans, patterns: sharedPatterns }] },
  },
);
