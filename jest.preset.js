// Shared Jest settings for every project. @swc/jest compiles our TypeScript and the
// ESM-only packages (Nest 12, @noble v2, pkijs and asn1js) to CommonJS; see docs/adr/0003-test-runner.md.
const fs = require('node:fs');
const path = require('node:path');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@noble|cbor2|@cto\\.af|pkijs|asn1js|bytestreamjs|@peculiar/utils)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
};

/** The Jest config of the project in `dir`: its tests live in `src/` and `test/`. */
function project(dir) {
  const { name } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const roots = ['src', 'test'].filter((r) => fs.existsSync(path.join(dir, r)));
  return { ...base, displayName: name, rootDir: dir, roots: roots.map((r) => `<rootDir>/${r}`) };
}

module.exports = { base, project };
