/**
 * The Merkle Tree Hash of RFC 9162 (Certificate Transparency v2) §2.1, used for the
 * transaction and receipt roots of a block (docs/spec/proofs.md §2).
 *
 *   MTH({})      = HASH()
 *   MTH({d0})    = HASH(0x00 ‖ d0)
 *   MTH(D[n])    = HASH(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])),  k the largest power of two < n
 *
 * `MerkleTree` keeps every level, so the root, any audit path (§2.1.3.1) and any
 * consistency proof (§2.1.4.1) come without re-hashing: O(n) hashes to build, none after.
 */
import {
  checkCount,
  copyBytes,
  digestLength,
  hashWithPrefix,
  isBytes,
  type HashFn,
} from '../bytes';
import { invalidArgument } from '../merkle-error';

/** RFC 9162 §2.1.1 domain-separation prefixes. */
export const RFC9162_LEAF_PREFIX = 0x00;
export const RFC9162_NODE_PREFIX = 0x01;

/** HASH(0x00 ‖ data): the hash of one leaf. */
export function merkleLeafHash(hash: HashFn, data: Uint8Array): Uint8Array {
  return hashWithPrefix(hash, RFC9162_LEAF_PREFIX, data);
}

/** HASH(0x01 ‖ left ‖ right): the hash of an interior node. */
export function merkleNodeHash(hash: HashFn, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hashWithPrefix(hash, RFC9162_NODE_PREFIX, left, right);
}

/** The largest power of two strictly below `n` (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * An RFC 9162 tree over a fixed list of leaves.
 *
 * Invariant: `levels[h][j]` = MTH(D[j·2^h : min((j+1)·2^h, n)]). Pairing the nodes of a
 * level and carrying a lone last node up unchanged builds exactly these, and every subtree
 * the RFC's recursive definitions name has this form, so `subtreeHash` is a lookup.
 */
export class MerkleTree {
  private constructor(
    private readonly hash: HashFn,
    private readonly levels: readonly (readonly Uint8Array[])[],
  ) {}

  /** The tree whose leaves are `leaves` (each hashed as HASH(0x00 ‖ d)). */
  static fromLeaves(hash: HashFn, leaves: readonly Uint8Array[]): MerkleTree {
    digestLength(hash);
    if (!Array.isArray(leaves)) throw invalidArgument('leaves', 'must be an array of Uint8Array');
    const leafHashes = leaves.map((leaf, i) => {
      if (!isBytes(leaf)) throw invalidArgument(`leaves[${i}]`, 'must be a Uint8Array');
      return merkleLeafHash(hash, leaf);
    });
    return MerkleTree.build(hash, leafHashes);
  }

  /** The tree whose leaf hashes (already HASH(0x00 ‖ d)) are `leafHashes`. */
  static fromLeafHashes(hash: HashFn, leafHashes: readonly Uint8Array[]): MerkleTree {
    const n = digestLength(hash);
    if (!Array.isArray(leafHashes)) {
      throw invalidArgument('leafHashes', 'must be an array of Uint8Array');
    }
    const copies = leafHashes.map((h, i) => {
      if (!isBytes(h, n))
        throw invalidArgument(`leafHashes[${i}]`, `must be a ${n}-byte Uint8Array`);
      return copyBytes(h);
    });
    return MerkleTree.build(hash, copies);
  }

  private static build(hash: HashFn, leafHashes: Uint8Array[]): MerkleTree {
    const levels: Uint8Array[][] = [leafHashes];
    let level = leafHashes;
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) {
        next.push(merkleNodeHash(hash, level[i]!, level[i + 1]!));
      }
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      levels.push(next);
      level = next;
    }
    return new MerkleTree(hash, levels);
  }

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]!.length;
  }

  /** MTH(D[n]); HASH() for the empty tree. */
  root(): Uint8Array {
    if (this.size === 0) return copyBytes(this.hash(new Uint8Array(0)));
    return copyBytes(this.levels[this.levels.length - 1]![0]!);
  }

  /** HASH(0x00 ‖ d) of leaf `index`. */
  leafHash(index: number): Uint8Array {
    this.checkIndex(index);
    return copyBytes(this.levels[0]![index]!);
  }

  /**
   * RFC 9162 §2.1.3.1 PATH(m, D[n]): the audit path of leaf `index`, ordered from the
   * leaf's sibling up to the root's child.
   */
  inclusionProof(index: number): Uint8Array[] {
    this.checkIndex(index);
    const path: Uint8Array[] = [];
    let start = 0;
    let end = this.size;
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        path.push(this.subtreeHash(start + k, end)); // PATH(m, D[0:k]) : MTH(D[k:n])
        end = start + k;
      } else {
        path.push(this.subtreeHash(start, start + k)); // PATH(m - k, D[k:n]) : MTH(D[0:k])
        start += k;
      }
    }
    return path.reverse();
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof from the tree's first `oldSize`
   * leaves to all of them. Empty when `oldSize` is 0 or the whole tree (proofs.md §2.4).
   */
  consistencyProof(oldSize: number): Uint8Array[] {
    checkCount('oldSize', oldSize);
    if (oldSize > this.size) {
      throw invalidArgument('oldSize', `${oldSize} is above the tree size ${this.size}`);
    }
    if (oldSize === 0 || oldSize === this.size) return [];
    const proof: Uint8Array[] = [];
    let start = 0;
    let end = this.size;
    let m = oldSize;
    let whole = true; // SUBPROOF's flag b: D[start:end] is still the whole old tree's root path
    for (;;) {
      if (m === end - start) {
        if (!whole) proof.push(this.subtreeHash(start, end)); // SUBPROOF(m, D[m], false)
        break;
      }
      const k = splitPoint(end - start);
      if (m <= k) {
        proof.push(this.subtreeHash(start + k, end)); // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
        end = start + k;
      } else {
        proof.push(this.subtreeHash(start, start + k)); // SUBPROOF(m-k, D[k:n], false) : MTH(D[0:k])
        m -= k;
        start += k;
        whole = false;
      }
    }
    return proof.reverse();
  }

  /** MTH(D[start:end]) for a subtree the RFC recursion names (see the class invariant). */
  private subtreeHash(start: number, end: number): Uint8Array {
    let height = 0;
    while (2 ** height < end - start) height++;
    return copyBytes(this.levels[height]![start / 2 ** height]!);
  }

  private checkIndex(index: number): void {
    checkCount('index', index);
    if (index >= this.size) {
      throw invalidArgument('index', `${index} is not below the tree size ${this.size}`);
    }
  }
}

/** MTH of `leaves`: the transaction or receipt root of a block. */
export function merkleRoot(hash: HashFn, leaves: readonly Uint8Array[]): Uint8Array {
  return MerkleTree.fromLeaves(hash, leaves).root();
}

/** The audit path of `leaves[index]` (build a `MerkleTree` once for many proofs). */
export function inclusionProof(
  hash: HashFn,
  leaves: readonly Uint8Array[],
  index: number,
): Uint8Array[] {
  return MerkleTree.fromLeaves(hash, leaves).inclusionProof(index);
}

/** The consistency proof from the first `oldSize` of `leaves` to all of them. */
export function consistencyProof(
  hash: HashFn,
  leaves: readonly Uint8Array[],
  oldSize: number,
): Uint8Array[] {
  return MerkleTree.fromLeaves(hash, leaves).consistencyProof(oldSize);
}
