// Public face of the merkle layer (DESIGN.md §4): RFC 9162 trees for transaction and receipt
// roots, and the versioned sparse Merkle tree for world state. Spec: docs/spec/proofs.md.
export { MerkleError } from './merkle-error';
export type { MerkleErrorCode, MerkleErrorMeta } from './merkle-error';

export {
  MerkleTree,
  RFC9162_LEAF_PREFIX,
  RFC9162_NODE_PREFIX,
  consistencyProof,
  inclusionProof,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
} from './rfc9162/tree-hash';
export { verifyConsistency, verifyInclusion } from './rfc9162/verify';
export type { InclusionLeaf } from './rfc9162/verify';

export {
  InnerHashCache,
  SMT_EMPTY_PREFIX,
  SMT_INTERNAL_PREFIX,
  SMT_KEY_BYTES,
  SMT_LEAF_PREFIX,
  sparseEmptyHash,
  sparseInternalHash,
  sparseLeafHash,
} from './sparse/hashing';
export { SparseMerkleTree } from './sparse/sparse-merkle-tree';
export type {
  SparseMerkleTreeDeps,
  SparseMerkleTreeOptions,
  SparseUpdate,
} from './sparse/sparse-merkle-tree';
export { verifySparseProof } from './sparse/proof';
export type { SparseMerkleProof, SparseProofLeaf } from './sparse/proof';
export { decodeSparseProof, encodeSparseProof } from './sparse/proof-codec';
export { ByteArena } from './sparse/byte-reader';
export { InMemoryNodeStore } from './sparse/node-store';
export type { NodeStore } from './sparse/node-store';
export {
  decodeNodeKey,
  decodeSmtNode,
  encodeNodeKey,
  encodeSmtNode,
  nodeKeyId,
} from './sparse/node-codec';
export type {
  NodeBatch,
  NodeKey,
  SmtChildRef,
  SmtInternalNode,
  SmtLeafNode,
  SmtNode,
  SmtNullNode,
  StaleNodeEntry,
} from './sparse/node';
