// The proof-bundle vectors of chain-core (libs/chain-core/test/proofs/vectors, made from its
// fixture chain with real keys, QCs and trees): what the CLI and browser tests verify.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProofVectors {
  readonly suite: string;
  readonly genesis: unknown;
  readonly accept: readonly { name: string; bundle: string; verdict: Record<string, unknown> }[];
  readonly reject: readonly { name: string; code: string; path: string; bundle: string }[];
}

const DIR = join(__dirname, '..', '..', 'chain-core', 'test', 'proofs', 'vectors');

export function loadVectors(suite: 'ed25519' | 'sm2'): ProofVectors {
  return JSON.parse(readFileSync(join(DIR, `proof-bundles-${suite}.json`), 'utf8')) as ProofVectors;
}

export const bytesOf = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** The named vector's bundle bytes. */
export function bundle(vectors: ProofVectors, name: string): Uint8Array {
  const found = [...vectors.accept, ...vectors.reject].find((v) => v.name === name);
  if (found === undefined) throw new Error(`no vector named ${name}`);
  return bytesOf(found.bundle);
}

/** `bytes` with byte `index` XOR `pattern`. */
export function tampered(bytes: Uint8Array, index: number, pattern = 0x01): Uint8Array {
  const out = bytes.slice();
  out[index]! ^= pattern;
  return out;
}
