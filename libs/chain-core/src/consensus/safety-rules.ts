/**
 * Safety rules (docs/spec/consensus.md §3): the only code that signs votes and timeouts, and
 * the only state whose loss could make an honest validator equivocate. Every signature it
 * returns comes with the new `SafetyData`, which the runtime must persist and sync *before*
 * releasing the signature (the core emits `persist-safety` ahead of the message). Built from
 * the persisted data after a restart, it never signs anything conflicting with what it
 * signed before the crash.
 *
 * The rules are Jolteon's 2-chain rules (as in Aptos' `safety-rules`), per epoch:
 *   S1 vote:    round > lastVotedRound
 *   S2 vote:    round = qc.round + 1, or round = tc.round + 1 and qc.round ≥ max(tc.highQcRounds)
 *   S3 timeout: round ≥ lastVotedRound (after a timeout, no vote in that round: S1 refuses it)
 *   S4 timeout: (round = highQc.round + 1 or round = tc.round + 1) and highQc.round ≥ preferredRound
 *   S5 epoch:   nothing is signed for an epoch other than the persisted one
 *   S6 propose: round > lastProposedRound (a leader restarted in its round never proposes twice)
 *
 * The data also carries the certificates the last signature relied on (`highQc`, `lastTc`),
 * so that a restarted replica can re-enter its round and time out there (S3, S4) even when
 * every replica restarted at once.
 */
import { type HashFn, RecordSchema, equalBytes, optional, u64 } from '../codec';
import {
  QuorumCertificate as QcType,
  TimeoutCertificate as TcType,
  type QuorumCertificate,
  type Timeout,
  type TimeoutCertificate,
  type Vote,
  Vote as VoteType,
  timeoutSigningPayload,
  voteSigningPayload,
} from '../types';
import { ConsensusError } from './errors';
import type { BlockHeader } from '../types';

export interface SafetyData {
  readonly epoch: bigint;
  /** The highest round this replica voted or timed out in (S1, S3). */
  readonly lastVotedRound: bigint;
  /** The highest QC round seen in a block voted for: the 2-chain lock (S4). */
  readonly preferredRound: bigint;
  /** The highest round this replica timed out in. */
  readonly highestTimeoutRound: bigint;
  /** The last vote, so a proposal seen again gets the same vote, never a second one. */
  readonly lastVote: Vote | null;
  /** The highest round this replica proposed in (S6). */
  readonly lastProposedRound: bigint;
  /** The highest QC the replica has relied on in this epoch (liveness after a restart). */
  readonly highQc: QuorumCertificate | null;
  /** The TC the replica last entered a round with. */
  readonly lastTc: TimeoutCertificate | null;
}

export const SafetyDataSchema = new RecordSchema<SafetyData>('SafetyData', {
  epoch: u64,
  lastVotedRound: u64,
  preferredRound: u64,
  highestTimeoutRound: u64,
  lastVote: optional(VoteType.schema.asField()),
  lastProposedRound: u64,
  highQc: optional(QcType.schema.asField()),
  lastTc: optional(TcType.schema.asField()),
});

export function initialSafetyData(epoch: bigint): SafetyData {
  return {
    epoch,
    lastVotedRound: 0n,
    preferredRound: 0n,
    highestTimeoutRound: 0n,
    lastVote: null,
    lastProposedRound: 0n,
    highQc: null,
    lastTc: null,
  };
}

export interface SafetyRulesDeps {
  readonly hash: HashFn;
  /** Signs with this validator's consensus key (the key never leaves the signer). */
  readonly sign: (payload: Uint8Array) => Uint8Array;
}

/** What a proposal offers to be voted on. */
export interface VoteProposal {
  readonly header: BlockHeader;
  readonly blockHash: Uint8Array;
  readonly qc: QuorumCertificate;
  readonly tc: TimeoutCertificate | null;
}

/** The interface the core uses; tests substitute a broken one to prove the checker sees it. */
export interface SafetyRulesApi {
  readonly data: SafetyData;
  enterEpoch(epoch: bigint): SafetyData;
  signProposal(
    header: BlockHeader,
    blockHash: Uint8Array,
  ): { signature: Uint8Array; data: SafetyData };
  signVote(proposal: VoteProposal, voter: bigint): { vote: Vote; data: SafetyData };
  signTimeout(
    epoch: bigint,
    round: bigint,
    highQc: QuorumCertificate,
    tc: TimeoutCertificate | null,
    voter: bigint,
  ): { timeout: Timeout; data: SafetyData };
}

const higher = (qc: QuorumCertificate, other: QuorumCertificate | null) =>
  other !== null && other.data.round > qc.data.round ? other : qc;

export class SafetyRules implements SafetyRulesApi {
  constructor(
    private readonly deps: SafetyRulesDeps,
    private state: SafetyData,
  ) {}

  /** The current safety data (what was last persisted, or is about to be). */
  get data(): SafetyData {
    return this.state;
  }

