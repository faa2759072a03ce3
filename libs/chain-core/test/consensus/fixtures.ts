// Builders for the consensus unit tests: four ed25519 validators with fixed keys, an epoch
// rooted at a height-0 block, and blocks, votes, QCs and TCs signed for real.
import {
  BlockHeader,
  ConsensusError,
  type ConsensusErrorCode,
  type EpochState,
  type HashFn,
  MessageVerifier,
  type Proposal,
  type QuorumCertificate,
  type Timeout,
  type TimeoutCertificate,
  ValidatorSet,
  type Vote,
  type VoteData,
  bitmapOf,
  getSuite,
  timeoutSigningPayload,
  voteSigningPayload,
} from '@trellis/chain-core';

export const CHAIN_ID = 'trellis-consensus-test';
export const suite = getSuite('ed25519', 'fast');
export const hash: HashFn = (data) => suite.hash(data);

/** 32 bytes of `byte`. */
export const fill = (byte: number, length = 32) => new Uint8Array(length).fill(byte);

/** Validator i's key pair: a fixed seed, so every run signs the same bytes. */
export const keys = [1, 2, 3, 4].map((seed) => {
  const secretKey = fill(seed);
  return { secretKey, publicKey: suite.publicKeyFromSecretKey(secretKey) };
});

/** Signs as validator `index`. */
export const signerOf =
  (index: number) =>
  (payload: Uint8Array): Uint8Array =>
    suite.sign(keys[index]!.secretKey, payload);

/** The epoch `epoch` of the four validators, rooted at a height-0 block of that epoch. */
export function epochState(epoch = 1n): EpochState {
  const header: BlockHeader = {
    chainId: CHAIN_ID,
    height: 0n,
    epoch,
    round: 0n,
    parentHash: new Uint8Array(32),
    proposer: 0n,
    batchDigests: [],
    txCount: 0n,
    txRoot: fill(0x01),
    receiptCount: 0n,
    receiptRoot: fill(0x02),
    stateRoot: fill(0x03),
    timestampMs: 1_700_000_000_000n,
  };
  return {
    validators: new ValidatorSet(
      epoch,
      keys.map((k) => k.publicKey),
    ),
    root: {
      header,
      hash: BlockHeader.hash(hash, header),
      result: {
        stateRoot: fill(0x03),
        receiptRoot: fill(0x02),
        receiptCount: 0n,
        nextValidators: null,
      },
    },
  };
}

/** The unsigned QC of an epoch's root block. */
export function rootQc(state: EpochState): QuorumCertificate {
  return {
    data: {
      chainId: CHAIN_ID,
      epoch: state.root.header.epoch,
      round: 0n,
      height: 0n,
      blockHash: state.root.hash,
    },
    signers: new Uint8Array(),
    signatures: [],
  };
}

/** A vote of `voter` for `data`, signed. */
export function vote(data: VoteData, voter: number): Vote {
  return {
    data,
    voter: BigInt(voter),
    signature: signerOf(voter)(voteSigningPayload(hash, data)),
  };
}

/** A QC for `data` signed by `signers` (3 of 4 by default: the quorum). */
export function qcOf(data: VoteData, signers: readonly number[] = [0, 1, 2]): QuorumCertificate {
  const sorted = [...signers].sort((a, b) => a - b);
  return {
    data,
    signers: bitmapOf(sorted),
    signatures: sorted.map((i) => vote(data, i).signature),
  };
}

/** A block, its hash, the data its voters sign and a QC certifying it. */
export interface Block {
  readonly proposal: Proposal;
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly voteData: VoteData;
  /** A quorum's QC of this block (signed by validators 0, 1, 2). */
  readonly qc: QuorumCertificate;
}

export interface BlockOptions {
  /** Default: the parent QC's round + 1 (or the TC's round + 1). */
  readonly round?: bigint;
  readonly tc?: TimeoutCertificate | null;
  /** Default: round mod 4. */
  readonly proposer?: number;
  /** Makes another block of the same round and parent (a different timestamp). */
  readonly variant?: number;
}

