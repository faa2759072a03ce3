import { HASH_TAGS, RecordSchema, list, text, u16, u64 } from '../codec';
import { type ChainType, chainType } from './chain-type';
import { MAX_BATCH_BYTES, MAX_BATCH_TRANSACTIONS, NAME } from './limits';
import { Transaction } from './transaction';

/**
 * Transactions a validator disseminates ahead of consensus; proposals carry only the batch
 * digests (`taggedHash(H, "trellis/batch/v1", encode(batch))`).
 */
export interface Batch {
  readonly chainId: string;
  readonly epoch: bigint;
  /** Index of the authoring validator in the epoch's validator set. */
  readonly author: bigint;
  /** The author's batch counter in this epoch, from 0. */
  readonly sequence: bigint;
  readonly transactions: readonly Transaction[];
}

export const Batch: ChainType<Batch> = chainType(
  new RecordSchema<Batch>('Batch', {
    chainId: text(NAME),
    epoch: u64,
    author: u16,
    sequence: u64,
    transactions: list(Transaction.schema.asField(), MAX_BATCH_TRANSACTIONS),
  }),
  { tag: HASH_TAGS.batch, maxBytes: MAX_BATCH_BYTES },
);
