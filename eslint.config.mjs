// @ts-check
// Lint for the whole workspace: `npm run lint` (= `eslint --max-warnings=0 .`).
//
// The dependency rule of docs/architecture.md (DESIGN.md §2) is enforced here by
// `@nx/enforce-module-boundaries` on the tags in each package.json's `nx.tags`
// (two axes: `type:*` and `scope:*`), plus `no-restricted-imports` for what that rule
// cannot see: deep imports into another project, and Node built-ins in contracts; and
// `no-restricted-globals` / `-properties` keep clocks, timers and randomness out of the
// consensus core.
// tools/test/module-boundaries.test.ts proves each constraint with fixtures in
// tools/lint/fixtures/.
import { builtinModules, createRequire } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const projectGraph = await ensureProjectGraph();

/**
 * `@nx/enforce-module-boundaries` never computes the project graph itself: it reads
 * `.nx/workspace-data/project-graph.json`, and when that file is missing (a fresh clone:
 * `.nx/` is git-ignored) or holds graph errors it prints one "No cached ProjectGraph is
 * available. The rule will be skipped." line and lets every import through. So the graph
 * is computed here, before any file is linted, with the workspace's own nx (incremental:
 * ~0.1 s when nothing changed), and the read the rule will do is checked, so that lint
 * fails loudly instead of passing without boundaries.
 * @returns {Promise<import('nx/src/devkit-exports.js').ProjectGraph>}
 */
async function ensureProjectGraph() {
  // No daemon left running by a lint; only built-in (trusted) project-graph plugins are
  // configured, so running them in-process instead of in worker processes is safe and
  // saves ~1 s per run.
  process.env.NX_DAEMON ??= 'false';
  process.env.NX_ISOLATE_PLUGINS ??= 'false';
  const { createProjectGraphAsync } = await import('nx/src/devkit-exports.js');
  const graph = await createProjectGraphAsync({ exitOnError: false });
  // The rule uses the nx that @nx/eslint-plugin depends on (it may be another version than
  // the workspace's): read the cache through that one, exactly as the rule will.
  const requireFromPlugin = createRequire(
    createRequire(import.meta.url).resolve('@nx/eslint-plugin'),
  );
  requireFromPlugin('@nx/devkit').readCachedProjectGraph();
  return graph;
}

/** @param {string} text */
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A regex matching an import of a file inside a workspace package, rather than the package
 * itself or an entry point its package.json `exports` declares (e.g. `@trellis/shared/testing`).
 * The Nx rule does not flag these: the `exports` map makes them unresolvable, so it bails.
 */
function deepImportRegex() {
  const names = [];
  const entryPoints = [];
  for (const node of Object.values(projectGraph.nodes)) {
    const { packageName, packageExports } = node.data.metadata?.js ?? {};
    if (!packageName) continue;
    names.push(escapeRegExp(packageName));
    if (packageExports && typeof packageExports === 'object') {
      for (const key of Object.keys(packageExports)) {
        if (key.startsWith('./')) {
          entryPoints.push(escapeRegExp(`${packageName}/${key.slice(2)}`).replace(/\\\*/g, '.+'));
        }
      }
    }
  }
  const allowed = entryPoints.length > 0 ? `(?!(?:${entryPoints.join('|')})$)` : '';
  return `^${allowed}(?:${names.join('|')})/.+`;
}

const verticals = [
  'invoice',
  'supply-finance',
  'copyright',
  'anti-counterfeit',
  'judicial-evidence',
  'gov-directory',
];

/** Server, database and web frameworks: never in chain-core or a contract. */
const frameworkImports = [
  '@nestjs/*',
  'nestjs-*',
  'typeorm',
  'typeorm/**',
  'pg',
  'pg/**',
  '@electric-sql/*',
  'next',
  'next/**',
  'react',
  'react/**',
  'react-dom',
  'react-dom/**',
  'express',
  'express/**',
];

