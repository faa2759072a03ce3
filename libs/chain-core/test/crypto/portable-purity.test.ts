/**
 * The portable implementation must run in a browser. Lint bans Node built-ins inside
 * crypto/portable and crypto/common; this walks the whole import graph from the portable
 * entry point, so that a relative import of node-only code (crypto/fast, the pool) is caught
 * too. Only @noble/curves and @noble/hashes may come from outside.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const CRYPTO = join(__dirname, '..', '..', 'src', 'crypto');
const ALLOWED_PACKAGES = /^@noble\/(curves|hashes)\/[a-z0-9/-]+\.js$/;

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [`${base}.ts`, join(base, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`cannot resolve ${specifier} from ${from}`);
  return found;
}

function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) {
      if (specifier!.startsWith('.')) pending.push(resolveRelative(file, specifier!));
      else packages.add(specifier!);
    }
  }
  return { files, packages };
}

describe('portable crypto', () => {
  const { files, packages } = importGraph(join(CRYPTO, 'portable', 'index.ts'));

  it('importsOnlyNoble_fromOutside', () => {
    expect([...packages].filter((name) => !ALLOWED_PACKAGES.test(name))).toEqual([]);
  });

  it('neverReachesNodeOnlyCode', () => {
    const reached = [...files].map((file) => relative(CRYPTO, file));
    expect(reached.filter((file) => file.startsWith('fast') || file.startsWith('pool'))).toEqual(
      [],
    );
    expect(reached).toContain(join('portable', 'sm3.ts'));
  });
});
