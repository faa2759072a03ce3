/**
 * Batches this validator knows, its own and its peers': proposals carry only batch digests
 * (Narwhal-style dissemination ahead of consensus), so a leader picks digests of batches that
 * are available here, not yet in the chain, and not already in an uncommitted ancestor of the
 * block it extends; and every validator needs a batch's bytes to execute a committed block.
 *
 * Bounded: when full, `add` makes room by dropping the oldest committed batch (it is in the
 * chain, stored with its block) and answers `busy` rather than ever evicting a batch someone may
 * still propose. The node frees room itself with `prune`: committed batches once stored with
 * their blocks, and every batch of an epoch that ended.
 */
import { LruCache } from '../crypto';
import { HASH_TAGS, type HashFn, equalBytes, taggedHash, toHex } from '../codec';
import { Batch } from '../types';
import { AdmissionError, invalidArgument, requireCount } from './admission-error';

export interface BatchPoolOptions {
  readonly hash: HashFn;
  /** Batches held at most (committed ones included until pruned). */
  readonly maxBatches: number;
  /** Digests of committed batches remembered after pruning, so a late copy is never proposed (default 100,000). */
  readonly rememberCommitted?: number;
}

/** A stored batch and its canonical bytes. */
export interface StoredBatch {
  readonly batch: Batch;
  readonly bytes: Uint8Array;
}

interface Entry extends StoredBatch {
  readonly digestHex: string;
  readonly digest: Uint8Array;
  committed: boolean;
}

export interface PruneOptions {
  /** Drop batches already committed (their bytes are stored with the chain by then). */
  readonly committed?: boolean;
  /** Drop every batch of an epoch before this one: it can no longer be proposed. */
  readonly epochBefore?: bigint;
}

export class BatchPool {
  private readonly hash: HashFn;
  private readonly maxBatches: number;
  /** In arrival order: the first is the oldest. */
  private readonly batches = new Map<string, Entry>();
  private readonly committed: LruCache<string, true>;

  constructor(opts: BatchPoolOptions) {
    if (typeof opts !== 'object' || opts === null)
      throw invalidArgument('opts', 'expected options');
    if (typeof opts.hash !== 'function') throw invalidArgument('opts.hash', 'expected a HashFn');
    requireCount(opts.maxBatches, 'opts.maxBatches', 1);
    if (opts.rememberCommitted !== undefined) {
      requireCount(opts.rememberCommitted, 'opts.rememberCommitted', 1);
    }
    this.hash = opts.hash;
    this.maxBatches = opts.maxBatches;
    this.committed = new LruCache(opts.rememberCommitted ?? 100_000);
  }

  get size(): number {
    return this.batches.size;
  }

  /**
   * Stores a batch with its encoding (`bytes` must be exactly `Batch.encode(batch)`) and returns
   * its digest (`Batch.hash`). Adding a known batch again changes nothing. When full, the oldest
   * committed batch makes room; `busy` when every batch held is still uncommitted.
   */
  add(batch: Batch, bytes: Uint8Array): Uint8Array {
    if (!(bytes instanceof Uint8Array)) throw invalidArgument('bytes', 'expected a Uint8Array');
    let encoded: Uint8Array;
    try {
      encoded = Batch.encode(batch);
    } catch (error) {
      throw invalidArgument('batch', `not a valid Batch: ${(error as Error).message}`);
    }
    if (!equalBytes(encoded, bytes)) {
      throw invalidArgument('bytes', 'is not the encoding of batch');
    }
    const digest = taggedHash(this.hash, HASH_TAGS.batch, encoded);
    const digestHex = toHex(digest);
    if (this.batches.has(digestHex)) return digest;
    if (this.batches.size >= this.maxBatches && !this.dropOldestCommitted()) {
      throw new AdmissionError(
        'busy',
        `retry later: the batch pool holds ${this.batches.size} uncommitted batches, its limit`,
      );
    }
    this.batches.set(digestHex, {
      batch,
      bytes: encoded,
      digest,
      digestHex,
      committed: this.committed.has(digestHex),
    });
    return digest;
  }

  get(digest: Uint8Array): StoredBatch | undefined {
    const entry = this.batches.get(digestHexOf(digest, 'digest'));
    return entry === undefined ? undefined : { batch: entry.batch, bytes: entry.bytes };
  }

  has(digest: Uint8Array): boolean {
    return this.batches.has(digestHexOf(digest, 'digest'));
  }

  /** Whether a batch with this digest is known to be in the chain. */
  isCommitted(digest: Uint8Array): boolean {
    return this.committed.has(digestHexOf(digest, 'digest'));
  }

  /**
   * Digests for a proposal: batches held here, not committed, not in `excluded` (hex digests of
   * the batches in the uncommitted ancestors of the block being proposed), oldest first; at most
   * `maxBatches` batches and `maxTxs` transactions in all. A batch too large for what is left is
   * passed over for a later, smaller one; empty batches are never proposed.
   */
  selectForProposal(
    excluded: ReadonlySet<string>,
    maxBatches: number,
    maxTxs: number,
  ): Uint8Array[] {
    if (!(excluded instanceof Set))
      throw invalidArgument('excluded', 'expected a Set of hex digests');
    requireCount(maxBatches, 'maxBatches', 0);
    requireCount(maxTxs, 'maxTxs', 0);
    const selected: Uint8Array[] = [];
    let txs = 0;
    for (const entry of this.batches.values()) {
      if (selected.length >= maxBatches) break;
      if (entry.committed || excluded.has(entry.digestHex)) continue;
      const count = entry.batch.transactions.length;
      if (count === 0 || txs + count > maxTxs) continue;
      selected.push(entry.digest);
      txs += count;
    }
    return selected;
  }

  /** These batches are in a committed block: never to be proposed again. */
  markCommitted(digests: readonly Uint8Array[]): void {
    if (!Array.isArray(digests)) throw invalidArgument('digests', 'expected an array of digests');
    digests.forEach((digest, i) => {
      const digestHex = digestHexOf(digest, `digests[${i}]`);
      this.committed.set(digestHex, true);
      const entry = this.batches.get(digestHex);
      if (entry !== undefined) entry.committed = true;
    });
  }

  /** Drops the oldest committed batch held; false if every batch held is uncommitted. */
  private dropOldestCommitted(): boolean {
    for (const [digestHex, entry] of this.batches) {
      if (entry.committed) {
        this.batches.delete(digestHex);
        return true;
      }
    }
    return false;
  }

  /** Frees room (see `PruneOptions`); returns how many batches were dropped. */
  prune(opts: PruneOptions): number {
    if (typeof opts !== 'object' || opts === null)
      throw invalidArgument('opts', 'expected prune options');
    if (opts.committed !== undefined && typeof opts.committed !== 'boolean') {
      throw invalidArgument('opts.committed', 'expected a boolean');
    }
    if (opts.epochBefore !== undefined && typeof opts.epochBefore !== 'bigint') {
      throw invalidArgument('opts.epochBefore', 'expected a bigint');
    }
    let dropped = 0;
    for (const [digestHex, entry] of this.batches) {
      const stale = opts.epochBefore !== undefined && entry.batch.epoch < opts.epochBefore;
      if ((opts.committed === true && entry.committed) || stale) {
        this.batches.delete(digestHex);
        dropped++;
      }
    }
    return dropped;
  }
}

function digestHexOf(digest: Uint8Array, field: string): string {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw invalidArgument(field, 'expected a 32-byte batch digest');
  }
  return toHex(digest);
}
