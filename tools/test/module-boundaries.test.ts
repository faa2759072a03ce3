// The dependency rule of DESIGN.md §2, as eslint.config.mjs enforces it: each fixture in
// tools/lint/fixtures/ is linted as if it were a file inside a project (the fixtures
// themselves are ignored by `npm run lint`), and every message it gets is checked, so a
// constraint that stops constraining fails here.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Linter } from 'eslint';

const repoRoot = path.resolve(__dirname, '../..');
const fixturesDir = path.join(repoRoot, 'tools/lint/fixtures');

const BOUNDARIES = '@nx/enforce-module-boundaries';
const RESTRICTED = 'no-restricted-imports';
const GLOBALS = 'no-restricted-globals';
const PROPERTIES = 'no-restricted-properties';
const SYNTAX = 'no-restricted-syntax';
const CONSENSUS_PURE = 'The consensus core is deterministic and sans-I/O';

/** Where the consensus-core rules apply (a file of the core) and where they do not. */
const CONSENSUS_FILE = 'libs/chain-core/src/consensus/lint-fixture.ts';
const CONSENSUS_DIR = 'libs/chain-core/src/consensus';

/**
 * Where each fixture is linted (relative to the repo root): a file inside the project it tests.
 * A key `<fixture>#<case>` lints `<fixture>.ts` once more, as another file.
 */
const lintAs: Record<string, string> = {
  'service-imports-other-vertical': 'apps/invoice/src/lint-fixture.ts',
  'service-imports-chain-core': 'apps/invoice/src/lint-fixture.ts',
  'service-relative-import-across-projects': 'apps/invoice/src/lint-fixture.ts',
  'service-imports-own-contract-and-shared': 'apps/invoice/src/lint-fixture.ts',
  'core-imports-nest': 'libs/chain-core/src/lint-fixture.ts',
  'contract-imports-io': 'apps/invoice/contract/src/lint-fixture.ts',
  'contract-imports-shared': 'apps/invoice/contract/src/lint-fixture.ts',
  'contract-imports-chain-core': 'apps/invoice/contract/src/lint-fixture.ts',
  'deep-import-into-chain-core': 'apps/invoice/contract/src/lint-fixture.ts',
  'shared-imports-vertical': 'libs/shared/src/lint-fixture.ts',
  'portal-imports-shared': 'apps/portal/src/lint-fixture.ts',
  'api-imports-vertical': 'apps/api/src/lint-fixture.ts',
  'node-imports-core-and-contracts': 'apps/node/src/lint-fixture.ts',
  'consensus-imports-io': CONSENSUS_FILE,
  'consensus-reads-clock-and-randomness': CONSENSUS_FILE,
  'consensus-pure': CONSENSUS_FILE,
  'deep-import-into-chain-core#consensus': CONSENSUS_FILE,
  // The consensus rules are scoped to the core: chain-core's other layers and its tests
  // (which may time themselves) are not bound by them.
  'consensus-reads-clock-and-randomness#codec': 'libs/chain-core/src/codec/lint-fixture.ts',
  'consensus-reads-clock-and-randomness#test': 'libs/chain-core/test/consensus/lint-fixture.ts',
};

/** One expected lint error: the fixture's line, the rule and a fragment of its message. */
type Expected = [line: number, ruleId: string, message: string | RegExp];

interface LintTextResponse {
  results: { filePath: string; messages: Linter.LintMessage[] }[];
  ignored: boolean[];
}

const messagesOf = new Map<string, Linter.LintMessage[]>();
let fixtureIgnored: boolean[] = [];
/** The real consensus sources, linted as themselves: file name → messages. */
const consensusSources = readdirSync(path.join(repoRoot, CONSENSUS_DIR))
  .filter((file) => file.endsWith('.ts'))
  .sort();
const consensusMessagesOf = new Map<string, Linter.LintMessage[]>();

