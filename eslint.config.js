// ESLint: the folder boundaries of STYLE.md, checked on every `npm run lint`.
//
// Each folder lists what it must not import. Imports here are relative, so a forbidden
// folder is spelt as the path from each depth inside the importing folder ('../server/…' from
// app/x.ts is the server, from app/state/x.ts it is app/server): `boundary` writes one
// no-restricted-imports block per depth with the exact relative spelling.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import tseslint from 'typescript-eslint';

const nodeModules = ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)];
const serverPackages = ['sharp', 'better-sqlite3', 'hono', 'hono/*', '@hono/*'];
const domPackages = ['svelte', 'svelte/*', 'idb', 'workbox-window'];

/** Everything under app/ except `keep` (folders and files), as paths from the repo root. */
const appExcept = (...keep) =>
  readdirSync('app')
    .filter((name) => !keep.includes(name))
    .map((name) => `app/${name.replace(/\.ts$/, '.js')}`);

/**
 * Forbids files under `folder` (up to 6 folders deep) to import `folders` (repo paths) or the
 * bare `modules`, each group with the message that says why.
 */
function boundary(folder, rules) {
  return Array.from({ length: 7 }, (_, depth) => {
    const up = '../'.repeat(depth);
    return {
      files: [`${folder}/${'*/'.repeat(depth)}*.{ts,cts,js,svelte}`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: rules.map(({ folders = [], modules = [], message }) => ({
              group: [
                ...folders.flatMap((f) => {
                  const rel = `${up}${path.posix.relative(folder, f)}`;
                  return [rel, `${rel}/**`];
                }),
                ...modules,
              ],
              message,
            })),
          },
        ],
      },
    };
  });
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'build/**',
      'dev-dist/**',
      'node_modules/**',
      'public/**',
      'test-results/**',
      'playwright-report/**',
      'test/bench/.cache/**',
      'test/bench/out/**',
      'data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // Scripts, benches and tests run in Node and hand functions to the browser.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // Unused arguments are part of a signature (event handlers, interface methods); a
      // leading _ marks a value taken out on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'none', caughtErrors: 'none', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // `import x = require()` is how a CommonJS TypeScript file imports (server/start.cts);
    // the bin entries are CommonJS so libuv's pool is sized before it starts.
    files: ['**/*.cts', 'bin/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundary('shared', [
    {
      folders: ['app', 'server', 'codecs'],
      message:
        'shared/ is what both sides agree on: it imports nothing of app/, server/ or codecs/.',
    },
    {
      modules: [...nodeModules, ...serverPackages, ...domPackages],
      message: 'shared/ runs anywhere: no Node, server or DOM-only packages.',
    },
  ]),
  ...boundary('codecs', [
    {
      folders: ['app', 'server'],
      message: 'codecs/ is neutral ground for the workers and the server: it depends on neither.',
    },
    {
      modules: [...nodeModules, ...serverPackages, ...domPackages],
      message: 'codecs/ runs in web workers and in Node: no Node, server or DOM-only packages.',
    },
  ]),
  ...boundary('server', [
    {
      folders: ['app'],
      message: 'The server imports no app code: move what both need to shared/ or codecs/.',
    },
    { modules: domPackages, message: 'The server has no DOM.' },
  ]),
  ...boundary('app', [
    {
      folders: ['server'],
      message: 'The app reaches the server over HTTP only (app/server/client.ts).',
    },
    { modules: [...nodeModules, ...serverPackages], message: 'The app runs in a browser.' },
  ]),
  ...boundary('app/workers', [
    {
      folders: ['server', ...appExcept('workers')],
      message:
        'Web workers see no DOM: they import only app/workers/, codecs/ and shared/, never page code.',
    },
    {
      modules: [...nodeModules, ...serverPackages, ...domPackages],
      message: 'Web workers run no Svelte, IndexedDB wrapper or Node code.',
    },
  ]),
);
