/**
 * What the node stores about consensus next to the blocks (docs/spec/node.md §2): each
 * committed block's execution result, the certificates that proved the newest commit, and
 * the epochs. Opaque bytes to the storage layer; these schemas give them meaning.
 */
import { RecordSchema, bytes, hash32, list, optional, u64 } from '../codec';
import { type EpochState, type ExecutionResult, ProposalSchema, ValidatorSet } from '../consensus';
import type { Proposal } from '../consensus';
import { BlockHeader, QuorumCertificate, type QuorumCertificate as QC, limits } from '../types';

const { MAX_VALIDATORS } = limits;

interface ResultRecord {
  readonly stateRoot: Uint8Array;
  readonly receiptRoot: Uint8Array;
  readonly receiptCount: bigint;
  readonly nextValidators: readonly Uint8Array[] | null;
}

const ResultSchema = new RecordSchema<ResultRecord>('ExecutionResult', {
  stateRoot: hash32,
  receiptRoot: hash32,
  receiptCount: u64,
  nextValidators: optional(list(bytes(32, 65), MAX_VALIDATORS)),
});

export function encodeResult(result: ExecutionResult): Uint8Array {
  return ResultSchema.encode(result);
}

export function decodeResult(data: Uint8Array): ExecutionResult {
  return ResultSchema.decode(data, 64 * 1024);
}

export function encodeProposal(proposal: Proposal): Uint8Array {
  return ProposalSchema.encode(proposal);
}

export function decodeProposal(data: Uint8Array): Proposal {
  return ProposalSchema.decode(data, 4 * 1024 * 1024);
}

interface EpochRecord {
  readonly epoch: bigint;
  readonly validators: readonly Uint8Array[];
  readonly rootHeader: BlockHeader;
  readonly rootResult: ResultRecord;
  /** The QC that committed the previous epoch's last block (null for the first epoch). */
  readonly endQc: QC | null;
}

const EpochSchema = new RecordSchema<EpochRecord>('EpochRecord', {
  epoch: u64,
  validators: list(bytes(32, 65), MAX_VALIDATORS),
  rootHeader: BlockHeader.schema.asField(),
  rootResult: ResultSchema.asField(),
  endQc: optional(QuorumCertificate.schema.asField()),
});

/** An epoch as stored: its validators and root, and the QC that ended the epoch before it. */
export interface StoredEpoch {
  readonly state: EpochState;
  readonly endQcOfPrevious: QC | null;
}

export function encodeEpoch(state: EpochState, endQcOfPrevious: QC | null): Uint8Array {
  return EpochSchema.encode({
    epoch: state.validators.epoch,
    validators: state.validators.publicKeys,
    rootHeader: state.root.header,
    rootResult: state.root.result,
    endQc: endQcOfPrevious,
  });
}

export function decodeEpoch(
  data: Uint8Array,
  hashHeader: (h: BlockHeader) => Uint8Array,
): StoredEpoch {
  const record = EpochSchema.decode(data, 1024 * 1024);
  return {
    state: {
      validators: new ValidatorSet(record.epoch, record.validators),
      root: {
        header: record.rootHeader,
        hash: hashHeader(record.rootHeader),
        result: record.rootResult,
      },
    },
    endQcOfPrevious: record.endQc,
  };
}

interface CommitProof {
  readonly qc: QC;
  readonly commitQc: QC;
}

const CommitProofSchema = new RecordSchema<CommitProof>('CommitProof', {
  qc: QuorumCertificate.schema.asField(),
  commitQc: QuorumCertificate.schema.asField(),
});

export function encodeCommitProof(proof: CommitProof): Uint8Array {
  return CommitProofSchema.encode(proof);
}

export function decodeCommitProof(data: Uint8Array): CommitProof {
  return CommitProofSchema.decode(data, 128 * 1024);
}

/** Meta keys of the chain store used by the node. */
export const META = {
  /** The genesis digest this data directory belongs to. */
  genesis: 'genesis',
  /** The QC of the newest committed block and the 2-chain QC that committed it. */
  commitProof: 'commit-proof',
  /** `epoch/<20-digit epoch>`: one EpochRecord per epoch. */
  epochPrefix: 'epoch/',
  /**
   * `epoch-tail/<20-digit epoch>`: the HeaderChain proving the previous epoch's last block
   * committed — its header, the uncommitted blocks of that epoch above it, and the final
   * commit QC (docs/spec/proofs.md §6). Stored when the epoch starts.
   */
  epochTailPrefix: 'epoch-tail/',
  /** The newest epoch number (decimal text). */
  currentEpoch: 'current-epoch',
} as const;

export function epochKey(epoch: bigint): string {
  return `${META.epochPrefix}${epoch.toString().padStart(20, '0')}`;
}