/** A block extending the block `parentQc` certifies, signed by its proposer. */
export function block(parentQc: QuorumCertificate, options: BlockOptions = {}): Block {
  const tc = options.tc ?? null;
  const round = options.round ?? (tc ? tc.round : parentQc.data.round) + 1n;
  const proposer = options.proposer ?? Number(round % 4n);
  const header: BlockHeader = {
    chainId: parentQc.data.chainId,
    height: parentQc.data.height + 1n,
    epoch: parentQc.data.epoch,
    round,
    parentHash: parentQc.data.blockHash,
    proposer: BigInt(proposer),
    batchDigests: [],
    txCount: 0n,
    txRoot: fill(0x11),
    receiptCount: 0n,
    receiptRoot: fill(0x02),
    stateRoot: fill(0x03),
    timestampMs: 1_700_000_000_000n + round * 1000n + BigInt(options.variant ?? 0),
  };
  const blockHash = BlockHeader.hash(hash, header);
  const voteData: VoteData = {
    chainId: header.chainId,
    epoch: header.epoch,
    round,
    height: header.height,
    blockHash,
  };
  return {
    proposal: { header, qc: parentQc, tc, signature: signerOf(proposer)(blockHash) },
    header,
    hash: blockHash,
    voteData,
    qc: qcOf(voteData),
  };
}

/** A chain of blocks in consecutive rounds 1, 2, … from the epoch's root. */
export function chain(state: EpochState, length: number): Block[] {
  const blocks: Block[] = [];
  let qc = rootQc(state);
  for (let i = 0; i < length; i++) {
    const next = block(qc);
    blocks.push(next);
    qc = next.qc;
  }
  return blocks;
}

/** A timeout of `voter` for `round` carrying `highQc`, signed. */
export function timeout(round: bigint, highQc: QuorumCertificate, voter: number): Timeout {
  const data = {
    chainId: highQc.data.chainId,
    epoch: highQc.data.epoch,
    round,
    highQcRound: highQc.data.round,
  };
  return {
    data,
    highQc,
    voter: BigInt(voter),
    signature: signerOf(voter)(timeoutSigningPayload(hash, data)),
  };
}

/**
 * A TC for `round` signed by `signers` (3 of 4 by default), signer i reporting the high QC
 * round `highQcRounds[i]` (default: every one `highQc`'s round, which must be the highest).
 */
export function tcOf(
  round: bigint,
  highQc: QuorumCertificate,
  signers: readonly number[] = [0, 1, 2],
  highQcRounds: readonly bigint[] = signers.map(() => highQc.data.round),
): TimeoutCertificate {
  const { chainId, epoch } = highQc.data;
  return {
    chainId,
    epoch,
    round,
    signers: bitmapOf(signers),
    highQcRounds,
    signatures: signers.map((s, i) =>
      signerOf(s)(
        timeoutSigningPayload(hash, { chainId, epoch, round, highQcRound: highQcRounds[i]! }),
      ),
    ),
    highQc,
  };
}

/** A verifier of `CHAIN_ID` that knows `states` (epoch 1 by default). */
export function verifier(states: readonly EpochState[] = [epochState()]): MessageVerifier {
  const byEpoch = new Map(states.map((s) => [s.root.header.epoch, s]));
  return new MessageVerifier({
    chainId: CHAIN_ID,
    hash,
    verifySignature: (publicKey, message, signature) => suite.verify(publicKey, message, signature),
    epoch: (epoch) => byEpoch.get(epoch),
  });
}

/** The ConsensusError `fn` throws (failing the test if it throws nothing or something else). */
export function consensusError(fn: () => unknown): ConsensusError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConsensusError) return error;
    throw error;
  }
  throw new Error('expected a ConsensusError, but nothing was thrown');
}

/** Asserts that `fn` throws a ConsensusError of `code` whose message contains `message`. */
export function expectRefused(
  fn: () => unknown,
  code: ConsensusErrorCode,
  message: string | RegExp,
): void {
  const error = consensusError(fn);
  expect({ code: error.code, message: error.message }).toEqual({
    code,
    message:
      typeof message === 'string'
        ? expect.stringContaining(message)
        : expect.stringMatching(message),
  });
}
