/** Test helpers for the merkle layer: hash functions, hex, a seeded PRNG, RFC reference code. */
import { hash } from 'node:crypto';
import type { HashFn } from '../../src/codec';

// One-shot node:crypto hashing: twice as fast as createHash() for these short inputs.
export const sha256: HashFn = (data) => hash('sha256', data, 'buffer');
export const sm3: HashFn = (data) => hash('sm3', data, 'buffer');

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A copy of `bytes` with bit `bit` (0 = MSB of byte 0) flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes); // not .slice(): on a Buffer that is a view
  out[bit >> 3] = out[bit >> 3]! ^ (0x80 >> (bit & 7));
  return out;
}

/** Deterministic xorshift32: the same sample on every run. */
export function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % below;
  };
}

/** Leaf i of the generated test trees: its index as 4 big-endian bytes. */
export function numberedLeaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => Uint8Array.of(i >>> 24, i >>> 16, i >>> 8, i));
}

// The RFC 9162 §2.1 definitions, written as literally as possible and independently of the
// implementation (which reads cached levels instead of recursing), to cross-check it.

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** MTH(D[n]). */
export function referenceMth(hash: HashFn, d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return hash(new Uint8Array(0));
  if (d.length === 1) return hash(concat(Uint8Array.of(0), d[0]!));
  const k = largestPowerOfTwoBelow(d.length);
  return hash(
    concat(Uint8Array.of(1), referenceMth(hash, d.slice(0, k)), referenceMth(hash, d.slice(k))),
  );
}

/** PATH(m, D[n]). */
export function referencePath(hash: HashFn, m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = largestPowerOfTwoBelow(d.length);
  return m < k
    ? [...referencePath(hash, m, d.slice(0, k)), referenceMth(hash, d.slice(k))]
    : [...referencePath(hash, m - k, d.slice(k)), referenceMth(hash, d.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function referenceProof(hash: HashFn, m: number, d: readonly Uint8Array[]): Uint8Array[] {
  const subproof = (m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] => {
    if (m === d.length) return b ? [] : [referenceMth(hash, d)];
    const k = largestPowerOfTwoBelow(d.length);
    return m <= k
      ? [...subproof(m, d.slice(0, k), b), referenceMth(hash, d.slice(k))]
      : [...subproof(m - k, d.slice(k), false), referenceMth(hash, d.slice(0, k))];
  };
  return subproof(m, d, true);
}

/**
 * The left/right turns from the root down to leaf m of n (true = the leaf is in the right
 * subtree), from the RFC's split rule: what an audit path commits to besides the hashes.
 */
export function pathTurns(m: number, n: number): boolean[] {
  const turns: boolean[] = [];
  while (n > 1) {
    const k = largestPowerOfTwoBelow(n);
    turns.push(m >= k);
    if (m < k) n = k;
    else {
      m -= k;
      n -= k;
    }
  }
  return turns;
}
