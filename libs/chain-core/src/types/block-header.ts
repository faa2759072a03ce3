import {
  CodecError,
  HASH_TAGS,
  RecordSchema,
  equalBytes,
  hash32,
  list,
  text,
  toHex,
  u16,
  u64,
} from '../codec';
import { type ChainType, chainType } from './chain-type';
import { MAX_BLOCK_BATCHES, NAME } from './limits';

/**
 * A block's header; its hash (`taggedHash(H, "trellis/block-header/v1", encode(header))`) is
 * the block id that votes and certificates name.
 *
 * `txCount` and `receiptCount` are the sizes of the trees under `txRoot` and `receiptRoot`: an
 * RFC 9162 inclusion proof is only meaningful for a known tree size.
 *
 * Execution is deferred by one block (as CometBFT's app hash): `stateRoot` and `receiptRoot`
 * commit to the result of executing the parent block, which every validator has computed by
 * the time it votes on this one; `txRoot` commits to this block's own transactions (the ids of
 * the transactions of its batches, in order).
 */
export interface BlockHeader {
  readonly chainId: string;
  readonly height: bigint;
  readonly epoch: bigint;
  readonly round: bigint;
  readonly parentHash: Uint8Array;
  /** Index of the proposing validator in the epoch's validator set. */
  readonly proposer: bigint;
  readonly batchDigests: readonly Uint8Array[];
  readonly txCount: bigint;
  readonly txRoot: Uint8Array;
  readonly receiptCount: bigint;
  readonly receiptRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** Milliseconds since the Unix epoch, as proposed by the leader. */
  readonly timestampMs: bigint;
}

const ZERO_HASH = new Uint8Array(32);

export const BlockHeader: ChainType<BlockHeader> = chainType(
  new RecordSchema<BlockHeader>(
    'BlockHeader',
    {
      chainId: text(NAME),
      height: u64,
      epoch: u64,
      round: u64,
      parentHash: hash32,
      proposer: u16,
      batchDigests: list(hash32, MAX_BLOCK_BATCHES),
      txCount: u64,
      txRoot: hash32,
      receiptCount: u64,
      receiptRoot: hash32,
      stateRoot: hash32,
      timestampMs: u64,
    },
    (header, path) => {
      const seen = new Set(header.batchDigests.map(toHex));
      if (seen.size !== header.batchDigests.length) {
        throw new CodecError('invalid', 'a batch digest appears twice', `${path}.batchDigests`);
      }
      if (header.height === 0n && !equalBytes(header.parentHash, ZERO_HASH)) {
        throw new CodecError(
          'invalid',
          'the genesis block (height 0) has an all-zero parent hash',
          `${path}.parentHash`,
        );
      }
      if (header.height > 0n && equalBytes(header.parentHash, ZERO_HASH)) {
        throw new CodecError(
          'invalid',
          `block ${header.height} cannot have an all-zero parent hash`,
          `${path}.parentHash`,
        );
      }
    },
  ),
  { tag: HASH_TAGS.blockHeader, maxBytes: 64 * 1024 },
);
