/**
 * What the sparse Merkle tree stores (docs/spec/proofs.md §4): nodes of a binary radix tree
 * with path compression, each under a node key (version, bit path), Jellyfish-style.
 *
 * The stored tree and the hashed tree differ only by compression. The hashed tree is the
 * canonical sparse tree of proofs.md §3: a leaf sits at the depth of its shortest unique
 * prefix, and every internal node on the way is hashed, even one with an empty child. The
 * store keeps only the branching internal nodes (both children non-empty); a child reference
 * carries the hash as seen from its parent, chain of one-sided levels included.
 */

/** The hash of a child as seen from its parent, and the version its node was written at. */
export interface SmtChildRef {
  readonly version: number;
  /** The hash of the subtree at the child's position (depth of the parent + 1). */
  readonly hash: Uint8Array;
}

/** The root of an empty tree. Only ever stored at a version's root position. */
export interface SmtNullNode {
  readonly kind: 'null';
}

export interface SmtLeafNode {
  readonly kind: 'leaf';
  /** The 32-byte key. */
  readonly key: Uint8Array;
  /** HASH(value). */
  readonly valueHash: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * A node whose subtree holds keys on both sides of bit `depth`; all of them share the first
 * `depth` bits, which `path` holds (32 bytes, the bits from `depth` on zero).
 */
export interface SmtInternalNode {
  readonly kind: 'internal';
  /** The bit the node branches on, 0..255; its children sit at depth + 1. */
  readonly depth: number;
  readonly path: Uint8Array;
  readonly left: SmtChildRef;
  readonly right: SmtChildRef;
}

export type SmtNode = SmtNullNode | SmtLeafNode | SmtInternalNode;

/**
 * Where a node is stored: the version that wrote it and its position, the first `bitLength`
 * bits of `path` (32 bytes, later bits zero). A version's root is at bit length 0; the child on
 * side b of an internal node branching at depth d is at the node's path with bit d = b, bit
 * length d + 1.
 */
export interface NodeKey {
  readonly version: number;
  readonly bitLength: number;
  readonly path: Uint8Array;
}

/** A node that stopped being part of the latest tree at `staleSinceVersion`. */
export interface StaleNodeEntry {
  readonly staleSinceVersion: number;
  readonly nodeKey: NodeKey;
}

/** Everything one version writes, to be stored atomically. */
export interface NodeBatch {
  readonly version: number;
  readonly nodes: readonly { readonly key: NodeKey; readonly node: SmtNode }[];
  /** The nodes this version replaced: stale since `version`. */
  readonly stale: readonly StaleNodeEntry[];
}
