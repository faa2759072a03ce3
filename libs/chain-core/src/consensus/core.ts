/**
 * The consensus core (docs/spec/consensus.md): chained HotStuff with a 2-chain commit, as in
 * Jolteon / DiemBFT v4 / HotStuff-2. Sans-I/O: `handle(input)` updates the state and returns
 * the outputs for the runtime to carry out in order; no sockets, timers, clocks, files or
 * randomness in here. Comments of the form [R<n>] name the rule of consensus.md §3 a branch
 * implements; the safety rules S1–S6 are marked `// S<n>` in safety-rules.ts.
 */
import { type HashFn, equalBytes, toHex } from '../codec';
import {
  BlockHeader,
  type QuorumCertificate,
  type Timeout,
  type TimeoutCertificate,
  type Vote,
  bitmapOf,
  signersOf,
} from '../types';
import { blockHash } from './block-hash';
import { ConsensusError } from './errors';
import type {
  EpochRoot,
  EpochState,
  Equivocation,
  ExecutionResult,
  Input,
  Output,
  Payload,
} from './io';
import { type CommittedInfo, DEFAULT_REPUTATION, type ReputationParams, leaderOf } from './leader';
import { type ConsensusMessage, MAX_BLOCKS_PER_RESPONSE, type Proposal } from './messages';
import {
  type SafetyData,
  SafetyRules,
  type SafetyRulesApi,
  initialSafetyData,
} from './safety-rules';
import { type NodeId, ValidatorSet } from './validator-set';
import type { Verified } from './verify';

export interface PacemakerParams {
  /** The first timeout of a round after progress. */
  readonly baseTimeoutMs: number;
  /** Each consecutive failed round doubles the timeout, at most this many times. */
  readonly maxBackoffExponent: number;
}

export const DEFAULT_PACEMAKER: PacemakerParams = { baseTimeoutMs: 1000, maxBackoffExponent: 5 };

/** A committed block the core keeps (to serve peers that fetch ancestors). */
export interface CommittedBlock {
  readonly proposal: Proposal;
  readonly hash: Uint8Array;
  readonly result: ExecutionResult;
}

export interface CoreOptions {
  readonly chainId: string;
  readonly hash: HashFn;
  /** This replica's validator public key. */
  readonly publicKey: Uint8Array;
  readonly sign: (payload: Uint8Array) => Uint8Array;
  /** Every epoch known, oldest first; the last is the current one. */
  readonly epochs: readonly EpochState[];
  /** For each ended epoch, the QC that committed its last block (to help laggards over). */
  readonly epochEndQcs?: ReadonlyMap<bigint, QuorumCertificate>;
  /** What was persisted before a restart; absent on first start. */
  readonly safetyData?: SafetyData;
  /**
   * The newest committed blocks, oldest first, from the current epoch's root on (or the
   * newest `retainCommitted` of them). Empty on a fresh start: the epoch root is the head.
   */
  readonly committed?: readonly CommittedBlock[];
  /** The QC of the newest committed block (from the last `commit` output), if any. */
  readonly committedQc?: QuorumCertificate;
  readonly pacemaker?: PacemakerParams;
  readonly reputation?: ReputationParams;
  /** Committed blocks kept in memory for peers' block requests. */
  readonly retainCommitted?: number;
  /** Tests only: substitute safety rules (to prove the simulator notices broken ones). */
  readonly safetyRules?: (
    deps: { hash: HashFn; sign: (p: Uint8Array) => Uint8Array },
    data: SafetyData,
  ) => SafetyRulesApi;
}

interface Block {
  readonly proposal: Proposal;
  readonly hash: Uint8Array;
  readonly id: string;
  readonly parentId: string;
  readonly header: BlockHeader;
  result: ExecutionResult | null;
  /** This block, or an ancestor in the epoch, changed the validator set: no payload after it. */
  endsEpoch: boolean;
}

interface Waiting {
  readonly proposal: Proposal;
  readonly live: boolean;
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);

export class ConsensusCore {
  private readonly hash: HashFn;
  private readonly chainId: string;
  private readonly self: NodeId;
  private readonly pacemaker: PacemakerParams;
  private readonly reputation: ReputationParams;
  private readonly retain: number;
  private readonly safety: SafetyRulesApi;

  private readonly epochs = new Map<bigint, EpochState>();
  private readonly epochEndQcs: Map<bigint, QuorumCertificate>;
  private epoch!: EpochState;
  private myIndex: number | undefined;

