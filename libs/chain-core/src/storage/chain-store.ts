/**
 * The durable store of a validator node, on LMDB (docs/adr/0011-chain-storage-lmdb.md): blocks,
 * receipts, the tx index, batches, flat world state, the sparse Merkle tree's nodes, metadata
 * and consensus safety data, in one LMDB environment with a sub-database per table
 * (layout.ts).
 *
 * Invariants:
 * - A block commit is one synchronous LMDB write transaction: all of it or none of it is on
 *   disk, and it is on disk (fsync'd) when `commitBlock` returns (`overlappingSync: false`).
 * - Heights are dense: block h is stored exactly when 0 ≤ h ≤ head.height.
 * - One writer: one ChainStore per directory, used from one thread.
 * - Every array returned is a fresh copy the caller owns.
 */
import { toHex } from '../codec';
import type { StateEntry, RangeOptions } from '../contract';
import type { NodeStore } from '../merkle';
import {
  checkBytes,
  checkCount,
  checkHeight,
  checkKey,
  checkMetaKey,
  checkObject,
  ID_BYTES,
  MAX_HEIGHT,
} from './arguments';
import { checkCommitRecord, type CommitRecord } from './commit-record';
import {
  decodeBlockRecord,
  decodeHead,
  decodeLocation,
  encodeBlockRecord,
  encodeHead,
  expectLength,
  locationKey,
  own,
  readU64,
  SYS_KEYS,
  type StoredBlock,
  type TableName,
  u64,
} from './layout';
import { checkLayoutVersion, openEnvironment, type Environment } from './environment';
import { LmdbNodeStore, type Table } from './lmdb-node-store';
import type { StateReader } from './state-reader';
import { checkRangeOptions, scanTable } from './state-range';
import { invalidArgument, StorageError } from './storage-error';

/** Where the store lives, and LMDB's initial map size. */
export interface ChainStoreOptions {
  /** The store's directory; created if missing. */
  readonly path: string;
  /** LMDB's initial map size (the file can grow past it); lmdb-js's default when absent. */
  readonly mapSizeBytes?: number;
}

/** The last committed block. */
export interface ChainHead {
  readonly height: bigint;
  readonly hash: Uint8Array;
}

/** Where a committed transaction is: its block and its index in the block's receipts. */
export interface TxLocation {
  readonly height: bigint;
  readonly index: number;
}

/** How many stale nodes one pruning transaction removes. */
const PRUNE_CHUNK = 1024;
const utf8 = new TextEncoder();

/** The validator's durable store; see the file comment for its invariants. */
export class ChainStore implements StateReader {
  private closed = false;
  private currentHead: ChainHead | undefined;
  /** Pending batches waiting for the next synced transaction, by digest (hex). */
  private readonly queued = new Map<string, { digest: Uint8Array; bytes: Uint8Array }>();
  private readonly nodes: LmdbNodeStore;
  private readonly t: Readonly<Record<TableName, Table>>;

  private constructor(
    private readonly opts: ChainStoreOptions,
    private readonly deps: Environment,
  ) {
    this.t = deps.tables;
    this.nodes = new LmdbNodeStore({
      transact: (action) => this.transact(action),
      assertOpen: () => this.assertOpen(),
      sys: this.t.sys,
      nodes: this.t['smt-nodes'],
      stale: this.t['smt-stale'],
    });
  }

  /** Opens (creating if needed) the store in `opts.path`. */
  static open(opts: ChainStoreOptions): ChainStore {
    checkObject('opts', opts);
    if (typeof opts.path !== 'string' || opts.path.length === 0) {
      throw invalidArgument('opts.path', 'must be a non-empty string');
    }
    if (
      opts.mapSizeBytes !== undefined &&
      checkCount('opts.mapSizeBytes', opts.mapSizeBytes) === 0
    ) {
      throw invalidArgument('opts.mapSizeBytes', 'must be positive');
    }
    const deps = openEnvironment(opts.path, opts.mapSizeBytes);
    try {
      checkLayoutVersion(opts.path, deps);
    } catch (error) {
      void deps.root.close();
      throw error;
    }
    const store = new ChainStore(opts, deps);
    store.currentHead = store.readHead();
    return store;
  }

  /** Closes the environment; every later call throws `closed`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flushPending();
    this.closed = true;
    await this.deps.root.close();
  }

  /** The last committed block, undefined for an empty store. */
  head(): ChainHead | undefined {
    this.assertOpen();
    const head = this.currentHead;
    return head === undefined
      ? undefined
      : { height: head.height, hash: new Uint8Array(head.hash) };
  }