  /** Moves to a later epoch: rounds restart there (S5 keeps the old epoch closed). */
  enterEpoch(epoch: bigint): SafetyData {
    if (epoch < this.state.epoch) {
      throw new ConsensusError(
        'unsafe',
        `epoch ${epoch} is below safety epoch ${this.state.epoch}`,
      );
    }
    if (epoch > this.state.epoch) this.state = initialSafetyData(epoch);
    return this.state;
  }

  /** Signs this leader's block for its round, once (S6). */
  signProposal(
    header: BlockHeader,
    blockHash: Uint8Array,
  ): { signature: Uint8Array; data: SafetyData } {
    this.checkEpoch(header.epoch);
    // S6
    if (header.round <= this.state.lastProposedRound) {
      throw new ConsensusError(
        'unsafe',
        `round ${header.round} is not above last proposed round ${this.state.lastProposedRound}`,
      );
    }
    this.state = { ...this.state, lastProposedRound: header.round };
    return { signature: this.deps.sign(blockHash), data: this.state };
  }

  /**
   * Signs a vote for a block, or throws `unsafe` naming the rule. Voting again on the block
   * last voted for returns the same vote and leaves the data unchanged.
   */
  signVote(p: VoteProposal, voter: bigint): { vote: Vote; data: SafetyData } {
    const { epoch, round } = p.header;
    this.checkEpoch(epoch);
    const last = this.state.lastVote;
    if (last !== null && last.data.epoch === epoch && last.data.round === round) {
      if (equalBytes(last.data.blockHash, p.blockHash)) return { vote: last, data: this.state };
      throw new ConsensusError('unsafe', `already voted for another block in round ${round}`);
    }
    // S1
    if (round <= this.state.lastVotedRound) {
      throw new ConsensusError(
        'unsafe',
        `round ${round} is not above last voted round ${this.state.lastVotedRound}`,
      );
    }
    // S2
    const qcRound = p.qc.data.round;
    const direct = round === qcRound + 1n;
    const afterTc =
      p.tc !== null &&
      round === p.tc.round + 1n &&
      qcRound >= p.tc.highQcRounds.reduce((a, b) => (a > b ? a : b), 0n);
    if (!direct && !afterTc) {
      throw new ConsensusError(
        'unsafe',
        `round ${round} extends QC of round ${qcRound} without a TC that allows it`,
      );
    }
    const data = {
      chainId: p.header.chainId,
      epoch,
      round,
      height: p.header.height,
      blockHash: p.blockHash,
    };
    const vote: Vote = {
      data,
      voter,
      signature: this.deps.sign(voteSigningPayload(this.deps.hash, data)),
    };
    this.state = {
      ...this.state,
      lastVotedRound: round,
      preferredRound: qcRound > this.state.preferredRound ? qcRound : this.state.preferredRound,
      lastVote: vote,
      highQc: higher(p.qc, this.state.highQc),
      lastTc: p.tc ?? this.state.lastTc,
    };
    return { vote, data: this.state };
  }

  /** Signs a timeout for `round`, or throws `unsafe` naming the rule (S3, S4). */
  signTimeout(
    epoch: bigint,
    round: bigint,
    highQc: QuorumCertificate,
    tc: TimeoutCertificate | null,
    voter: bigint,
  ): { timeout: Timeout; data: SafetyData } {
    this.checkEpoch(epoch);
    // S3
    if (round < this.state.lastVotedRound) {
      throw new ConsensusError(
        'unsafe',
        `round ${round} is below last voted round ${this.state.lastVotedRound}`,
      );
    }
    // S4
    const qcRound = highQc.data.round;
    if (!(round === qcRound + 1n || (tc !== null && round === tc.round + 1n))) {
      throw new ConsensusError(
        'unsafe',
        `round ${round} follows neither QC round ${qcRound} nor a TC of round ${round - 1n}`,
      );
    }
    if (qcRound < this.state.preferredRound) {
      throw new ConsensusError(
        'unsafe',
        `high QC round ${qcRound} is below preferred round ${this.state.preferredRound}`,
      );
    }
    const data = { chainId: highQc.data.chainId, epoch, round, highQcRound: qcRound };
    const timeout: Timeout = {
      data,
      highQc,
      voter,
      signature: this.deps.sign(timeoutSigningPayload(this.deps.hash, data)),
    };
    this.state = {
      ...this.state,
      lastVotedRound: round > this.state.lastVotedRound ? round : this.state.lastVotedRound,
      highestTimeoutRound:
        round > this.state.highestTimeoutRound ? round : this.state.highestTimeoutRound,
      highQc: higher(highQc, this.state.highQc),
      lastTc: tc ?? this.state.lastTc,
    };
    return { timeout, data: this.state };
  }

  // S5
  private checkEpoch(epoch: bigint): void {
    if (epoch !== this.state.epoch) {
      throw new ConsensusError(
        'unsafe',
        `epoch ${epoch} is not the safety epoch ${this.state.epoch}`,
      );
    }
  }
}