  /** Uncommitted blocks and the newest committed one (the tree's root). */
  private blocks = new Map<string, Block>();
  private committedHead!: Block;
  /**
   * Blocks kept to answer block requests once out of the tree: committed ones, and those that
   * carry an ended epoch's commit proof. By id, oldest first in `committedOrder`.
   */
  private readonly committedBlocks = new Map<string, Block>();
  private readonly committedOrder: string[] = [];
  private history: CommittedInfo[] = [];

  private round = 0n;
  private highQc!: QuorumCertificate;
  /** The TC of round − 1 when this round was entered by a timeout certificate. */
  private lastTc: TimeoutCertificate | null = null;
  /**
   * [R16] The QC that proved our last commit, sent with timeouts and syncs: a replica behind
   * in commits catches up, and then names the same leaders (reputation reads commits).
   */
  private commitQc: QuorumCertificate | null = null;
  private myTimeout: Timeout | null = null;
  private proposedRound = 0n;
  private wantPropose = false;

  private readonly certified = new Map<string, QuorumCertificate>();
  private readonly votes = new Map<bigint, Map<string, Map<bigint, Vote>>>();
  private readonly votesByVoter = new Map<string, Vote>();
  private readonly formedQcRounds = new Set<bigint>();
  private readonly timeouts = new Map<bigint, Map<bigint, Timeout>>();
  private readonly proposalsSeen = new Map<string, Proposal>();
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly requested = new Set<string>();
  private readonly evidenceSeen = new Set<string>();
  private readonly evidenceList: Equivocation[] = [];

  private out: Output[] = [];

  constructor(options: CoreOptions) {
    this.hash = options.hash;
    this.chainId = options.chainId;
    this.self = toHex(options.publicKey);
    this.pacemaker = options.pacemaker ?? DEFAULT_PACEMAKER;
    this.reputation = options.reputation ?? DEFAULT_REPUTATION;
    this.retain = options.retainCommitted ?? 1024;
    this.epochEndQcs = new Map(options.epochEndQcs ?? []);
    if (options.epochs.length === 0) throw new ConsensusError('invariant', 'no epoch to start in');
    for (const e of options.epochs) this.epochs.set(e.validators.epoch, e);
    const current = options.epochs[options.epochs.length - 1]!;
    const deps = { hash: options.hash, sign: options.sign };
    let data = options.safetyData ?? initialSafetyData(current.validators.epoch);
    // Crashed after persisting a new epoch but before its fresh safety data: start it now.
    if (data.epoch < current.validators.epoch) data = initialSafetyData(current.validators.epoch);
    if (data.epoch > current.validators.epoch) {
      throw new ConsensusError(
        'invariant',
        `safety data of epoch ${data.epoch} but the newest known epoch is ${current.validators.epoch}`,
      );
    }
    this.safety = options.safetyRules
      ? options.safetyRules(deps, data)
      : new SafetyRules(deps, data);
    this.startEpoch(current, options.committed ?? [], options.committedQc);
  }

  // ---------------------------------------------------------------- public API

