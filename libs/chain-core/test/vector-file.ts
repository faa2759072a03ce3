import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const VECTORS_DIR = join(__dirname, '..', '..', '..', 'docs', 'spec', 'vectors');

/**
 * Checks generated test vectors against the file checked in under docs/spec/vectors, so that
 * the published vectors cannot drift from the code. `UPDATE_VECTORS=1` rewrites the file.
 * @returns what the file holds (for the caller's own assertions).
 */
export function expectVectorFile(name: string, generated: unknown): unknown {
  const path = join(VECTORS_DIR, name);
  const text = `${JSON.stringify(generated, null, 2)}\n`;
  if (process.env['UPDATE_VECTORS'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  if (!existsSync(path))
    throw new Error(`${path} is missing: run with UPDATE_VECTORS=1 to create it`);
  const stored = readFileSync(path, 'utf8');
  expect(stored).toBe(text);
  return JSON.parse(stored) as unknown;
}
