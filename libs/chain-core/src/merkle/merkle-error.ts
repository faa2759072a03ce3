/**
 * The one error type of the merkle layer. `code` says what went wrong, `meta` carries the
 * numbers, typed per code (the Lodestar habit: an enum of codes plus typed metadata).
 *
 * Which functions throw and which return false is part of the contract:
 * - producers (`merkleRoot`, `inclusionProof`, `SparseMerkleTree.applyBatch`, …) throw
 *   `invalid-argument` for bad arguments, naming the argument in `meta.field`;
 * - verifiers (`verifyInclusion`, `verifyConsistency`, `verifySparseProof`) never throw on
 *   anything a proof or its claim can contain: a malformed proof is a false proof;
 * - decoders (`decodeSparseProof`, `decodeSmtNode`, `decodeNodeKey`) throw `malformed`
 *   with the byte offset where the input stopped making sense.
 */

export interface MerkleErrorMeta {
  /** An argument is missing, of the wrong type or length, or out of range. */
  'invalid-argument': { readonly field: string };
  /** A sparse-tree version was written that is not above the latest one. */
  'version-not-increasing': { readonly version: number; readonly latestVersion: number };
  /** A sparse-tree version was never written, or has been pruned. */
  'version-not-found': { readonly version: number };
  /** A node the tree refers to is missing from the store: pruned, or a damaged store. */
  'missing-node': { readonly version: number; readonly depth: number };
  /** Bytes given to a decoder are not a valid encoding. */
  malformed: { readonly what: 'sparse-proof' | 'smt-node' | 'node-key'; readonly offset: number };
}

export type MerkleErrorCode = keyof MerkleErrorMeta;

export class MerkleError<C extends MerkleErrorCode = MerkleErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly meta: MerkleErrorMeta[C],
    message: string,
  ) {
    super(message);
    this.name = 'MerkleError';
  }
}

/** `invalid-argument` naming `field`: "merkle: index: 8 is not below the tree size 8". */
export function invalidArgument(field: string, problem: string): MerkleError<'invalid-argument'> {
  return new MerkleError('invalid-argument', { field }, `merkle: ${field}: ${problem}`);
}