  handle(input: Input): Output[] {
    this.out = [];
    switch (input.kind) {
      case 'start':
        this.armTimer();
        this.maybePropose();
        break;
      case 'message':
        this.onMessage(input.from, input.message);
        break;
      case 'timer':
        if (input.epoch === this.epoch.validators.epoch && input.round === this.round) {
          this.localTimeout();
        }
        break;
      case 'payload':
        this.onPayload(input.epoch, input.round, input.payload);
        break;
      case 'executed':
        this.onExecuted(toHex(input.blockHash), input.result);
        break;
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  /** The validator sets this replica knows (for `MessageVerifier`). */
  epochState(epoch: bigint): EpochState | undefined {
    return this.epochs.get(epoch);
  }

  get currentEpoch(): EpochState {
    return this.epoch;
  }

  get currentRound(): bigint {
    return this.round;
  }

  /** Whether the current round was entered through a timeout certificate (a view change). */
  get roundEnteredByTimeout(): boolean {
    return this.lastTc !== null;
  }

  get committedHeight(): bigint {
    return this.committedHead.header.height;
  }

  /** Equivocations detected so far (also emitted once each as `evidence`). */
  get evidence(): readonly Equivocation[] {
    return this.evidenceList;
  }

  /** Index of the leader of `round` in the current epoch, as this replica sees it. */
  leader(round: bigint): number {
    return leaderOf(this.epoch.validators, round, this.history, this.reputation);
  }

  // ---------------------------------------------------------------- epochs

  private startEpoch(
    state: EpochState,
    committed: readonly CommittedBlock[],
    committedQc: QuorumCertificate | undefined,
  ): void {
    this.epoch = state;
    this.epochs.set(state.validators.epoch, state);
    this.myIndex = state.validators.indexOf(this.self);
    const rootQc = this.rootQc(state);
    this.history = [];
    const root = this.makeBlock(
      { header: state.root.header, qc: rootQc, tc: null, signature: new Uint8Array(64) },
      state.root.hash,
      state.root.result,
    );
    this.committedHead = root;
    for (const c of committed) {
      const block = this.makeBlock(c.proposal, c.hash, c.result);
      this.rememberCommitted(block); // the root's own signed proposal, if given, is served
      if (c.proposal.header.height <= root.header.height) continue;
      this.committedHead = block;
      if (block.header.epoch === state.validators.epoch) this.recordHistory(block);
    }
    this.rememberCommitted(root);
    this.blocks = new Map([[this.committedHead.id, this.committedHead]]);
    this.highQc =
      committedQc && committedQc.data.epoch === state.validators.epoch ? committedQc : rootQc;
    this.round = 0n;
    this.lastTc = null;
    this.commitQc = null;
    this.myTimeout = null;
    this.proposedRound = 0n;
    this.votes.clear();
    this.votesByVoter.clear();
    this.formedQcRounds.clear();
    this.timeouts.clear();
    this.certified.clear();
    this.waiting.clear();
    this.requested.clear();
    const data = this.safety.data;
    if (data.epoch === state.validators.epoch) {
      if (data.highQc && data.highQc.data.round > this.highQc.data.round) this.highQc = data.highQc;
      if (data.lastTc) this.lastTc = data.lastTc;
      this.proposedRound = data.lastProposedRound;
    }
    this.round = maxBig(this.highQc.data.round, this.lastTc?.round ?? 0n) + 1n;
    if (this.lastTc && this.lastTc.round + 1n !== this.round) this.lastTc = null;
  }

  /** The unsigned round-0 QC of an epoch's root block. */
  private rootQc(state: EpochState): QuorumCertificate {
    return {
      data: {
        chainId: this.chainId,
        epoch: state.validators.epoch,
        round: 0n,
        height: state.root.header.height,
        blockHash: state.root.hash,
      },
      signers: new Uint8Array(),
      signatures: [],
    };
  }

  /** [R9] The block that changed the validator set committed: the next epoch starts on it. */
  private enterNextEpoch(last: Block, commitQc: QuorumCertificate): void {
    const next = last.result!.nextValidators!;
    const epoch = this.epoch.validators.epoch + 1n;
    this.epochEndQcs.set(this.epoch.validators.epoch, commitQc);
    const root: EpochRoot = { header: last.header, hash: last.hash, result: last.result! };
    const state: EpochState = { validators: new ValidatorSet(epoch, next), root };
    // Peers still in this epoch will ask for the blocks up to the one `commitQc` certifies.
    for (let b = this.blocks.get(toHex(commitQc.data.blockHash)); b && b !== last;) {
      this.rememberCommitted(b);
      b = this.blocks.get(b.parentId);
    }
    this.out.push({ kind: 'new-epoch', state });
    const data = this.safety.enterEpoch(epoch);
    this.out.push({ kind: 'persist-safety', data });
    this.startEpoch(state, [], undefined);
    this.armTimer();
    this.maybePropose();
  }

  // ---------------------------------------------------------------- messages

  private onMessage(from: NodeId, message: Verified<ConsensusMessage>): void {
    switch (message.kind) {
      case 'proposal':
        if (this.olderEpoch(from, message.header.epoch)) return;
        this.onProposal(from, message, true);
        return;
      case 'vote':
        if (this.olderEpoch(from, message.data.epoch)) return;
        this.onVote(from, message);
        return;
      case 'timeout':
        if (this.olderEpoch(from, message.timeout.data.epoch)) return;
        if (message.commitQc) this.processQc(message.commitQc, from);
        if (message.timeout.data.epoch !== this.epoch.validators.epoch) return;
        this.onTimeout(from, message.timeout, message.lastTc);
        return;
      case 'sync':
        // [R10] Certificates of our epoch from a peer ahead of us (another epoch's are of no use).
        if (message.commitQc) this.processQc(message.commitQc, from);
        this.processQc(message.qc, from);
        if (message.tc) this.processTc(message.tc, from);
        return;
      case 'block-request':
        this.onBlockRequest(from, message.hash, message.count);
        return;
      case 'block-response':
        this.onBlockResponse(from, message.blocks);
        return;
    }
  }

  /**
   * [R10] A message of an epoch this replica has left: the sender is behind. Answer with the
   * QC that committed that epoch's last block, from which it can follow into the next.
   */
  private olderEpoch(from: NodeId, epoch: bigint): boolean {
    if (epoch >= this.epoch.validators.epoch) return false;
    const qc = this.epochEndQcs.get(epoch);
    if (qc) {
      this.out.push({
        kind: 'send',
        to: from,
        message: { kind: 'sync', qc, tc: null, commitQc: null },
      });
    }
    return true;
  }

  // ---------------------------------------------------------------- proposals

  private onProposal(from: NodeId, proposal: Proposal, live: boolean): void {
    const { header } = proposal;
    const hash = blockHash(this.hash, header);
    const id = toHex(hash);
    if (live) {
      // [R1] One block per leader per round: a second one is evidence, and never voted for.
      const key = `${header.epoch}/${header.round}/${header.proposer}`;
      const seen = this.proposalsSeen.get(key);
      if (seen === undefined) {
        this.proposalsSeen.set(key, proposal);
      } else if (!equalBytes(blockHash(this.hash, seen.header), hash)) {
        this.recordEvidence({
          kind: 'double-proposal',
          validator: this.epoch.validators.ids[Number(header.proposer)]!,
          first: seen,
          second: proposal,
        });
        live = false;
      }
    }
    // [R4] Certificates carried by any block advance the replica (and may commit).
    this.processQc(proposal.qc, from);
    if (proposal.tc) this.processTc(proposal.tc, from);
    if (header.epoch !== this.epoch.validators.epoch) return; // the commit ended the epoch
    // [R2] Only the round's leader may propose (fetched blocks are certified, so they pass).
    if (live && Number(header.proposer) !== this.leader(header.round)) return;
    if (this.blocks.has(id)) {
      if (live) this.maybeVote(this.blocks.get(id)!);
      return;
    }
    if (header.height <= this.committedHead.header.height) return;
    const parentId = toHex(header.parentHash);
    const parent = this.blocks.get(parentId);
    if (parent === undefined || parent.result === null) {
      this.wait(parentId, { proposal, live });
      if (parent === undefined) this.requestBlocks(from, header.parentHash, header.height);
      return;
    }
    this.insert(parent, proposal, hash, live);
  }

  private wait(parentId: string, w: Waiting): void {
    const list = this.waiting.get(parentId) ?? [];
    if (list.length < 16) list.push(w);
    this.waiting.set(parentId, list);
  }

  /** [R3] Validity of a block against its parent, then into the tree and off to execution. */
  private insert(parent: Block, proposal: Proposal, hash: Uint8Array, live: boolean): void {
    const { header } = proposal;
    const result = parent.result!;
    const emptyAfterEnd =
      !parent.endsEpoch || (header.batchDigests.length === 0 && header.txCount === 0n);
    const valid =
      header.height === parent.header.height + 1n &&
      proposal.qc.data.round === this.roundOf(parent) &&
      header.round > this.roundOf(parent) &&
      header.timestampMs > parent.header.timestampMs &&
      equalBytes(header.stateRoot, result.stateRoot) &&
      equalBytes(header.receiptRoot, result.receiptRoot) &&
      header.receiptCount === result.receiptCount &&
      emptyAfterEnd;
    if (!valid) return;
    const block = this.makeBlock(proposal, hash, null);
    block.endsEpoch = parent.endsEpoch;
    this.blocks.set(block.id, block);
    this.out.push({ kind: 'execute', block: proposal, hash });
    const qc = this.certified.get(block.id);
    if (qc) this.onCertified(block, qc);
    if (live) this.maybeVote(block);
    this.releaseWaiting(block);
  }

  private releaseWaiting(block: Block): void {
    if (block.result === null) return;
    const list = this.waiting.get(block.id);
    if (!list) return;
    this.waiting.delete(block.id);
    for (const w of list) {
      const hash = blockHash(this.hash, w.proposal.header);
      if (!this.blocks.has(toHex(hash))) this.insert(block, w.proposal, hash, w.live);
    }
  }

  private onExecuted(id: string, result: ExecutionResult): void {
    const block = this.blocks.get(id);
    if (block === undefined || block.result !== null) return;
    block.result = result;
    if (result.nextValidators !== null && block.header.epoch === this.epoch.validators.epoch) {
      block.endsEpoch = true;
    }
    this.releaseWaiting(block);
    if (this.wantPropose && equalBytes(block.hash, this.highQc.data.blockHash)) this.maybePropose();
    const qc = this.certified.get(id);
    if (qc) this.onCertified(block, qc);
    // A certified child waited for this block's result to commit it.
    for (const child of this.blocks.values()) {
      const childQc = child.parentId === id ? this.certified.get(child.id) : undefined;
      if (childQc) this.onCertified(child, childQc);
    }
  }

  // ---------------------------------------------------------------- voting

  /** [R5] Vote for the current round's block, through the safety rules, to the next leader. */
  private maybeVote(block: Block): void {
    if (this.myIndex === undefined || block.header.round !== this.round) return;
    if (this.myTimeout !== null) return; // timed out in this round: no vote (S3 would refuse)
    if (block.header.epoch !== this.epoch.validators.epoch) return;
    let signed;
    try {
      signed = this.safety.signVote(
        {
          header: block.header,
          blockHash: block.hash,
          qc: block.proposal.qc,
          tc: block.proposal.tc,
        },
        BigInt(this.myIndex),
      );
    } catch (error) {
      if (error instanceof ConsensusError && error.code === 'unsafe') return;
      throw error;
    }
    this.out.push({ kind: 'persist-safety', data: signed.data });
    const next = this.epoch.validators.ids[this.leader(this.round + 1n)]!;
    if (next === this.self) this.onVote(this.self, signed.vote);
    else this.out.push({ kind: 'send', to: next, message: { kind: 'vote', ...signed.vote } });
  }

  /** [R6] Votes of a quorum for one block of a round form its QC. */
  private onVote(from: NodeId, vote: Vote): void {
    const { round } = vote.data;
    const voterKey = `${vote.data.epoch}/${round}/${vote.voter}`;
    const previous = this.votesByVoter.get(voterKey);
    if (previous && !equalBytes(previous.data.blockHash, vote.data.blockHash)) {
      this.recordEvidence({
        kind: 'double-vote',
        validator: this.epoch.validators.ids[Number(vote.voter)]!,
        first: previous,
        second: vote,
      });
      return;
    }
    if (round <= this.highQc.data.round || this.formedQcRounds.has(round)) return;
    if (round + 1n < this.round) return;
    this.votesByVoter.set(voterKey, vote);
    const byBlock = this.votes.get(round) ?? new Map<string, Map<bigint, Vote>>();
    this.votes.set(round, byBlock);
    // Votes count together only when they signed the same data (a vote naming the right
    // block with a wrong height must not poison the QC the others form).
    const id = `${toHex(vote.data.blockHash)}/${vote.data.height}`;
    const voters = byBlock.get(id) ?? new Map<bigint, Vote>();
    byBlock.set(id, voters);
    voters.set(vote.voter, vote);
    if (voters.size < this.epoch.validators.quorum) return;
    const sorted = [...voters.values()].sort((a, b) => (a.voter < b.voter ? -1 : 1));
    const qc: QuorumCertificate = {
      data: vote.data,
      signers: bitmapOf(sorted.map((v) => Number(v.voter))),
      signatures: sorted.map((v) => v.signature),
    };
    this.formedQcRounds.add(round);
    this.processQc(qc, from);
  }

  /**
   * [R4] A QC: raise the high QC, enter the next round, and apply the commit rule once the
   * certified block is known. [R8] An unknown block is fetched from the sender.
   */
  private processQc(qc: QuorumCertificate, from: NodeId): void {
    if (qc.data.epoch !== this.epoch.validators.epoch) return;
    const id = toHex(qc.data.blockHash);
    if (qc.data.round > this.highQc.data.round) this.highQc = qc;
    if (qc.data.height > this.committedHead.header.height) {
      const block = this.blocks.get(id);
      if (!this.certified.has(id)) {
        this.certified.set(id, qc);
        if (block) this.onCertified(block, qc);
      }
      if (!block) this.requestBlocks(from, qc.data.blockHash, qc.data.height);
    }
    if (qc.data.epoch !== this.epoch.validators.epoch) return; // the commit ended the epoch
    if (qc.data.round + 1n > this.round) this.enterRound(qc.data.round + 1n, null);
  }

  /**
   * [R7] The 2-chain commit rule: a QC for block B whose parent P has round B.round − 1
   * commits P and its uncommitted ancestors. Blocks after an epoch's last block are never
   * committed in that epoch [R9].
   */
  private onCertified(block: Block, qc: QuorumCertificate): void {
    const parent = this.blocks.get(block.parentId);
    if (parent === undefined || parent === this.committedHead) return;
    if (this.roundOf(parent) + 1n !== block.header.round) return;
    if (parent.header.height <= this.committedHead.header.height) return;
    if (parent.result === null) return; // committed once executed (onExecuted retries)
    this.commit(parent, block.proposal.qc, qc);
  }

  private commit(target: Block, targetQc: QuorumCertificate, commitQc: QuorumCertificate): void {
    const chain: Block[] = [];
    let cursor: Block | undefined = target;
    while (cursor && cursor !== this.committedHead) {
      chain.push(cursor);
      cursor = this.blocks.get(cursor.parentId);
    }
    if (cursor !== this.committedHead) {
      throw new ConsensusError(
        'invariant',
        `block ${target.header.height} to commit does not extend committed block ${this.committedHead.header.height}`,
      );
    }
    chain.reverse();
    // [R9] Stop at the epoch's last block: what follows it in this epoch is never committed.
    const endIndex = chain.findIndex((b) => b.result?.nextValidators != null);
    const blocks = endIndex >= 0 ? chain.slice(0, endIndex + 1) : chain;
    const last = blocks[blocks.length - 1]!;
    if (blocks.some((b) => b.result === null)) return;
    // The QC of `last` is inside its child: the next block of the chain, or the certified block.
    const lastQc = last === target ? targetQc : chain[blocks.length]!.proposal.qc;
    this.out.push({
      kind: 'commit',
      blocks: blocks.map((b) => b.proposal),
      hashes: blocks.map((b) => b.hash),
      qc: lastQc,
      commitQc,
    });
    for (const b of blocks) {
      this.rememberCommitted(b);
      this.recordHistory(b);
    }
    this.commitQc = commitQc;
    this.committedHead = last;
    this.prune();
    if (last.result!.nextValidators !== null) this.enterNextEpoch(last, commitQc);
  }

  // ---------------------------------------------------------------- pacemaker

  /** [R11] Enter a round on a QC or TC of the round before; arm its timer; lead if leader. */
  private enterRound(round: bigint, tc: TimeoutCertificate | null): void {
    if (round <= this.round) return;
    this.round = round;
    this.lastTc = tc;
    this.myTimeout = null;
    this.wantPropose = false;
    this.requested.clear();
    for (const r of this.votes.keys()) if (r + 1n < round) this.votes.delete(r);
    for (const r of this.timeouts.keys()) if (r < round) this.timeouts.delete(r);
    for (const r of this.formedQcRounds) if (r + 2n < round) this.formedQcRounds.delete(r);
    this.armTimer();
    this.maybePropose();
  }

  /** [R12] Exponential backoff: the timeout doubles with each round since the last QC. */
  private armTimer(): void {
    const failed = this.round - this.highQc.data.round - 1n;
    const exponent = Math.min(Number(failed < 0n ? 0n : failed), this.pacemaker.maxBackoffExponent);
    this.out.push({
      kind: 'set-timer',
      epoch: this.epoch.validators.epoch,
      round: this.round,
      afterMs: this.pacemaker.baseTimeoutMs * 2 ** exponent,
    });
  }

  /** [R13] The round's timer fired: sign a timeout once (S3, S4), broadcast it, re-arm. */
  private localTimeout(): void {
    this.requested.clear(); // block requests lost on the way are retried once per timer
    if (this.myIndex === undefined) {
      this.armTimer();
      return;
    }
    if (this.myTimeout === null) {
      try {
        const signed = this.safety.signTimeout(
          this.epoch.validators.epoch,
          this.round,
          this.highQc,
          this.lastTc,
          BigInt(this.myIndex),
        );
        this.out.push({ kind: 'persist-safety', data: signed.data });
        this.myTimeout = signed.timeout;
      } catch (error) {
        if (!(error instanceof ConsensusError && error.code === 'unsafe')) throw error;
      }
    }
    if (this.myTimeout !== null) {
      const timeout = this.myTimeout;
      this.out.push({
        kind: 'broadcast',
        message: { kind: 'timeout', timeout, lastTc: this.lastTc, commitQc: this.commitQc },
      });
      this.addTimeout(timeout, this.self);
    }
    this.armTimer();
  }

  /** [R14] Timeouts: f + 1 for our round make us time out too; a quorum forms the TC. */
  private onTimeout(from: NodeId, timeout: Timeout, lastTc: TimeoutCertificate | null): void {
    if (lastTc) this.processTc(lastTc, from);
    this.processQc(timeout.highQc, from);
    if (timeout.data.epoch !== this.epoch.validators.epoch) return; // the commit ended the epoch
    if (timeout.data.round < this.round) {
      // The sender is behind: tell it how we got here.
      this.out.push({
        kind: 'send',
        to: from,
        message: { kind: 'sync', qc: this.highQc, tc: this.lastTc, commitQc: this.commitQc },
      });
      return;
    }
    this.addTimeout(timeout, from);
  }

  /** [R14] Count a timeout; f + 1 make us join, a quorum forms the TC. */
  private addTimeout(timeout: Timeout, from: NodeId): void {
    const { round } = timeout.data;
    if (round < this.round) return;
    const byVoter = this.timeouts.get(round) ?? new Map<bigint, Timeout>();
    this.timeouts.set(round, byVoter);
    const existing = byVoter.get(timeout.voter);
    if (existing && existing.data.highQcRound >= timeout.data.highQcRound) return;
    byVoter.set(timeout.voter, timeout);
    const { maxFaulty, quorum } = this.epoch.validators;
    if (round === this.round && this.myTimeout === null && byVoter.size >= maxFaulty + 1) {
      this.localTimeout();
      return; // localTimeout added ours and re-entered here
    }
    if (byVoter.size < quorum) return;
    const sorted = [...byVoter.values()].sort((a, b) => (a.voter < b.voter ? -1 : 1));
    const highQc = sorted.reduce(
      (best, t) => (t.highQc.data.round > best.data.round ? t.highQc : best),
      sorted[0]!.highQc,
    );
    const tc: TimeoutCertificate = {
      chainId: this.chainId,
      epoch: timeout.data.epoch,
      round,
      signers: bitmapOf(sorted.map((t) => Number(t.voter))),
      highQcRounds: sorted.map((t) => t.data.highQcRound),
      signatures: sorted.map((t) => t.signature),
      highQc,
    };
    this.processTc(tc, from);
  }

  /** [R11] A TC of round r ≥ ours: take its high QC and enter round r + 1. */
  private processTc(tc: TimeoutCertificate, from: NodeId): void {
    if (tc.epoch !== this.epoch.validators.epoch) return;
    this.processQc(tc.highQc, from);
    if (tc.epoch !== this.epoch.validators.epoch) return; // the commit ended the epoch
    if (tc.round + 1n > this.round) this.enterRound(tc.round + 1n, tc);
  }

  // ---------------------------------------------------------------- proposing

  /** [R15] The leader extends its high QC, once its block is executed, with a payload. */
  private maybePropose(): void {
    if (this.myIndex === undefined || this.leader(this.round) !== this.myIndex) return;
    if (this.proposedRound >= this.round) return;
    const parent = this.blocks.get(toHex(this.highQc.data.blockHash));
    if (parent === undefined || parent.result === null) {
      this.wantPropose = true;
      return;
    }
    this.wantPropose = false;
    this.out.push({
      kind: 'request-payload',
      epoch: this.epoch.validators.epoch,
      round: this.round,
      height: parent.header.height + 1n,
      parentHash: parent.hash,
      allowed: !parent.endsEpoch,
    });
  }

  /** [R15] The payload arrived: build, sign (S6), broadcast and process our own block. */
  private onPayload(epoch: bigint, round: bigint, payload: Payload): void {
    if (epoch !== this.epoch.validators.epoch || round !== this.round) return;
    if (this.myIndex === undefined || this.proposedRound >= round) return;
    const parent = this.blocks.get(toHex(this.highQc.data.blockHash));
    if (parent === undefined || parent.result === null) return;
    const empty = parent.endsEpoch;
    if (empty && (payload.batchDigests.length > 0 || payload.txCount > 0n)) return;
    const tc = this.highQc.data.round + 1n === round ? null : this.lastTc;
    if (tc === null && this.highQc.data.round + 1n !== round) return;
    const header: BlockHeader = {
      chainId: this.chainId,
      height: parent.header.height + 1n,
      epoch,
      round,
      parentHash: parent.hash,
      proposer: BigInt(this.myIndex),
      batchDigests: payload.batchDigests,
      txCount: payload.txCount,
      txRoot: payload.txRoot,
      receiptCount: parent.result.receiptCount,
      receiptRoot: parent.result.receiptRoot,
      stateRoot: parent.result.stateRoot,
      timestampMs: maxBig(payload.timestampMs, parent.header.timestampMs + 1n),
    };
    const hash = blockHash(this.hash, header);
    let signed;
    try {
      signed = this.safety.signProposal(header, hash);
    } catch (error) {
      if (error instanceof ConsensusError && error.code === 'unsafe') return;
      throw error;
    }
    this.proposedRound = round;
    this.out.push({ kind: 'persist-safety', data: signed.data });
    const proposal: Proposal = { header, qc: this.highQc, tc, signature: signed.signature };
    this.out.push({ kind: 'broadcast', message: { kind: 'proposal', ...proposal } });
    this.onProposal(this.self, proposal, true);
  }

  // ---------------------------------------------------------------- fetching ancestors

  /** [R8] Ask `from` for a block we lack and its ancestors down to what we have. */
  private requestBlocks(from: NodeId, hash: Uint8Array, height: bigint): void {
    const id = toHex(hash);
    if (from === this.self || this.requested.has(id) || this.blocks.has(id)) return;
    this.requested.add(id);
    const missing = height - this.committedHead.header.height;
    const count =
      missing < 1n
        ? 1n
        : missing > BigInt(MAX_BLOCKS_PER_RESPONSE)
          ? BigInt(MAX_BLOCKS_PER_RESPONSE)
          : missing;
    this.out.push({ kind: 'send', to: from, message: { kind: 'block-request', hash, count } });
  }

  private onBlockRequest(from: NodeId, hash: Uint8Array, count: bigint): void {
    const blocks: Proposal[] = [];
    let id = toHex(hash);
    while (blocks.length < Number(count)) {
      const block = this.committedBlocks.get(id) ?? this.blocks.get(id);
      if (block === undefined || block.header.height === 0n) break;
      if (block.proposal.signature.every((b) => b === 0)) break; // an epoch root we did not get signed
      blocks.push(block.proposal);
      id = block.parentId;
    }
    if (blocks.length > 0) {
      this.out.push({ kind: 'send', to: from, message: { kind: 'block-response', blocks } });
    }
  }

  private onBlockResponse(from: NodeId, blocks: readonly Proposal[]): void {
    for (const p of blocks) this.requested.delete(toHex(blockHash(this.hash, p.header)));
    for (let i = blocks.length - 1; i >= 0; i--) {
      const p = blocks[i]!;
      if (p.header.epoch !== this.epoch.validators.epoch) continue;
      this.onProposal(from, p, false);
    }
  }

  // ---------------------------------------------------------------- bookkeeping

  /** A block's round in the current epoch: the epoch's root counts as round 0. */
  private roundOf(block: Block): bigint {
    return block.header.epoch === this.epoch.validators.epoch &&
      !equalBytes(block.hash, this.epoch.root.hash)
      ? block.header.round
      : 0n;
  }

  private makeBlock(proposal: Proposal, hash: Uint8Array, result: ExecutionResult | null): Block {
    return {
      proposal,
      hash,
      id: toHex(hash),
      parentId: toHex(proposal.header.parentHash),
      header: proposal.header,
      result,
      endsEpoch: false,
    };
  }

  private rememberCommitted(block: Block): void {
    if (this.committedBlocks.has(block.id)) return;
    this.committedBlocks.set(block.id, block);
    this.committedOrder.push(block.id);
    while (this.committedOrder.length > this.retain) {
      this.committedBlocks.delete(this.committedOrder.shift()!);
    }
  }

  private recordHistory(block: Block): void {
    if (block.header.height === this.epoch.root.header.height) return;
    this.history.push({
      round: block.header.round,
      proposer: Number(block.header.proposer),
      voters: signersOf(block.proposal.qc.signers),
    });
    if (this.history.length > 4 * this.reputation.window + 64) {
      this.history = this.history.slice(-2 * this.reputation.window - 32);
    }
  }

  /** Drop blocks that can no longer be committed (not descendants of the committed head). */
  private prune(): void {
    const head = this.committedHead;
    const keep = new Map<string, Block>([[head.id, head]]);
    const byHeight = [...this.blocks.values()]
      .filter((b) => b.header.height > head.header.height)
      .sort((a, b) => (a.header.height < b.header.height ? -1 : 1));
    for (const b of byHeight) if (keep.has(b.parentId)) keep.set(b.id, b);
    this.blocks = keep;
    for (const id of this.certified.keys()) {
      const qc = this.certified.get(id)!;
      if (qc.data.height <= head.header.height) this.certified.delete(id);
    }
    for (const [key] of this.proposalsSeen) {
      const round = BigInt(key.split('/')[1]!);
      if (round + 64n < this.round) this.proposalsSeen.delete(key);
    }
    for (const [key] of this.votesByVoter) {
      const round = BigInt(key.split('/')[1]!);
      if (round + 64n < this.round) this.votesByVoter.delete(key);
    }
    for (const id of this.waiting.keys()) {
      const list = this.waiting.get(id)!;
      if (list.every((w) => w.proposal.header.height <= head.header.height))
        this.waiting.delete(id);
    }
  }

  private recordEvidence(evidence: Equivocation): void {
    const round =
      evidence.kind === 'double-vote' ? evidence.first.data.round : evidence.first.header.round;
    const epoch =
      evidence.kind === 'double-vote' ? evidence.first.data.epoch : evidence.first.header.epoch;
    const key = `${evidence.kind}/${evidence.validator}/${epoch}/${round}`;
    if (this.evidenceSeen.size >= 65_536) this.evidenceSeen.clear();
    if (this.evidenceSeen.has(key)) return;
    this.evidenceSeen.add(key);
    this.evidenceList.push(evidence);
    this.out.push({ kind: 'evidence', evidence });
  }
}
