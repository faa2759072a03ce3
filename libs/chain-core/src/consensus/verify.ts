/**
 * The network edge (docs/spec/consensus.md §2): every message is checked here — stateless
 * checks, signer indexes, signatures, quorums of certificates against their epoch's validator
 * set — before the core sees it. The core accepts only `Verified<ConsensusMessage>`, which
 * only `MessageVerifier.verify` makes.
 */
import { CodecError, type HashFn, equalBytes, toHex } from '../codec';
import {
  type QuorumCertificate,
  type TimeoutCertificate,
  type TimeoutData,
  type VoteData,
  QuorumCertificate as QcType,
  signersOf,
  timeoutSigningPayload,
  voteSigningPayload,
} from '../types';
import { blockHash } from './block-hash';
import { ConsensusError } from './errors';
import type { EpochState } from './io';
import { type ConsensusMessage, type Proposal, validateMessageBasic } from './messages';

declare const verified: unique symbol;
/** A value that passed `MessageVerifier.verify`. */
export type Verified<T> = T & { readonly [verified]: true };

export interface VerifierDeps {
  readonly chainId: string;
  readonly hash: HashFn;
  readonly verifySignature: (
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ) => boolean;
  /** The validator set and root of an epoch this replica knows, else undefined. */
  readonly epoch: (epoch: bigint) => EpochState | undefined;
}

const fail = (message: string): never => {
  throw new ConsensusError('invalid-message', message);
};

/** Remembers the hashes of certificates already verified, so each is checked once. */
const CACHE_SIZE = 1024;

export class MessageVerifier {
  private readonly verifiedQcs = new Set<string>();
  /** Certificate objects already verified (immutable values: one decoded message's parts). */
  private readonly verifiedObjects = new WeakSet<object>();

  constructor(private readonly deps: VerifierDeps) {}

  /** Checks `message` completely; throws ConsensusError (`invalid-message`, `unknown-epoch`). */
  verify(message: ConsensusMessage): Verified<ConsensusMessage> {
    try {
      validateMessageBasic(message);
    } catch (error) {
      if (error instanceof CodecError) fail(error.message);
      throw error;
    }
    switch (message.kind) {
      case 'proposal':
        this.proposal(message);
        break;
      case 'vote': {
        const { validators } = this.epochState(message.data.epoch, message.data.chainId);
        const key = validators.publicKey(message.voter) ?? fail(`no validator ${message.voter}`);
        this.signature(key, this.votePayload(message.data), message.signature, 'vote');
        break;
      }
      case 'timeout': {
        const { timeout, lastTc, commitQc } = message;
        const { validators } = this.epochState(timeout.data.epoch, timeout.data.chainId);
        const key = validators.publicKey(timeout.voter) ?? fail(`no validator ${timeout.voter}`);
        this.signature(key, this.timeoutPayload(timeout.data), timeout.signature, 'timeout');
        this.qc(timeout.highQc);
        if (lastTc !== null) this.tc(lastTc);
        if (commitQc !== null) this.qc(commitQc);
        break;
      }
      case 'block-request':
        break;
      case 'block-response':
        for (const p of message.blocks) this.proposal(p);
        message.blocks.forEach((p, i) => {
          const older = message.blocks[i + 1];
          if (older && !equalBytes(p.header.parentHash, blockHash(this.deps.hash, older.header))) {
            fail(`block ${i + 1} of the response is not the parent of block ${i}`);
          }
        });
        break;
      case 'sync':
        this.qc(message.qc);
        if (message.tc !== null) this.tc(message.tc);
        if (message.commitQc !== null) this.qc(message.commitQc);
        break;
    }
    return message as Verified<ConsensusMessage>;
  }

  private proposal(p: Proposal): void {
    const { validators } = this.epochState(p.header.epoch, p.header.chainId);
    const key =
      validators.publicKey(p.header.proposer) ?? fail(`no validator ${p.header.proposer}`);
    this.signature(key, blockHash(this.deps.hash, p.header), p.signature, 'proposal');
    this.qc(p.qc);
    if (p.tc !== null) this.tc(p.tc);
  }