  /**
   * Commits one block in one synchronous LMDB transaction: block, hash index, batches (and
   * their removal from pending), receipts, tx index (a tx id keeps its first location), state
   * writes in order, the sparse-tree node batch, metadata, and the new head. All or nothing;
   * durable when it returns. Refuses (`height-not-next`, store unchanged) any height but
   * head + 1 (0 on an empty store).
   */
  commitBlock(record: CommitRecord): void {
    this.assertOpen();
    checkCommitRecord(record);
    const { height, hash, receipts, txIds } = record;
    const t = this.t;
    this.transact(() => {
      const head = this.readHead();
      const next = head === undefined ? 0n : head.height + 1n;
      if (height !== next) {
        const now = head === undefined ? 'the store is empty' : `head is ${head.height}`;
        throw new StorageError(
          'height-not-next',
          `block height ${height} is not the next height ${next} (${now})`,
        );
      }
      const heightKey = u64(height);
      t.blocks.putSync(heightKey, encodeBlockRecord(record));
      t.heights.putSync(hash, heightKey);
      for (const { digest, bytes } of record.batches) {
        t.batches.putSync(digest, bytes);
        t.pending.removeSync(digest);
      }
      for (let i = 0; i < receipts.length; i++) {
        const location = locationKey(height, i);
        t.receipts.putSync(location, receipts[i]!);
        if (!t.txs.doesExist(txIds[i]!)) t.txs.putSync(txIds[i]!, location);
      }
      for (const { key, value } of record.stateWrites) {
        if (value === null) t.state.removeSync(key);
        else t.state.putSync(key, value);
      }
      if (record.nodeBatch !== undefined) {
        this.nodes.writeInTransaction('record.nodeBatch', record.nodeBatch);
      }
      for (const { key, value } of record.meta ?? []) {
        if (value === null) t.meta.removeSync(utf8.encode(key));
        else t.meta.putSync(utf8.encode(key), value);
      }
      t.sys.putSync(SYS_KEYS.head, encodeHead(height, hash));
    });
    this.currentHead = { height, hash: new Uint8Array(hash) };
  }

  /** The block at `height`: its hash, encoded block and result. */
  blockAt(height: bigint): StoredBlock | undefined {
    this.assertOpen();
    checkHeight('height', height);
    const bytes = this.t.blocks.get(u64(height));
    return bytes === undefined ? undefined : decodeBlockRecord(height, own(bytes));
  }

  /** The height of the committed block with this hash. */
  heightOf(hash: Uint8Array): bigint | undefined {
    this.assertOpen();
    checkBytes('hash', hash, ID_BYTES);
    const bytes = this.t.heights.get(hash);
    if (bytes === undefined) return undefined;
    expectLength('a block height', bytes, 8);
    return readU64(bytes, 0);
  }

  /** The receipts of block `height`, in order; empty for an unknown height. */
  receiptsAt(height: bigint): Uint8Array[] {
    this.assertOpen();
    checkHeight('height', height);
    const end = height === MAX_HEIGHT ? {} : { end: u64(height + 1n) };
    return [...this.t.receipts.getRange({ start: u64(height), ...end })].map(({ value }) =>
      own(value),
    );
  }

  /** Where a committed transaction is. */
  txLocation(txId: Uint8Array): TxLocation | undefined {
    this.assertOpen();
    checkBytes('txId', txId, ID_BYTES);
    const bytes = this.t.txs.get(txId);
    return bytes === undefined ? undefined : decodeLocation(own(bytes));
  }

  /** The receipt of a committed transaction. */
  receiptOf(txId: Uint8Array): Uint8Array | undefined {
    const location = this.txLocation(txId);
    if (location === undefined) return undefined;
    const bytes = this.t.receipts.get(locationKey(location.height, location.index));
    if (bytes === undefined) {
      throw new StorageError(
        'corrupt',
        `the tx index points at receipt ${location.index} of block ${location.height}, which is missing`,
      );
    }
    return own(bytes);
  }

  /** A batch by digest, committed or pending. */
  batch(digest: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    checkBytes('digest', digest, ID_BYTES);
    const queued = this.queued.get(toHex(digest));
    if (queued) return new Uint8Array(queued.bytes);
    const bytes = this.t.batches.get(digest) ?? this.t.pending.get(digest);
    return bytes === undefined ? undefined : own(bytes);
  }

  /**
   * Keeps a batch received or created but not yet committed, durably (it survives restarts).
   * A batch already committed is not kept again.
   */
  putPendingBatch(digest: Uint8Array, bytes: Uint8Array): void {
    this.assertOpen();
    checkBytes('digest', digest, ID_BYTES);
    checkBytes('bytes', bytes);
    this.transact(() => {
      if (!this.t.batches.doesExist(digest)) this.t.pending.putSync(digest, bytes);
    });
  }