/**
 * Node built-ins doing I/O or reading the host, banned in contracts (pure and deterministic).
 * The Nx rule cannot ban these (it skips built-in modules before looking at constraints), so
 * `no-restricted-imports` does.
 */
const ioBuiltins = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'cluster',
  'worker_threads',
  'os',
];

/** Another project is imported by its package name only: its `src/index.ts` is its public API. */
const deepImport = {
  regex: deepImportRegex(),
  message:
    'Import another project by its package name only (its src/index.ts is its public API), not a file inside it.',
};

/** The message of a rule keeping the consensus core deterministic. @param {string} what */
const consensusPurity = (what) => `The consensus core is deterministic and sans-I/O: ${what}.`;

/** Node built-ins the consensus core never imports (subpaths too: fs/promises, timers/promises). */
const consensusBuiltins = [
  ...ioBuiltins,
  'timers',
  'perf_hooks',
  'process',
  'crypto',
  'readline',
  'repl',
  'vm',
];

/**
 * Globals the consensus core never touches: clocks, timers and scheduling, randomness and the
 * host process (`process.hrtime`, `performance.now`, `crypto.getRandomValues`, `Date.now`, …).
 */
const consensusGlobals = [
  ['Date', 'no clock (time reaches the core as inputs)'],
  ['performance', 'no clock (time reaches the core as inputs)'],
  ['process', 'no clock, environment or host access'],
  ['crypto', 'no randomness (hashing and signing are injected)'],
  ['setTimeout', 'no timers (emit a `set-timer` output)'],
  ['setInterval', 'no timers (emit a `set-timer` output)'],
  ['clearTimeout', 'no timers (stale `timer` inputs are ignored)'],
  ['clearInterval', 'no timers (stale `timer` inputs are ignored)'],
  ['setImmediate', 'no scheduling (the runtime carries out the outputs)'],
  ['clearImmediate', 'no scheduling (the runtime carries out the outputs)'],
  ['queueMicrotask', 'no scheduling (the runtime carries out the outputs)'],
].map(([name, why]) => ({ name, message: consensusPurity(why) }));

const sourceFiles = [
  '**/*.ts',
  '**/*.tsx',
  '**/*.mts',
  '**/*.cts',
  '**/*.js',
  '**/*.mjs',
  '**/*.cjs',
];

