/**
 * The pool of admitted transactions waiting to be batched and committed.
 *
 * Invariants:
 * - Bounded (count, bytes, per signer) and never evicts: a transaction the pool accepted stays
 *   until it is committed or expires. A full pool answers `busy` (back-pressure on clients)
 *   instead of dropping someone's accepted work.
 * - Fair: batches take transactions round-robin across signers and FIFO per signer, so one
 *   busy signer with thousands of transactions cannot starve a signer with one.
 * - A transaction taken for a batch stays counted (and `has` it) until committed or expired; if
 *   the batch is abandoned, `requeue` makes it available again at its place in its signer's
 *   queue.
 */
import { toHex } from '../codec';
import { AdmissionError, invalidArgument, requireCount } from './admission-error';
import type { AdmittedTransaction } from './admission';

export interface MempoolOptions {
  readonly maxTransactions: number;
  readonly maxBytes: number;
  /** Transactions one signer may have in the pool (taken ones included). */
  readonly maxPerSigner: number;
}

interface Entry {
  readonly admitted: AdmittedTransaction;
  readonly idHex: string;
  /** Arrival order: FIFO within a signer. */
  readonly seq: number;
  readonly signer: SignerQueue;
  taken: boolean;
}

interface SignerQueue {
  readonly key: string;
  /** Entries of this signer in the pool, taken or not. */
  count: number;
  /** Entries not taken, by `seq`. */
  readonly available: Entry[];
}

/** A binary min-heap of (expiryHeight, entry), lazily cleaned: committed entries stay until popped. */
class ExpiryHeap {
  items: Entry[] = [];

