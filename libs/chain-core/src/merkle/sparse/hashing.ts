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
import { copyBytes, equalBytes, hashWithPrefix, type HashFn } from '../bytes';

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

/** Children per stored internal node: one per value of a nibble (4 bits). */
export const RADIX = 16;
/** Binary levels per stored internal node. */
export const RADIX_BITS = 4;

/** The nibble of `key` at bits `depth`..`depth` + 3; `depth` a multiple of 4. */
export function nibbleAt(key: Uint8Array, depth: number): number {
  const byte = key[depth >> 3]!;
  return depth & 4 ? byte & 0x0f : byte >> 4;
}

/** The path of the child for `nibble` of an internal node at `depth` (a multiple of 4). */
export function nibblePath(path: Uint8Array, depth: number, nibble: number): Uint8Array {
  const out = prefixOf(path, depth);
  out[depth >> 3] = out[depth >> 3]! | (depth & 4 ? nibble : nibble << 4);
  return out;
}

/** What `radixRangeHash` needs of a node's children: present, leaf, and their hashes. */
export interface RadixChildren {
  /** Bit n set: a child for nibble n. */
  readonly present: number;
  /** Bit n set: the child for nibble n is a leaf. */
  readonly leaves: number;
  /** By nibble; read only where `present` has the bit. */
  readonly hashes: readonly (Uint8Array | null | undefined)[];
}

/** The bits of `children.present` for nibbles [lo, lo + width). */
export function presentIn(children: RadixChildren, lo: number, width: number): number {
  return children.present & (((1 << width) - 1) << lo);
}

/**
 * The hashes of an internal node's inner binary nodes, by heap index: range [lo, lo + width)
 * is at 16 / width + lo / width (1 is the node itself, 2 and 3 its halves, …). Only ranges of
 * two or more keys are kept; the others are a child's hash or E.
 */
export type InnerHashes = (Uint8Array | undefined)[];

/**
 * Where `radixRangeHash` records the inner hashes it computes (`out`), and those of the
 * previous version of the node (`base`) it may take for ranges where no child changed: bit n
 * of `changed` set when the child for nibble n is not the base's.
 */
export interface InnerHashMemo {
  readonly out: InnerHashes;
  readonly base: InnerHashes | undefined;
  readonly changed: number;
}

/**
 * The hash, in the canonical binary tree (proofs.md §3.2), of the subtree of an internal
 * node's children for nibbles [lo, lo + width), width a power of two ≤ 16: empty without a
 * child, the leaf's hash with a single leaf child (a leaf sits where it is alone), the child's
 * hash at width 1, else the internal hash of the two halves. `width` 16 gives the node's hash.
 */
export function radixRangeHash(
  hash: HashFn,
  children: RadixChildren,
  lo: number,
  width: number,
  memo?: InnerHashMemo,
): Uint8Array {
  const inRange = presentIn(children, lo, width);
  if (inRange === 0) return emptyHashOf(hash);
  if ((inRange & (inRange - 1)) === 0 && (width === 1 || (children.leaves & inRange) !== 0)) {
    return children.hashes[31 - Math.clz32(inRange)]!;
  }
  const index = RADIX / width + lo / width;
  const mask = ((1 << width) - 1) << lo;
  const kept = memo !== undefined && (memo.changed & mask) === 0 ? memo.base?.[index] : undefined;
  const half = width >> 1;
  const h =
    kept ??
    sparseInternalHash(
      hash,
      radixRangeHash(hash, children, lo, half, memo),
      radixRangeHash(hash, children, lo + half, half, memo),
    );
  if (memo !== undefined) {
    memo.out[index] = h;
    if (kept !== undefined) copyInner(memo.base!, memo.out, index);
  }
  return h;
}

/** Copies the inner hashes below heap index `index` (the ranges inside it) from `from`. */
function copyInner(from: InnerHashes, to: InnerHashes, index: number): void {
  for (let first = 2 * index, count = 2; first < 2 * RADIX; first *= 2, count *= 2) {
    for (let i = first; i < first + count; i++) if (from[i] !== undefined) to[i] = from[i];
  }
}

/**
 * Inner hashes of recently written internal nodes, by the node's hash, so that rewriting a
 * node where one child changed hashes the four levels above that child, not all fifteen
 * inner nodes. Keyed by content (a node's hash fixes its children and so its inner hashes),
 * so one cache serves every version and every fork: a miss only costs the hashing. Bounded:
 * past `maxEntries`, the oldest entries go first.
 */
export class InnerHashCache {
  /** By the first 48 bits of the node's hash; the entry keeps the whole hash to compare. */
  private readonly entries = new Map<
    number,
    { readonly nodeHash: Uint8Array; readonly inner: InnerHashes }
  >();

  constructor(private readonly maxEntries = 16_384) {}

  /**
   * The inner hashes of the node with this hash, removed: they are taken when the node is
   * rewritten, after which (a fork aside) nothing asks for them again, so the cache holds about
   * the latest tree's internal nodes.
   */
  take(nodeHash: Uint8Array): InnerHashes | undefined {
    const key = cacheKey(nodeHash);
    const entry = this.entries.get(key);
    // Another node sharing the first 48 bits (chance, or ground keys) is a miss, never a hit.
    if (entry === undefined || !equalBytes(entry.nodeHash, nodeHash)) return undefined;
    this.entries.delete(key);
    return entry.inner;
  }

  set(nodeHash: Uint8Array, inner: InnerHashes): void {
    const key = cacheKey(nodeHash);
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { nodeHash, inner });
  }

  /** Entries held: for tests and metrics. */
  get size(): number {
    return this.entries.size;
  }
}

/** The first 48 bits of a hash as a number (a Map key hashes far faster than a string). */
function cacheKey(h: Uint8Array): number {
  return (
    (h[0]! * 0x10000 + h[1]! * 0x100 + h[2]!) * 0x1000000 +
    (h[3]! * 0x10000 + h[4]! * 0x100 + h[5]!)
  );
}

/** `radixRangeHash` inputs from a stored node's child references. */
export function radixChildrenOf(
  refs: readonly ({ readonly hash: Uint8Array; readonly leaf: boolean } | null)[],
): RadixChildren {
  let present = 0;
  let leaves = 0;
  const hashes: (Uint8Array | null)[] = new Array<Uint8Array | null>(RADIX).fill(null);
  for (let n = 0; n < RADIX; n++) {
    const ref = refs[n];
    if (ref === null || ref === undefined) continue;
    present |= 1 << n;
    if (ref.leaf) leaves |= 1 << n;
    hashes[n] = ref.hash;
  }
  return { present, leaves, hashes };
}
