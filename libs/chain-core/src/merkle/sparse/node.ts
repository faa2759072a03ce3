/**
 * What the sparse Merkle tree stores (docs/spec/proofs.md §4): nodes of a radix-16 tree, each
 * under a node key (version, bit path), as in the Jellyfish Merkle tree (Diem/Aptos JMT).
 *
 * The stored tree groups the hashed tree's levels by four. The hashed tree is the canonical
 * binary sparse tree of proofs.md §3: a leaf sits at the depth of its shortest unique prefix,
 * and every internal node on the way is hashed, even one with an empty child. The store keeps
 * a node only at depths that are multiples of 4: at such a position, a subtree of one key is
 * a leaf node, and one of two or more keys is an internal node holding its 16 children's
 * references (one per value of the next four bits, a nibble). The 15 binary levels inside an
 * internal node are hashed from those references when needed, never stored.
 */

/** A child of an internal node: the version its node was written at, its hash, its kind. */
export interface SmtChildRef {
  readonly version: number;
  /**
   * The child's own hash: a leaf's leaf hash (it may sit higher in the hashed tree than its
   * stored position), an internal node's hash at its position (the parent's depth + 4).
   */
  readonly hash: Uint8Array;
  readonly leaf: boolean;
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
 * A node whose subtree holds two or more keys, all sharing the first `depth` bits, which
 * `path` holds (32 bytes, the bits from `depth` on zero).
 */
export interface SmtInternalNode {
  readonly kind: 'internal';
  /** A multiple of 4, 0..252; the node branches on bits depth..depth + 3 (a nibble). */
  readonly depth: number;
  readonly path: Uint8Array;
  /**
   * 16 entries, by the nibble of the keys beneath (bits depth..depth + 3, most significant
   * first): null for none. At least one; a single child is an internal node, never a leaf.
   */
  readonly children: readonly (SmtChildRef | null)[];
}

export type SmtNode = SmtNullNode | SmtLeafNode | SmtInternalNode;

/**
 * Where a node is stored: the version that wrote it and its position, the first `bitLength`
 * bits of `path` (32 bytes, later bits zero). A version's root is at bit length 0; the child
 * for nibble n of an internal node at depth d is at the node's path with bits d..d + 3 = n, bit
 * length d + 4.
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