  push(entry: Entry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (expiry(items[parent]!) <= expiry(items[i]!)) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && expiry(items[left]!) < expiry(items[smallest]!)) smallest = left;
        if (right < items.length && expiry(items[right]!) < expiry(items[smallest]!))
          smallest = right;
        if (smallest === i) break;
        [items[smallest], items[i]] = [items[i]!, items[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

const expiry = (entry: Entry): bigint => entry.admitted.tx.body.expiryHeight;

export class Mempool {
  private readonly opts: MempoolOptions;
  private readonly byId = new Map<string, Entry>();
  private readonly signers = new Map<string, SignerQueue>();
  /** Signers with available transactions, in round-robin order (the first is served next). */
  private readonly ring = new Map<string, SignerQueue>();
  private readonly expiries = new ExpiryHeap();
  private totalBytes = 0;
  private nextSeq = 0;

  constructor(opts: MempoolOptions) {
    if (typeof opts !== 'object' || opts === null)
      throw invalidArgument('opts', 'expected options');
    for (const field of ['maxTransactions', 'maxBytes', 'maxPerSigner'] as const) {
      requireCount(opts[field], `opts.${field}`, 1);
    }
    this.opts = { ...opts };
  }

  /** Transactions in the pool, taken for a batch or not. */
  get size(): number {
    return this.byId.size;
  }

  /** Sum of their encoded sizes. */
  get bytes(): number {
    return this.totalBytes;
  }

  has(id: Uint8Array): boolean {
    return this.byId.has(idHexOf(id, 'id'));
  }

  get(id: Uint8Array): AdmittedTransaction | undefined {
    return this.byId.get(idHexOf(id, 'id'))?.admitted;
  }

  /**
   * Adds an admitted transaction: `replayed` if present, `busy` (retry later) if a bound would
   * be exceeded. Nothing already accepted is ever evicted to make room.
   */
  add(tx: AdmittedTransaction): void {
    checkAdmitted(tx);
    const idHex = toHex(tx.id);
    if (this.byId.has(idHex)) {
      throw new AdmissionError('replayed', `transaction ${idHex} is already in the mempool`);
    }
    const { maxTransactions, maxBytes, maxPerSigner } = this.opts;
    if (this.byId.size + 1 > maxTransactions) {
      throw busy(`the mempool holds ${this.byId.size} of at most ${maxTransactions} transactions`);
    }
    if (this.totalBytes + tx.bytes.length > maxBytes) {
      throw busy(
        `the mempool holds ${this.totalBytes} bytes; ${tx.bytes.length} more would pass its ${maxBytes}-byte limit`,
      );
    }
    const existing = this.signers.get(tx.signerKey);
    if (existing !== undefined && existing.count + 1 > maxPerSigner) {
      throw busy(
        `signer ${tx.signerKey} has ${existing.count} of at most ${maxPerSigner} transactions in the mempool`,
      );
    }
    const signer = existing ?? { key: tx.signerKey, count: 0, available: [] };
    this.signers.set(signer.key, signer);
    const entry: Entry = { admitted: tx, idHex, seq: this.nextSeq++, signer, taken: false };
    this.byId.set(idHex, entry);
    this.totalBytes += tx.bytes.length;
    signer.count++;
    signer.available.push(entry);
    if (!this.ring.has(signer.key)) this.ring.set(signer.key, signer);
    this.expiries.push(entry);
  }

  /**
   * Up to `maxTx` transactions of at most `maxBytes` in total, not yet taken: rounds over the
   * signers, one transaction (their oldest) from each per round. A signer whose next transaction
   * does not fit the remaining bytes is passed over for this batch, keeping its place so it is
   * served early in the next. Signers served move to the back of the ring.
   */
  takeForBatch(maxTx: number, maxBytes: number): AdmittedTransaction[] {
    requireCount(maxTx, 'maxTx', 0);
    requireCount(maxBytes, 'maxBytes', 0);
    const taken: AdmittedTransaction[] = [];
    let bytes = 0;
    // A signer passed over for size stays out of this batch: the bytes left only shrink.
    let round = [...this.ring.values()];
    while (round.length > 0 && taken.length < maxTx) {
      const next: SignerQueue[] = [];
      for (const signer of round) {
        if (taken.length >= maxTx) break;
        const head = signer.available[0]!;
        if (bytes + head.admitted.bytes.length > maxBytes) continue;
        signer.available.shift();
        head.taken = true;
        taken.push(head.admitted);
        bytes += head.admitted.bytes.length;
        this.ring.delete(signer.key);
        if (signer.available.length > 0) {
          this.ring.set(signer.key, signer);
          next.push(signer);
        }
      }
      round = next;
    }
    return taken;
  }

  /**
   * After a block commits at `committedHeight`: drops the committed ids, and every transaction
   * that can no longer be committed (`expiryHeight ≤ committedHeight`; the next block is
   * `committedHeight + 1`). Ids not in the pool are ignored.
   */
  onCommitted(ids: readonly Uint8Array[], committedHeight: bigint): void {
    if (!Array.isArray(ids)) throw invalidArgument('ids', 'expected an array of transaction ids');
    if (typeof committedHeight !== 'bigint' || committedHeight < 0n) {
      throw invalidArgument(
        'committedHeight',
        `expected a bigint ≥ 0, got ${String(committedHeight)}`,
      );
    }
    ids.forEach((id, i) => {
      const entry = this.byId.get(idHexOf(id, `ids[${i}]`));
      if (entry !== undefined) this.remove(entry);
    });
    for (let top = this.expiries.peek(); top !== undefined; top = this.expiries.peek()) {
      if (expiry(top) > committedHeight) break;
      this.expiries.pop();
      if (this.byId.get(top.idHex) === top) this.remove(top);
    }
    // Committed entries linger in the heap until their expiry: rebuild when they dominate.
    if (this.expiries.items.length > 2 * this.byId.size + 1024) {
      const live = this.expiries.items.filter((e) => this.byId.get(e.idHex) === e);
      this.expiries.items = [];
      for (const entry of live) this.expiries.push(entry);
    }
  }

  /**
   * A batch of ours was abandoned (e.g. the epoch changed before it was proposed): its
   * transactions still in the pool become available again, each at its place in its signer's
   * FIFO. Ids not in the pool (committed, expired) or not taken are ignored.
   */
  requeue(ids: readonly Uint8Array[]): void {
    if (!Array.isArray(ids)) throw invalidArgument('ids', 'expected an array of transaction ids');
    ids.forEach((id, i) => {
      const entry = this.byId.get(idHexOf(id, `ids[${i}]`));
      if (entry === undefined || !entry.taken) return;
      entry.taken = false;
      const queue = entry.signer.available;
      queue.splice(insertionIndex(queue, entry.seq), 0, entry);
      if (!this.ring.has(entry.signer.key)) this.ring.set(entry.signer.key, entry.signer);
    });
  }

  private remove(entry: Entry): void {
    this.byId.delete(entry.idHex);
    this.totalBytes -= entry.admitted.bytes.length;
    const signer = entry.signer;
    signer.count--;
    if (!entry.taken) {
      const queue = signer.available;
      const at = insertionIndex(queue, entry.seq);
      if (queue[at] === entry) queue.splice(at, 1);
      if (queue.length === 0) this.ring.delete(signer.key);
    }
    if (signer.count === 0) this.signers.delete(signer.key);
  }
}

/** The first index of `queue` (sorted by seq) whose seq is ≥ `seq`. */
function insertionIndex(queue: readonly Entry[], seq: number): number {
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (queue[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

function busy(why: string): AdmissionError {
  return new AdmissionError('busy', `retry later: ${why}`);
}

function idHexOf(id: Uint8Array, field: string): string {
  if (!(id instanceof Uint8Array) || id.length !== 32) {
    throw invalidArgument(field, 'expected a 32-byte transaction id');
  }
  return toHex(id);
}

function checkAdmitted(tx: AdmittedTransaction): void {
  if (typeof tx !== 'object' || tx === null)
    throw invalidArgument('tx', 'expected an AdmittedTransaction');
  idHexOf(tx.id, 'tx.id');
  if (!(tx.bytes instanceof Uint8Array)) throw invalidArgument('tx.bytes', 'expected a Uint8Array');
  if (typeof tx.signerKey !== 'string' || tx.signerKey === '') {
    throw invalidArgument('tx.signerKey', 'expected a non-empty string');
  }
  if (typeof tx.tx?.body?.expiryHeight !== 'bigint') {
    throw invalidArgument('tx.tx', 'expected a decoded Transaction');
  }
}
