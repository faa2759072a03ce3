/**
 * Node hashing of the sparse Merkle tree (docs/spec/proofs.md §3.2) and the bit-path helpers
 * both the tree and the verifier walk keys with.
 *
 *   leaf(key, value) = HASH(0x80 ‖ key ‖ HASH(value))     key: 32 bytes
 *   internal(l, r)   = HASH(0x81 ‖ l ‖ r)
 *   empty            = HASH(0x82)
 *
 * The first byte of every hash input names its domain. 0x00 and 0x01 are RFC 9162's; the
 * codec's tagged hashes start with the tag length (1..64, docs/spec/encoding.md); 0x80..0x82
 * are outside both, so no input of one kind can be read as another.
 */
import { copyBytes, hashWithPrefix, type HashFn } from '../bytes';

/** Keys are 256-bit: the caller hashes application keys into this space. */
export const SMT_KEY_BYTES = 32;
export const SMT_KEY_BITS = 256;

export const SMT_LEAF_PREFIX = 0x80;
export const SMT_INTERNAL_PREFIX = 0x81;
export const SMT_EMPTY_PREFIX = 0x82;

const emptyHashes = new WeakMap<HashFn, Uint8Array>();

/** HASH(0x82): the hash of every empty subtree, at every depth. Shared: never modify it. */
export function emptyHashOf(hash: HashFn): Uint8Array {
  let empty = emptyHashes.get(hash);
  if (empty === undefined) {
    empty = hashWithPrefix(hash, SMT_EMPTY_PREFIX);
    emptyHashes.set(hash, empty);
  }
  return empty;
}

/** HASH(0x82): the root of the empty tree and the hash of every empty subtree. */
export function sparseEmptyHash(hash: HashFn): Uint8Array {
  return copyBytes(emptyHashOf(hash));
}

/** HASH(0x80 ‖ key ‖ valueHash), valueHash = HASH(value). */
export function sparseLeafHash(hash: HashFn, key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return hashWithPrefix(hash, SMT_LEAF_PREFIX, key, valueHash);
}

/** HASH(0x81 ‖ left ‖ right). */
export function sparseInternalHash(hash: HashFn, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hashWithPrefix(hash, SMT_INTERNAL_PREFIX, left, right);
}

/** Bit `i` of a key, most significant bit of byte 0 first: 0 = left, 1 = right. */
export function bitAt(key: Uint8Array, i: number): number {
  return (key[i >> 3]! >> (7 - (i & 7))) & 1;
}

/** Number of leading bits `a` and `b` share (256 when equal 32-byte keys). */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < SMT_KEY_BYTES; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return SMT_KEY_BITS;
}

/** A copy of the first `bits` bits of `key`, the rest zero. */
export function prefixOf(key: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(SMT_KEY_BYTES);
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) out[i] = key[i]!; // a loop: cheaper than set(subarray) here
  if (bits & 7) out[whole] = key[whole]! & (0xff << (8 - (bits & 7)));
  return out;
}

/** The path of the child on side `bit` of a node branching at bit `depth` with prefix `path`. */
export function childPath(path: Uint8Array, depth: number, bit: number): Uint8Array {
  const out = prefixOf(path, depth);
  if (bit === 1) out[depth >> 3] = out[depth >> 3]! | (0x80 >> (depth & 7));
  return out;
}

/**
 * The hash at depth `toDepth` of a subtree whose hash at depth `fromDepth` is `h`, when every
 * level in between has an empty other side: the chain a compressed path stands for. `path`
 * gives the subtree's bits, which say on which side it sits at each level.
 */
export function hashUpOneSidedLevels(
  hash: HashFn,
  h: Uint8Array,
  fromDepth: number,
  toDepth: number,
  path: Uint8Array,
): Uint8Array {
  const empty = emptyHashOf(hash);
  for (let level = fromDepth - 1; level >= toDepth; level--) {
    h =
      bitAt(path, level) === 1
        ? sparseInternalHash(hash, empty, h)
        : sparseInternalHash(hash, h, empty);
  }
  return h;
}
