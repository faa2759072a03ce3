/**
 * Byte helpers of the merkle layer and the hash-function contract. Plain Uint8Array, no
 * Buffer, so that verifiers run unchanged in a browser.
 */
import { type HashFn, equalBytes } from '../codec';
import { invalidArgument } from './merkle-error';

// HashFn is the chain's hash (SHA-256 or SM3, chosen in genesis). The trees only need it to be
// deterministic with a fixed digest length, and never change a digest they are given or return.
export type { HashFn };
export { equalBytes };

const EMPTY = new Uint8Array(0);
const digestLengths = new WeakMap<HashFn, number>();

/** The digest length of `hash`, measured once per function and checked to be 1..64 bytes. */
export function digestLength(hash: HashFn): number {
  const known = digestLengths.get(hash);
  if (known !== undefined) return known;
  if (typeof hash !== 'function') throw invalidArgument('hash', 'must be a function');
  const digest: unknown = hash(EMPTY);
  if (!(digest instanceof Uint8Array) || digest.length < 1 || digest.length > 64) {
    throw invalidArgument('hash', 'must return a Uint8Array digest of 1 to 64 bytes');
  }
  digestLengths.set(hash, digest.length);
  return digest.length;
}

/**
 * Where node hash inputs are assembled: one buffer reused by every call, since hashing a tree
 * assembles thousands of 65-byte inputs and a fresh array each was a share of a validator's
 * garbage. Safe because a HashFn reads its input before it returns and keeps no reference; a
 * call made while the buffer is in use (a hash function that hashed a node itself) gets its own.
 */
const SCRATCH = new Uint8Array(256);
let scratchInUse = false;

/** HASH(prefix ‖ parts…): the one shape of every node hash in both trees. */
export function hashWithPrefix(hash: HashFn, prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 1;
  for (const part of parts) length += part.length;
  const shared = !scratchInUse && length <= SCRATCH.length;
  const input = shared ? SCRATCH : new Uint8Array(length);
  if (shared) scratchInUse = true;
  try {
    input[0] = prefix;
    let offset = 1;
    for (const part of parts) {
      input.set(part, offset);
      offset += part.length;
    }
    return hash(shared ? input.subarray(0, length) : input);
  } finally {
    if (shared) scratchInUse = false;
  }
}

/**
 * A fresh plain Uint8Array copy. Not `.slice()`: on a Node Buffer (what node:crypto digests
 * and many callers' bytes are) `slice` returns a view of the same memory.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** Lexicographic order of two byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function isBytes(value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

/** Throws `invalid-argument` naming `field` unless `value` is a Uint8Array (of `length`). */
export function checkBytes(field: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalidArgument(field, 'must be a Uint8Array');
  if (length !== undefined && value.length !== length) {
    throw invalidArgument(field, `must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

/** A non-negative safe integer: tree sizes, indexes and versions. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function checkCount(field: string, value: unknown): number {
  if (!isCount(value))
    throw invalidArgument(field, `must be a non-negative safe integer, got ${String(value)}`);
  return value;
}
