/**
 * The proof bundle a node serves and anyone verifies offline (docs/spec/proofs.md §6): CBOR
 * records of the codec, so that every byte has one meaning and one encoding.
 *
 * A `HeaderChain` proves its first header committed by the 2-chain rule of consensus (R7):
 * headers h0 … hk (k ≥ 1), each the parent of the next (`parentHash`), all of one epoch,
 * `hk.round = hk−1.round + 1`, and a QC over hk signed by ≥ 2f + 1 of that epoch's
 * validators. Such a QC commits hk−1 and every ancestor, so h0 too. Execution is deferred by
 * one block, so hk's `stateRoot` is the state after executing hk−1, a committed block.
 *
 * Pure: codec and types only, so that the verifier and a browser can use it.
 */
import { RecordSchema, bytes, hash32, list, oneOf, optional, text, u64 } from '../codec';
import { BlockHeader, QuorumCertificate, limits } from '../types';
import { NAME } from '../types/limits';

export const PROOF_FORMAT = 'trellis-proof/v1';

/** Most headers in one chain: the node looks this far above a block for a 2-chain. */
export const MAX_CHAIN_HEADERS = 64;
/** Most epoch changes a bundle carries (one per epoch since genesis). */
export const MAX_EPOCH_CHANGES = 4096;
/** Most siblings of an RFC 9162 audit path (trees of up to 2^64 leaves). */
export const MAX_AUDIT_PATH = 64;
/** Largest encoded sparse proof: header, 256 siblings of 32 bytes, a leaf. */
export const MAX_SPARSE_PROOF_BYTES = 4 + 32 + 64 + 256 * 32;
/** Largest state value a proof carries. */
export const MAX_PROOF_VALUE_BYTES = 1024 * 1024;
/**
 * Largest receipt a proof carries: the `Receipt` type's own encoding limit (types/receipt.ts).
 * A transaction may emit up to `MAX_EVENT_BYTES_CAP` (3 MiB) of events, so a smaller bound
 * would leave some committed receipts unprovable.
 */
export const MAX_PROOF_RECEIPT_BYTES = 4 * 1024 * 1024;
/** Largest encoded bundle a verifier accepts. */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

export interface HeaderChain {
  readonly headers: readonly BlockHeader[];
  readonly qc: QuorumCertificate;
}

export const HeaderChainSchema = new RecordSchema<HeaderChain>('HeaderChain', {
  headers: list(BlockHeader.schema.asField(), MAX_CHAIN_HEADERS),
  qc: QuorumCertificate.schema.asField(),
});

/**
 * Epoch `epoch` (≥ 1) and its validators, proven by the validators of epoch − 1: `chain` is a
 * header chain of epoch − 1 and `setProof` the sparse proof (§3.5) of the system contract's
 * validator-set record (key `meta/validator-set`) against the `stateRoot` of its last header.
 * The record must differ from epoch − 1's set: a validator change ends its epoch in the block
 * that makes it, so a committed state of epoch − 1 holding another set is the next epoch's.
 */
export interface EpochChange {
  readonly epoch: bigint;
  /** The consensus public keys of the epoch's validators, in consensus order. */
  readonly validators: readonly Uint8Array[];
  readonly chain: HeaderChain;
  readonly setProof: Uint8Array;
}

export const EpochChangeSchema = new RecordSchema<EpochChange>('EpochChange', {
  epoch: u64,
  validators: list(bytes(32, 65), limits.MAX_VALIDATORS),
  chain: HeaderChainSchema.asField(),
  setProof: bytes(4, MAX_SPARSE_PROOF_BYTES),
});

/** Receipt `index` of the block whose results `chain.headers[0]` commits (`receiptRoot`). */
export interface ReceiptProof {
  /** `Receipt.encode(receipt)`: the RFC 9162 leaf. */
  readonly receipt: Uint8Array;
  readonly index: bigint;
  readonly path: readonly Uint8Array[];
  readonly chain: HeaderChain;
}

export const ReceiptProofSchema = new RecordSchema<ReceiptProof>('ReceiptProof', {
  receipt: bytes(1, MAX_PROOF_RECEIPT_BYTES),
  index: u64,
  path: list(hash32, MAX_AUDIT_PATH),
  chain: HeaderChainSchema.asField(),
});

/** Transaction `txId` is leaf `index` of `chain.headers[0].txRoot`; optionally its receipt. */
export interface TransactionProof {
  readonly txId: Uint8Array;
  readonly index: bigint;
  readonly path: readonly Uint8Array[];
  readonly chain: HeaderChain;
  readonly receipt: ReceiptProof | null;
}

export const TransactionProofSchema = new RecordSchema<TransactionProof>('TransactionProof', {
  txId: hash32,
  index: u64,
  path: list(hash32, MAX_AUDIT_PATH),
  chain: HeaderChainSchema.asField(),
  receipt: optional(ReceiptProofSchema.asField()),
});

/**
 * `contract`'s `key` holds `value` (null: is absent) in the state after executing the block
 * before the chain's last header: proven against that header's `stateRoot`.
 */
export interface StateProof {
  readonly contract: string;
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  /** The sparse proof, encoded (§3.5). */
  readonly proof: Uint8Array;
  readonly chain: HeaderChain;
}

export const StateProofSchema = new RecordSchema<StateProof>('StateProof', {
  contract: text(NAME, 63),
  key: bytes(0, 1024),
  value: optional(bytes(0, MAX_PROOF_VALUE_BYTES)),
  proof: bytes(4, MAX_SPARSE_PROOF_BYTES),
  chain: HeaderChainSchema.asField(),
});

/** What a node serves: the epoch changes up to the proof's epoch, and one proof. */
export interface ProofBundle {
  readonly format: typeof PROOF_FORMAT;
  readonly chainId: string;
  readonly epochs: readonly EpochChange[];
  readonly transaction: TransactionProof | null;
  readonly state: StateProof | null;
}

export const ProofBundleSchema = new RecordSchema<ProofBundle>('ProofBundle', {
  format: oneOf(PROOF_FORMAT),
  chainId: text(NAME, 63),
  epochs: list(EpochChangeSchema.asField(), MAX_EPOCH_CHANGES),
  transaction: optional(TransactionProofSchema.asField()),
  state: optional(StateProofSchema.asField()),
});

export function encodeProofBundle(bundle: ProofBundle): Uint8Array {
  return ProofBundleSchema.encode(bundle);
}

export function decodeProofBundle(data: Uint8Array): ProofBundle {
  return ProofBundleSchema.decode(data, MAX_BUNDLE_BYTES);
}
