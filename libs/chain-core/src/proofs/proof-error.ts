/**
 * The one error type of the proof verifier (docs/spec/proofs.md §6). `code` says which rule
 * refused the bundle, `path` names the part of the bundle it refused (`epochs[0].chain.qc`),
 * and the message carries the numbers ("3 signers, fewer than the quorum 5 of 7").
 */

/** Why a bundle (or a genesis file) was refused. */
export const PROOF_ERROR_CODES = Object.freeze([
  /** Bytes that do not decode as a bundle, or a bundle outside the format's rules. */
  'malformed',
  /** The genesis file the verifier was given is not usable. */
  'bad-genesis',
  /** A bundle, header or certificate of another chain than the genesis'. */
  'wrong-chain',
  /** Headers that do not form one chain of one epoch, or a QC naming another header. */
  'bad-chain-link',
  /** The last two headers' rounds are not consecutive: the 2-chain rule commits nothing. */
  'not-committed',
  /** A QC signed by fewer than the quorum of its epoch's validators. */
  'insufficient-signatures',
  /** A QC naming a signer index outside its epoch's validator set. */
  'unknown-signer',
  /** A QC signature that does not verify with its validator's key. */
  'bad-signature',
  /** A header chain of an epoch the bundle does not prove. */
  'unknown-epoch',
  /** An epoch change that is not the next epoch, keeps the set, or proves more than needed. */
  'bad-epoch-change',
  /** An RFC 9162 or sparse Merkle proof that does not lead to its header's root. */
  'bad-merkle-proof',
  /** A receipt of another transaction. */
  'bad-receipt',
  /** A fault of the verifier itself (a bug): never caused by what the bundle holds. */
  'internal',
] as const);

export type ProofErrorCode = (typeof PROOF_ERROR_CODES)[number];

export class ProofError extends Error {
  override readonly name = 'ProofError';

  constructor(
    readonly code: ProofErrorCode,
    /** What the verifier found wrong, with the numbers. */
    readonly reason: string,
    /** The part of the bundle (or genesis) at fault; empty for the whole input. */
    readonly path = '',
    options?: { readonly cause?: unknown },
  ) {
    super(path ? `${path}: ${reason}` : reason, options);
  }
}

/** Throws `ProofError(code)` at `path`: for one-line rule checks. */
export function refuse(code: ProofErrorCode, path: string, reason: string): never {
  throw new ProofError(code, reason, path);
}