beforeAll(() => {
  const fixtures = Object.keys(lintAs);
  const request = {
    cwd: repoRoot,
    texts: [
      ...fixtures.map((fixture) => ({
        code: readFileSync(path.join(fixturesDir, `${fixture.split('#')[0]}.ts`), 'utf8'),
        filePath: path.join(repoRoot, lintAs[fixture]!),
      })),
      ...consensusSources.map((file) => {
        const filePath = path.join(repoRoot, CONSENSUS_DIR, file);
        return { code: readFileSync(filePath, 'utf8'), filePath };
      }),
    ],
    paths: readdirSync(fixturesDir).map((file) => path.join(fixturesDir, file)),
  };
  // ESLint runs in its own Node process: see tools/lint/lint-text.mjs.
  const stdout = execFileSync(process.execPath, [path.join(repoRoot, 'tools/lint/lint-text.mjs')], {
    cwd: repoRoot,
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const response = JSON.parse(stdout) as LintTextResponse;
  fixtures.forEach((fixture, i) => messagesOf.set(fixture, response.results[i]!.messages));
  consensusSources.forEach((file, i) =>
    consensusMessagesOf.set(file, response.results[fixtures.length + i]!.messages),
  );
  fixtureIgnored = response.ignored;
}, 120_000);

/** The messages of `tools/lint/fixtures/<fixture>.ts`, linted as the file `lintAs[fixture]`. */
function lintFixture(fixture: string): Linter.LintMessage[] {
  const messages = messagesOf.get(fixture);
  if (!messages) throw new Error(`fixture ${fixture} was not linted`);
  return messages;
}

/** Asserts that the messages are exactly the expected ones, in line order. */
function expectMessages(messages: Linter.LintMessage[], expected: Expected[]): void {
  const actual = messages.map((m) => ({ line: m.line, ruleId: m.ruleId, message: m.message }));
  expect(actual).toEqual(
    expected.map(([line, ruleId, message]) => ({
      line,
      ruleId,
      message:
        typeof message === 'string'
          ? expect.stringContaining(message)
          : expect.stringMatching(message),
    })),
  );
}

describe('module boundaries: rejected imports', () => {
  it('a vertical service importing another vertical or its contract is rejected', () => {
    const messages = lintFixture('service-imports-other-vertical');
    expectMessages(messages, [
      [
        2,
        BOUNDARIES,
        'tagged with "type:service" can only depend on libs tagged with "type:contract", "type:lib"',
      ],
      [
        3,
        BOUNDARIES,
        'tagged with "scope:invoice" can only depend on libs tagged with "scope:invoice", "scope:shared"',
      ],
    ]);
  });

  it('a vertical service importing chain-core directly is rejected', () => {
    const messages = lintFixture('service-imports-chain-core');
    expectMessages(messages, [
      [2, BOUNDARIES, 'tagged with "type:service" can only depend on libs tagged with'],
    ]);
  });

  it('a relative import into another project (even its own contract) is rejected', () => {
    const messages = lintFixture('service-relative-import-across-projects');
    expectMessages(messages, [
      [2, BOUNDARIES, 'Projects cannot be imported by a relative or absolute path'],
      [3, BOUNDARIES, 'Projects cannot be imported by a relative or absolute path'],
    ]);
  });

  it('chain-core importing Nest or any project of ours is rejected', () => {
    const messages = lintFixture('core-imports-nest');
    expectMessages(messages, [
      [2, BOUNDARIES, 'tagged with "type:core" is not allowed to import "@nestjs/common"'],
      // shared depends on chain-core, so the rule may report the cycle before the tags.
      [
        3,
        BOUNDARIES,
        /tagged with "type:core" cannot depend on any libs with tags|Circular dependency between "@trellis\/chain-core" and "@trellis\/shared"/,
      ],
    ]);
  });

  it('a contract importing node:fs, fs, node:net or child_process is rejected', () => {
    const messages = lintFixture('contract-imports-io');
    const pure = 'A contract is pure and deterministic';
    expectMessages(messages, [
      [2, RESTRICTED, `'node:fs' import is restricted`],
      [3, RESTRICTED, `'fs' import is restricted`],
      [4, RESTRICTED, `'node:net' import is restricted`],
      [5, RESTRICTED, `'child_process' import is restricted`],
    ]);
    expect(messages.every((m) => m.message.includes(pure))).toBe(true);
  });

  it('a contract importing shared or typeorm is rejected', () => {
    const messages = lintFixture('contract-imports-shared');
    expectMessages(messages, [
      [
        2,
        BOUNDARIES,
        'tagged with "type:contract" can only depend on libs tagged with "type:core"',
      ],
      [3, BOUNDARIES, 'tagged with "type:contract" is not allowed to import "typeorm"'],
    ]);
  });

  it('shared importing a vertical or a contract is rejected', () => {
    const messages = lintFixture('shared-imports-vertical');
    expectMessages(messages, [
      [2, BOUNDARIES, 'tagged with "type:lib" can only depend on libs tagged with "type:core"'],
      // the vertical depends on shared, so the rule may report the cycle before the tags.
      [
        3,
        BOUNDARIES,
        /tagged with "type:lib" can only depend on libs tagged with "type:core"|Circular dependency between "@trellis\/shared" and "@trellis\/invoice"/,
      ],
    ]);
  });

  it('a deep import into chain-core is rejected', () => {
    const messages = lintFixture('deep-import-into-chain-core');
    expectMessages(messages, [
      [2, RESTRICTED, `'@trellis/chain-core/src/contract/contract' import is restricted`],
    ]);
    expect(messages[0]!.message).toContain('Import another project by its package name only');
  });

  it('the consensus core importing fs, net, timers or crypto (or any module dynamically) is rejected', () => {
    const messages = lintFixture('consensus-imports-io');
    expectMessages(messages, [
      [2, RESTRICTED, `'node:fs' import is restricted`],
      [3, RESTRICTED, `'fs/promises' import is restricted`],
      [4, RESTRICTED, `'node:net' import is restricted`],
      [5, RESTRICTED, `'node:timers/promises' import is restricted`],
      [6, RESTRICTED, `'timers' import is restricted`],
      [7, RESTRICTED, `'node:crypto' import is restricted`],
      [10, SYNTAX, 'no dynamic import()'],
    ]);
    expect(messages.every((m) => m.message.includes(CONSENSUS_PURE))).toBe(true);
  });

  it('the consensus core reading a clock, setting a timer or drawing randomness is rejected', () => {
    const messages = lintFixture('consensus-reads-clock-and-randomness');
    expectMessages(messages, [
      [2, GLOBALS, `Unexpected use of 'Date'`], // Date.now()
      [3, GLOBALS, `Unexpected use of 'Date'`], // new Date()
      [4, PROPERTIES, `'Math.random' is restricted`],
      [5, GLOBALS, `Unexpected use of 'setTimeout'`],
      [6, GLOBALS, `Unexpected use of 'setInterval'`],
      [7, GLOBALS, `Unexpected use of 'setImmediate'`],
      [8, GLOBALS, `Unexpected use of 'queueMicrotask'`],
      [9, GLOBALS, `Unexpected use of 'process'`], // process.hrtime
      [10, GLOBALS, `Unexpected use of 'performance'`], // performance.now()
      [11, GLOBALS, `Unexpected use of 'crypto'`], // crypto.getRandomValues
      [12, PROPERTIES, `'globalThis.setTimeout' is restricted`],
    ]);
    expect(messages.every((m) => m.message.includes(CONSENSUS_PURE))).toBe(true);
  });

  it('a deep import from the consensus core is still rejected (its import rule keeps the generic ban)', () => {
    const messages = lintFixture('deep-import-into-chain-core#consensus');
    expectMessages(messages, [[2, RESTRICTED, 'Import another project by its package name only']]);
  });

  it('the portal importing shared or Nest is rejected', () => {
    const messages = lintFixture('portal-imports-shared');
    expectMessages(messages, [
      [2, BOUNDARIES, 'tagged with "type:portal" cannot depend on any libs with tags'],
      [3, BOUNDARIES, 'tagged with "type:portal" is not allowed to import "@nestjs/common"'],
    ]);
  });
});

describe('module boundaries: allowed imports', () => {
  it('a vertical service may import shared (and its declared testing entry point) and its own contract', () => {
    const messages = lintFixture('service-imports-own-contract-and-shared');
    expectMessages(messages, []);
  });

  it('a contract may import chain-core', () => {
    const messages = lintFixture('contract-imports-chain-core');
    expectMessages(messages, []);
  });

  it('the api may import a vertical and shared', () => {
    const messages = lintFixture('api-imports-vertical');
    expectMessages(messages, []);
  });

  it('the node may import chain-core and every contract', () => {
    const messages = lintFixture('node-imports-core-and-contracts');
    expectMessages(messages, []);
  });

  it('the consensus core may import its own layers and take time as an input', () => {
    const messages = lintFixture('consensus-pure');
    expectMessages(messages, []);
  });

  it("chain-core's other layers and its tests are not bound by the consensus core's rules", () => {
    expectMessages(lintFixture('consensus-reads-clock-and-randomness#codec'), []);
    expectMessages(lintFixture('consensus-reads-clock-and-randomness#test'), []);
  });

  it('the real consensus sources break none of the consensus rules', () => {
    expect(consensusSources).toEqual(expect.arrayContaining(['core.ts', 'safety-rules.ts']));
    const broken = consensusSources.flatMap((file) =>
      consensusMessagesOf
        .get(file)!
        .filter((m) => [RESTRICTED, GLOBALS, PROPERTIES, SYNTAX].includes(m.ruleId ?? ''))
        .map((m) => `${file}:${m.line} ${m.message}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('module boundaries: the fixtures themselves', () => {
  it('are ignored by the normal lint run', () => {
    expect(fixtureIgnored.length).toBeGreaterThan(0);
    expect(fixtureIgnored.every(Boolean)).toBe(true);
  });
});
