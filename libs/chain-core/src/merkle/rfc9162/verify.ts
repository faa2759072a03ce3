/**
 * Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
 *
 * Both functions are total: any malformed input (a hash of the wrong length, an index not
 * below the size, too many or too few proof elements, a size that is not a safe integer)
 * makes them return false; they throw only if the hash function itself throws.
 */
import { digestLength, equalBytes, isBytes, isCount, type HashFn } from '../bytes';
import { merkleLeafHash, merkleNodeHash } from './tree-hash';

/** The leaf an inclusion proof is about: its data, or its leaf hash HASH(0x00 ‖ data). */
export type InclusionLeaf = { readonly data: Uint8Array } | { readonly leafHash: Uint8Array };

/**
 * True iff `proof` is the audit path of `leaf` at `index` in a tree of `treeSize` leaves
 * whose root is `root`.
 *
 * An audit path authenticates the leaf's position (the left/right turns from the root), not
 * the tree size itself: sizes whose paths to `index` take the same turns (index 0 in trees of
 * 3 and 4 leaves) accept the same proof. Take the size from an authenticated header.
 */
export function verifyInclusion(
  hash: HashFn,
  leaf: InclusionLeaf,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const n = digestLength(hash);
  if (!isCount(index) || !isCount(treeSize) || index >= treeSize) return false; // step 1
  if (!isBytes(root, n) || !isHashList(proof, n)) return false;
  const leafHash = leafHashOf(hash, leaf, n);
  if (leafHash === undefined) return false;
  const at = new LevelCursor(index, treeSize - 1); // step 2
  let r = leafHash; // step 3
  for (const p of proof) {
    // step 4
    if (at.sn === 0) return false; // a: more elements than levels
    if (at.siblingIsLeft()) {
      r = merkleNodeHash(hash, p, r); // b.i
      at.skipCarriedLevels(); // b.ii
    } else {
      r = merkleNodeHash(hash, r, p); // b, otherwise
    }
    at.up(); // c
  }
  return at.sn === 0 && equalBytes(r, root); // step 5
}

/**
 * True iff `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of
 * the tree of `newSize` leaves with root `newRoot`.
 *
 * Beyond the RFC (which defines proofs for 0 < oldSize < newSize): equal sizes are consistent
 * iff the roots are equal and the proof is empty; an old size of 0 is consistent iff the proof
 * is empty and `oldRoot` is the empty tree's root HASH().
 */
export function verifyConsistency(
  hash: HashFn,
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): boolean {
  const n = digestLength(hash);
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) return false;
  if (!isBytes(oldRoot, n) || !isBytes(newRoot, n) || !isHashList(proof, n)) return false;
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0 && equalBytes(oldRoot, hash(new Uint8Array(0)));
  if (proof.length === 0) return false; // step 1
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof; // step 2
  const at = new LevelCursor(oldSize - 1, newSize - 1); // step 3
  while (at.fn % 2 === 1) at.up(); // step 4
  let fr = path[0]!; // step 5
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    // step 6
    const c = path[i]!;
    if (at.sn === 0) return false; // a
    if (at.siblingIsLeft()) {
      fr = merkleNodeHash(hash, c, fr); // b.1
      sr = merkleNodeHash(hash, c, sr); // b.2
      at.skipCarriedLevels(); // b.3
    } else {
      sr = merkleNodeHash(hash, sr, c); // b, otherwise
    }
    at.up(); // c
  }
  return at.sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot); // step 7
}

/**
 * RFC 9162's pair (fn, sn): the index of the current node in its level and the index of that
 * level's last node, while walking a proof up from a leaf.
 */
class LevelCursor {
  constructor(
    public fn: number,
    public sn: number,
  ) {}

  /** The next proof element is the left sibling: fn is odd, or the level's last node. */
  siblingIsLeft(): boolean {
    return this.fn % 2 === 1 || this.fn === this.sn;
  }

  /** Skips the levels where the node was the lone last node, carried up unchanged. */
  skipCarriedLevels(): void {
    while (this.fn % 2 === 0 && this.fn !== 0) this.up();
  }

  /** One level up: halve both (sizes stay below 2^53, so no 32-bit shifts). */
  up(): void {
    this.fn = Math.floor(this.fn / 2);
    this.sn = Math.floor(this.sn / 2);
  }
}

function leafHashOf(hash: HashFn, leaf: unknown, n: number): Uint8Array | undefined {
  if (typeof leaf !== 'object' || leaf === null) return undefined;
  if ('data' in leaf) return isBytes(leaf.data) ? merkleLeafHash(hash, leaf.data) : undefined;
  if ('leafHash' in leaf) return isBytes(leaf.leafHash, n) ? leaf.leafHash : undefined;
  return undefined;
}

function isHashList(list: unknown, n: number): list is readonly Uint8Array[] {
  return Array.isArray(list) && list.every((item) => isBytes(item, n));
}

function isPowerOfTwo(x: number): boolean {
  if (x < 1) return false;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}