  /** A QC: an epoch's root (round 0, no signers) or ≥ quorum valid vote signatures. */
  qc(qc: QuorumCertificate): void {
    if (this.verifiedObjects.has(qc)) return;
    const id = toHex(QcType.hash(this.deps.hash, qc));
    if (this.verifiedQcs.has(id)) {
      this.verifiedObjects.add(qc);
      return;
    }
    const state = this.epochState(qc.data.epoch, qc.data.chainId);
    if (qc.signers.length === 0) {
      if (
        !equalBytes(qc.data.blockHash, state.root.hash) ||
        qc.data.height !== state.root.header.height
      ) {
        fail(`an unsigned QC must certify the root of epoch ${qc.data.epoch}`);
      }
    } else {
      const signers = this.quorum(qc.signers, state, 'QC');
      const payload = this.votePayload(qc.data);
      signers.forEach((s, i) => {
        this.signature(
          state.validators.publicKeys[s]!,
          payload,
          qc.signatures[i]!,
          `QC signature ${i}`,
        );
      });
    }
    this.remember(id);
    this.verifiedObjects.add(qc);
  }

  tc(tc: TimeoutCertificate): void {
    if (this.verifiedObjects.has(tc)) return;
    const state = this.epochState(tc.epoch, tc.chainId);
    const signers = this.quorum(tc.signers, state, 'TC');
    signers.forEach((s, i) => {
      const data = {
        chainId: tc.chainId,
        epoch: tc.epoch,
        round: tc.round,
        highQcRound: tc.highQcRounds[i]!,
      };
      this.signature(
        state.validators.publicKeys[s]!,
        this.timeoutPayload(data),
        tc.signatures[i]!,
        `TC signature ${i}`,
      );
    });
    this.qc(tc.highQc);
    this.verifiedObjects.add(tc);
  }

  private quorum(bitmap: Uint8Array, state: EpochState, what: string): number[] {
    const signers = signersOf(bitmap);
    const n = state.validators.size;
    if (signers.some((s) => s >= n)) fail(`${what} names a signer outside the ${n} validators`);
    if (signers.length < state.validators.quorum) {
      fail(
        `${what} has ${signers.length} signers, fewer than the quorum ${state.validators.quorum}`,
      );
    }
    return signers;
  }

  private signature(key: Uint8Array, payload: Uint8Array, signature: Uint8Array, what: string) {
    if (!this.deps.verifySignature(key, payload, signature)) fail(`${what}: invalid signature`);
  }

  private epochState(epoch: bigint, chainId: string): EpochState {
    if (chainId !== this.deps.chainId) fail(`chain ${chainId} is not ${this.deps.chainId}`);
    const state = this.deps.epoch(epoch);
    if (state === undefined)
      throw new ConsensusError('unknown-epoch', `epoch ${epoch} is not known`);
    return state;
  }

  /** Signing payloads by their fields: a TC's or QC's payloads recur across messages. */
  private readonly payloads = new Map<string, Uint8Array>();

  private votePayload(data: VoteData): Uint8Array {
    const key = `v/${data.chainId}/${data.epoch}/${data.round}/${data.height}/${toHex(data.blockHash)}`;
    return this.memo(key, () => voteSigningPayload(this.deps.hash, data));
  }

  private timeoutPayload(data: TimeoutData): Uint8Array {
    const key = `t/${data.chainId}/${data.epoch}/${data.round}/${data.highQcRound}`;
    return this.memo(key, () => timeoutSigningPayload(this.deps.hash, data));
  }

  private memo(key: string, compute: () => Uint8Array): Uint8Array {
    let payload = this.payloads.get(key);
    if (payload === undefined) {
      if (this.payloads.size >= CACHE_SIZE) this.payloads.clear();
      payload = compute();
      this.payloads.set(key, payload);
    }
    return payload;
  }

  private remember(id: string): void {
    if (this.verifiedQcs.size >= CACHE_SIZE) this.verifiedQcs.clear();
    this.verifiedQcs.add(id);
  }
}