/** Options of `@nx/enforce-module-boundaries`: DESIGN.md §2's dependency rule on the tags. */
const moduleBoundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    // chain-core imports nothing of ours and no server, database or web framework.
    {
      sourceTag: 'type:core',
      onlyDependOnLibsWithTags: [],
      notDependOnLibsWithTags: ['*'],
      bannedExternalImports: frameworkImports,
    },
    // shared: only chain-core's public API.
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:core'] },
    // contract/: only chain-core (its contract API); pure: no frameworks, no I/O.
    {
      sourceTag: 'type:contract',
      onlyDependOnLibsWithTags: ['type:core'],
      bannedExternalImports: frameworkImports,
    },
    // a vertical's src/: contracts and shared (the scope rules below narrow the
    // contracts to its own).
    { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:contract', 'type:lib'] },
    // the all-in-one API server mounts the verticals' Nest modules.
    { sourceTag: 'type:server', onlyDependOnLibsWithTags: ['type:service', 'type:lib'] },
    // the independent verifier: chain-core's pure proofs entry only.
    { sourceTag: 'type:verifier', onlyDependOnLibsWithTags: ['type:core'] },
    // the validator composes chain-core with every vertical's contract.
    {
      sourceTag: 'type:node',
      onlyDependOnLibsWithTags: ['type:core', 'type:contract', 'type:lib', 'type:verifier'],
    },
    // the portal talks to the services over HTTP only.
    {
      sourceTag: 'type:portal',
      onlyDependOnLibsWithTags: [],
      notDependOnLibsWithTags: ['*'],
      bannedExternalImports: ['@nestjs/*', 'nestjs-*', 'typeorm', 'typeorm/**', 'pg', 'pg/**'],
    },
    // scripts and tests may use anything; nothing may import tools (no constraint
    // above allows type:tools).
    { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['*'] },
    // A vertical stays inside its own scope: its service and contract see their own
    // scope, shared and chain-core (the type rules above say which of these each may
    // use), never another vertical or another vertical's contract.
    ...verticals.map((v) => ({
      sourceTag: `scope:${v}`,
      onlyDependOnLibsWithTags: [`scope:${v}`, 'scope:shared', 'scope:chain'],
    })),
  ],
};

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '**/.nx/**',
      '**/.trellis/**',
      '**/coverage/**',
      '**/fixtures/**',
      '**/next-env.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      'no-restricted-imports': ['error', { patterns: [deepImport] }],
    },
  },
  {
    // Jest configs and other CommonJS scripts.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['apps/portal/**/*.ts', 'apps/portal/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: sourceFiles,
    // Tool configs (`require('../jest.preset.js')`) are not project code.
    ignores: ['**/jest.config.*'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries] },
  },
  {
    // A project's tests use it through its public API, by package name, like its users do.
    files: ['**/test/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { ...moduleBoundaries, allowCircularSelfDependency: true },
      ],
    },
  },
  {
    // Contracts run on every validator and must give the same result everywhere.
    files: ['apps/*/contract/**/*.ts'],
    ignores: ['apps/*/contract/test/**', 'apps/*/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            {
              regex: `^(node:)?(${ioBuiltins.join('|')})$`,
              message:
                'A contract is pure and deterministic: no file, network, process or host access.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression',
          message: 'A contract is pure and deterministic: no dynamic import().',
        },
        {
          selector: "CallExpression[callee.name='require']",
          message: 'A contract is pure and deterministic: no require().',
        },
      ],
    },
  },
  {
    // The portable crypto implementation (and the code it shares with the fast one) must run
    // in a browser: no Node built-in (with or without `node:`), no native addon.
    files: [
      'libs/chain-core/src/crypto/portable/**/*.ts',
      'libs/chain-core/src/crypto/common/**/*.ts',
      'libs/chain-core/src/crypto/errors.ts',
      'libs/chain-core/src/crypto/types.ts',
      // the light client is the same code in a browser (the esbuild bundle test also checks).
      'libs/chain-core/src/proofs/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            {
              regex: `^(node:.*|(${builtinModules.map(escapeRegExp).join('|')})(/.*)?|sodium-native)$`,
              message:
                'Portable crypto runs in browsers: no Node built-ins (node:*, crypto, …) and no sodium-native.',
            },
          ],
        },
      ],
    },
  },
  {
    // The consensus core (libs/chain-core/src/consensus) is deterministic and sans-I/O: the
    // runtime feeds it inputs (messages, timer firings, payloads, execution results) and
    // carries out its outputs (send, set-timer, persist-safety, …). Given the same inputs
    // every replica, the simulator and a replayed test reach the same state, so the core
    // never reads a clock, draws randomness, schedules work or touches files or sockets
    // itself: time and timers reach it only as `timer` inputs and `set-timer` outputs.
    files: ['libs/chain-core/src/consensus/**/*.ts', 'libs/chain-core/src/execution/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // `patterns` replaces the generic entry for these files: keep the deep-import ban.
          patterns: [
            deepImport,
            {
              regex: `^(node:)?(${consensusBuiltins.map(escapeRegExp).join('|')})(/.*)?$`,
              message: consensusPurity('no file, network, clock, timer, randomness or host access'),
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...consensusGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: consensusPurity('no randomness') },
        // The same globals reached through the global object.
        ...['globalThis', 'global'].flatMap((object) =>
          consensusGlobals.map(({ name, message }) => ({ object, property: name, message })),
        ),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression',
          message: consensusPurity('no dynamic import()'),
        },
        {
          selector: "CallExpression[callee.name='require']",
          message: consensusPurity('no require()'),
        },
      ],
    },
  },
  prettier,
);