  /**
   * Keeps a pending batch like `putPendingBatch`, but writes it with the next synced
   * transaction of this store (a safety-data save, a block commit, `flushPending`) instead of
   * a transaction and a disk flush of its own: a validator receives a batch from every peer
   * every few milliseconds, and votes only after a safety-data save, so every batch of a block
   * it voted for is on disk before its vote leaves. Readable at once through `batch`.
   */
  queuePendingBatch(digest: Uint8Array, bytes: Uint8Array): void {
    this.assertOpen();
    checkBytes('digest', digest, ID_BYTES);
    checkBytes('bytes', bytes);
    this.queued.set(toHex(digest), { digest: new Uint8Array(digest), bytes });
  }

  /** Batches queued by `queuePendingBatch`, not yet written. */
  get queuedPendingBatches(): number {
    return this.queued.size;
  }

  /** Writes the queued pending batches now (durable on return). */
  flushPending(): void {
    this.assertOpen();
    if (this.queued.size > 0) this.transact(() => undefined);
  }

  /** Every pending batch, in digest order. */
  pendingBatches(): { digest: Uint8Array; bytes: Uint8Array }[] {
    this.assertOpen();
    this.flushPending();
    return [...this.t.pending.getRange({})].map(({ key, value }) => ({
      digest: own(key),
      bytes: own(value),
    }));
  }

  /** Drops a pending batch (expired, or refused); durable on return. */
  deletePendingBatch(digest: Uint8Array): void {
    this.assertOpen();
    checkBytes('digest', digest, ID_BYTES);
    this.transact(() => this.t.pending.removeSync(digest));
  }

  /** The committed value of a full state key. */
  get(key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    checkKey('key', key);
    const bytes = this.t.state.get(key);
    return bytes === undefined ? undefined : own(bytes);
  }

  /** Committed state entries in unsigned key order (see state-range.ts); `limit` is required. */
  range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[] {
    this.assertOpen();
    return scanTable(this.t.state, checkRangeOptions(options));
  }

  /**
   * The sparse Merkle tree's committed nodes. Its `writeBatch` writes its own transaction (tests,
   * genesis tools); blocks carry their batch in `commitBlock`.
   */
  nodeStore(): NodeStore {
    this.assertOpen();
    return this.nodes;
  }

  /**
   * Deletes every sparse-tree node stale since `uptoVersion` or earlier, in transactions of
   * 1,024 nodes; versions from `uptoVersion` on stay readable. Returns how many were deleted.
   */
  pruneStaleNodes(uptoVersion: number): number {
    this.assertOpen();
    checkCount('uptoVersion', uptoVersion);
    const latest = this.nodes.latestVersion();
    if (latest === undefined) return 0;
    if (uptoVersion > latest) {
      throw invalidArgument('uptoVersion', `${uptoVersion} is above the latest version ${latest}`);
    }
    let removed = 0;
    for (;;) {
      const entries = this.nodes.staleEntries(uptoVersion, PRUNE_CHUNK);
      if (entries.length === 0) return removed;
      this.nodes.removeStale(entries);
      removed += entries.length;
    }
  }

  /** Metadata written with a block. */
  getMeta(key: string): Uint8Array | undefined {
    this.assertOpen();
    checkMetaKey('key', key);
    const bytes = this.t.meta.get(utf8.encode(key));
    return bytes === undefined ? undefined : own(bytes);
  }

  /** Stores the consensus safety data; durable on return, so a vote may leave after it. */
  saveSafety(bytes: Uint8Array): void {
    this.assertOpen();
    checkBytes('bytes', bytes);
    this.transact(() => this.t.sys.putSync(SYS_KEYS.safety, bytes));
  }

  /** The consensus safety data last saved. */
  loadSafety(): Uint8Array | undefined {
    this.assertOpen();
    const bytes = this.t.sys.get(SYS_KEYS.safety);
    return bytes === undefined ? undefined : own(bytes);
  }

  /** The directory this store lives in. */
  get path(): string {
    return this.opts.path;
  }

  /** A synced write transaction; queued pending batches go first, in the same transaction. */
  private transact<T>(action: () => T): T {
    if (this.queued.size === 0) return this.deps.root.transactionSync(action);
    const queued = [...this.queued.values()];
    const result = this.deps.root.transactionSync(() => {
      for (const { digest, bytes } of queued) {
        if (!this.t.batches.doesExist(digest)) this.t.pending.putSync(digest, bytes);
      }
      return action();
    });
    for (const { digest } of queued) this.queued.delete(toHex(digest));
    return result;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('closed', `the store in ${this.opts.path} is closed`);
  }

  private readHead(): ChainHead | undefined {
    const bytes = this.t.sys.get(SYS_KEYS.head);
    return bytes === undefined ? undefined : decodeHead(own(bytes));
  }
}
