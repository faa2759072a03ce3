import {
  HASH_TAGS,
  type HashFn,
  RecordSchema,
  bytes,
  hash32,
  taggedHash,
  text,
  u16,
  u64,
} from '../codec';
import { type ChainType, chainType } from './chain-type';
import { NAME, SIGNATURE_BYTES } from './limits';

/** What a vote is for: one block of one round of one epoch of one chain. */
export interface VoteData {
  readonly chainId: string;
  readonly epoch: bigint;
  readonly round: bigint;
  readonly height: bigint;
  readonly blockHash: Uint8Array;
}

export const VoteDataSchema = new RecordSchema<VoteData>('VoteData', {
  chainId: text(NAME),
  epoch: u64,
  round: u64,
  height: u64,
  blockHash: hash32,
});

/** The message a validator signs to vote: `taggedHash(H, "trellis/vote-data/v1", encode(data))`. */
export function voteSigningPayload(hash: HashFn, data: VoteData): Uint8Array {
  return taggedHash(hash, HASH_TAGS.voteData, VoteDataSchema.encode(data));
}

export interface Vote {
  readonly data: VoteData;
  /** Index of the voter in the epoch's validator set. */
  readonly voter: bigint;
  readonly signature: Uint8Array;
}

export const Vote: ChainType<Vote> = chainType(
  new RecordSchema<Vote>('Vote', {
    data: VoteDataSchema.asField(),
    voter: u16,
    signature: bytes(SIGNATURE_BYTES),
  }),
  { tag: HASH_TAGS.vote, maxBytes: 1024 },
);
