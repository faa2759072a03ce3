import type { BlockHeader, QuorumCertificate, TimeoutCertificate, Vote } from '../types';
import type { ConsensusMessage, Proposal } from './messages';
import type { SafetyData } from './safety-rules';
import type { NodeId, ValidatorSet } from './validator-set';
import type { Verified } from './verify';

/** What executing a block gave (deferred execution: the child's header commits to it). */
export interface ExecutionResult {
  readonly stateRoot: Uint8Array;
  readonly receiptRoot: Uint8Array;
  readonly receiptCount: bigint;
  /**
   * The next epoch's validators when this block committed a validator-set change, else null.
   * Such a block ends its epoch: its descendants in the epoch carry no payload, and once it
   * commits the next epoch starts on it.
   */
  readonly nextValidators: readonly Uint8Array[] | null;
}

/** A leader's payload for a block: batch digests (not transactions) and the tx tree. */
export interface Payload {
  readonly batchDigests: readonly Uint8Array[];
  readonly txCount: bigint;
  readonly txRoot: Uint8Array;
  /** The leader's clock; the core makes it strictly above the parent's. */
  readonly timestampMs: bigint;
}

/** The committed block an epoch starts from (genesis, or the block that ended the last epoch). */
export interface EpochRoot {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly result: ExecutionResult;
}

export interface EpochState {
  readonly validators: ValidatorSet;
  readonly root: EpochRoot;
}

/** Evidence that one validator signed two conflicting messages (both signatures inside). */
export type Equivocation =
  | {
      readonly kind: 'double-proposal';
      readonly validator: NodeId;
      readonly first: Proposal;
      readonly second: Proposal;
    }
  | {
      readonly kind: 'double-vote';
      readonly validator: NodeId;
      readonly first: Vote;
      readonly second: Vote;
    };

/** Everything the runtime feeds the core. Messages only after `MessageVerifier.verify`. */
export type Input =
  /** Once, after construction: arms the first timer and proposes if this replica leads. */
  | { readonly kind: 'start' }
  | {
      readonly kind: 'message';
      readonly from: NodeId;
      readonly message: Verified<ConsensusMessage>;
    }
  /** A timer set by `set-timer` fired (stale ones are ignored). */
  | { readonly kind: 'timer'; readonly epoch: bigint; readonly round: bigint }
  /** The runtime's answer to `request-payload`. */
  | {
      readonly kind: 'payload';
      readonly epoch: bigint;
      readonly round: bigint;
      readonly payload: Payload;
    }
  /** The runtime's answer to `execute`. */
  | { readonly kind: 'executed'; readonly blockHash: Uint8Array; readonly result: ExecutionResult };

/**
 * Everything the core asks of the runtime, to be carried out in order. `persist-safety`
 * must be durable (synced) before any later output leaves the node: it always precedes the
 * vote or timeout it protects.
 */
export type Output =
  | { readonly kind: 'persist-safety'; readonly data: SafetyData }
  | { readonly kind: 'send'; readonly to: NodeId; readonly message: ConsensusMessage }
  /** To every validator of the current epoch except this one. */
  | { readonly kind: 'broadcast'; readonly message: ConsensusMessage }
  /** Replaces the pending timer, if any: a replica has one round timer at a time. */
  | {
      readonly kind: 'set-timer';
      readonly epoch: bigint;
      readonly round: bigint;
      readonly afterMs: number;
    }
  /** This replica leads `round`: answer with a `payload` input. */
  | {
      readonly kind: 'request-payload';
      readonly epoch: bigint;
      readonly round: bigint;
      readonly height: bigint;
      readonly parentHash: Uint8Array;
      /** False after a block that ended the epoch: the payload must be empty. */
      readonly allowed: boolean;
    }
  /** Execute this block (its parent was executed before): answer with `executed`. */
  | { readonly kind: 'execute'; readonly block: Proposal; readonly hash: Uint8Array }
  /**
   * These blocks are final, oldest first, extending the previous commit. `qc` certifies the
   * last of them; `commitQc` is the 2-chain proof: it certifies a descendant B whose parent
   * (the last block here, or — when the commit stops at an epoch's last block — a later
   * block of the epoch's empty suffix) has round B.round − 1.
   */
  | {
      readonly kind: 'commit';
      readonly blocks: readonly Proposal[];
      readonly hashes: readonly Uint8Array[];
      readonly qc: QuorumCertificate;
      readonly commitQc: QuorumCertificate;
    }
  /**
   * The committed validator-set change took effect: a new epoch starts on `state.root`. It
   * directly follows the `commit` of that block; the runtime persists both in one write.
   */
  | { readonly kind: 'new-epoch'; readonly state: EpochState }
  | { readonly kind: 'evidence'; readonly evidence: Equivocation };

export type { TimeoutCertificate };
