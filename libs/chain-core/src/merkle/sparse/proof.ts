/**
 * Sparse Merkle proofs and their verification (docs/spec/proofs.md §3.3, §3.4). The verifier
 * is pure: a root, a claim and a proof, no store. It is total: a malformed proof (hashes of the
 * wrong length, more than 256 siblings, a missing field) is a false proof, never an exception.
 */
import { digestLength, equalBytes, isBytes, type HashFn } from '../bytes';
import {
  bitAt,
  commonPrefixBits,
  emptyHashOf,
  SMT_KEY_BITS,
  SMT_KEY_BYTES,
  sparseInternalHash,
  sparseLeafHash,
} from './hashing';

/** The leaf a key's path ends at: its key and HASH(value). */
export interface SparseProofLeaf {
  readonly key: Uint8Array;
  readonly valueHash: Uint8Array;
}

/**
 * The path from a key's position up to the root. The position is at depth `siblings.length`
 * and holds `leaf`: the key's own leaf (inclusion), another key's leaf sharing the first
 * `siblings.length` bits (non-inclusion), or nothing: null, an empty subtree (non-inclusion).
 */
export interface SparseMerkleProof {
  readonly leaf: SparseProofLeaf | null;
  /** Bottom-up: siblings[0] is the sibling of the key's position; null = empty subtree. */
  readonly siblings: readonly (Uint8Array | null)[];
}

/**
 * True iff `proof` shows that, in the tree with root `root`, `key` holds `value`, or, when
 * `value` is undefined, that `key` is absent.
 */
export function verifySparseProof(
  hash: HashFn,
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: SparseMerkleProof,
): boolean {
  const n = digestLength(hash);
  if (!isBytes(root, n) || !isBytes(key, SMT_KEY_BYTES)) return false;
  if (value !== undefined && !isBytes(value)) return false;
  if (!isWellFormed(proof, n)) return false;
  const { leaf, siblings } = proof;
  const depth = siblings.length;
  let node: Uint8Array;
  if (value !== undefined) {
    // Inclusion: the position holds this key's leaf, with this value.
    if (leaf === null || !equalBytes(leaf.key, key)) return false;
    const valueHash = hash(value);
    if (!equalBytes(leaf.valueHash, valueHash)) return false;
    node = sparseLeafHash(hash, key, valueHash);
  } else if (leaf === null) {
    node = emptyHashOf(hash); // non-inclusion: the key's position is an empty subtree
  } else {
    // Non-inclusion: the position holds another key's leaf, which must lie on the key's path.
    if (equalBytes(leaf.key, key) || commonPrefixBits(leaf.key, key) < depth) return false;
    node = sparseLeafHash(hash, leaf.key, leaf.valueHash);
  }
  const empty = emptyHashOf(hash);
  for (let i = 0; i < depth; i++) {
    const level = depth - 1 - i;
    const sibling = siblings[i] ?? empty;
    node =
      bitAt(key, level) === 1
        ? sparseInternalHash(hash, sibling, node)
        : sparseInternalHash(hash, node, sibling);
  }
  return equalBytes(node, root);
}

function isWellFormed(proof: unknown, n: number): proof is SparseMerkleProof {
  if (typeof proof !== 'object' || proof === null) return false;
  const { leaf, siblings } = proof as Record<string, unknown>;
  if (!Array.isArray(siblings) || siblings.length > SMT_KEY_BITS) return false;
  if (!siblings.every((s) => s === null || isBytes(s, n))) return false;
  if (leaf === null) return true;
  if (typeof leaf !== 'object' || leaf === undefined) return false;
  const { key, valueHash } = leaf as Record<string, unknown>;
  return isBytes(key, SMT_KEY_BYTES) && isBytes(valueHash, n);
}
