// Runs the ESLint Node API on sources given on stdin, as the files they name, with the
// workspace's eslint.config.mjs; prints the messages as JSON on stdout.
//
// Used by tools/test/module-boundaries.test.ts: ESLint loads its config with import(), which
// Jest's module sandbox refuses without --experimental-vm-modules, so the test runs ESLint in
// this separate Node process instead.
//
// stdin:  { "cwd": string, "texts": [{ "code": string, "filePath": string }], "paths": [string] }
// stdout: { "results": [{ "filePath": string, "messages": LintMessage[] }], "ignored": [boolean] }
import { text } from 'node:stream/consumers';
import { ESLint } from 'eslint';

const request = JSON.parse(await text(process.stdin));
const eslint = new ESLint({ cwd: request.cwd });

const results = [];
for (const { code, filePath } of request.texts ?? []) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push({ filePath: result.filePath, messages: result.messages });
}
const ignored = [];
for (const path of request.paths ?? []) {
  ignored.push(await eslint.isPathIgnored(path));
}
process.stdout.write(JSON.stringify({ results, ignored }));
