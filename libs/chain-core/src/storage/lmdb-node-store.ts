/**
 * The sparse Merkle tree's nodes in LMDB (docs/spec/proofs.md §4): `smt-nodes` maps
 * encodeNodeKey → encodeSmtNode, `smt-stale` indexes replaced nodes by (staleSinceVersion,
 * node key), and `sys/smt-latest` holds the latest version. Semantics are InMemoryNodeStore's;
 * a block's batch is normally written by `ChainStore.commitBlock` in the block's transaction.
 */
import type { Database } from 'lmdb';
import {
  decodeNodeKey,
  decodeSmtNode,
  encodeNodeKey,
  type NodeBatch,
  type NodeKey,
  type NodeStore,
  type SmtNode,
  type StaleNodeEntry,
} from '../merkle';
import { checkArray, checkCount } from './arguments';
import { expectLength, readU64, STALE_MARK, SYS_KEYS, u64 } from './layout';
import {
  checkNodeBatch,
  checkNodeKey,
  encodeNodeRows,
  staleKey,
  versionNotIncreasing,
} from './node-batch';
import { StorageError } from './storage-error';

/** An LMDB table with binary keys and values. */
export type Table = Database<Uint8Array, Uint8Array>;

/** What the node store borrows from its ChainStore: transactions, the closed check, tables. */
export interface LmdbNodeStoreDeps {
  /** Runs `action` in one synchronous, durable LMDB write transaction. */
  readonly transact: <T>(action: () => T) => T;
  /** Throws `closed` once the store is closed. */
  readonly assertOpen: () => void;
  readonly sys: Table;
  readonly nodes: Table;
  readonly stale: Table;
}

/** The committed sparse-tree nodes; handed out by `ChainStore.nodeStore()`. */
export class LmdbNodeStore implements NodeStore {
  constructor(private readonly deps: LmdbNodeStoreDeps) {}

  getNode(key: NodeKey): SmtNode | undefined {
    this.deps.assertOpen();
    const encoded = encodeNodeKey(checkNodeKey('key', key));
    const bytes = this.deps.nodes.get(encoded);
    if (bytes === undefined) return undefined;
    try {
      return decodeSmtNode(new Uint8Array(bytes));
    } catch (error) {
      throw new StorageError(
        'corrupt',
        `the node of version ${key.version} at bit length ${key.bitLength} does not decode: ${(error as Error).message}`,
      );
    }
  }

  /** Writes `batch` in its own durable transaction (tests, genesis); blocks use commitBlock. */
  writeBatch(batch: NodeBatch): void {
    this.deps.assertOpen();
    checkNodeBatch('batch', batch);
    this.deps.transact(() => this.writeInTransaction('batch', batch));
  }

  /**
   * Writes a checked batch inside the caller's transaction: nodes, stale entries, latest
   * version. Refuses a version not above the latest one (the transaction then aborts).
   */
  writeInTransaction(field: string, batch: NodeBatch): void {
    const latest = this.latestVersion();
    if (latest !== undefined && batch.version <= latest) {
      throw versionNotIncreasing(batch.version, latest);
    }
    const rows = encodeNodeRows(field, batch);
    for (const [key, value] of rows.nodes) this.deps.nodes.putSync(key, value);
    for (const key of rows.stale) this.deps.stale.putSync(key, STALE_MARK);
    this.deps.sys.putSync(SYS_KEYS.smtLatest, u64(batch.version));
  }

  latestVersion(): number | undefined {
    this.deps.assertOpen();
    const bytes = this.deps.sys.get(SYS_KEYS.smtLatest);
    if (bytes === undefined) return undefined;
    expectLength('the latest sparse-tree version', bytes, 8);
    return Number(readU64(bytes, 0));
  }

  staleEntries(uptoVersion: number, limit: number): readonly StaleNodeEntry[] {
    this.deps.assertOpen();
    checkCount('uptoVersion', uptoVersion);
    checkCount('limit', limit);
    if (limit === 0) return [];
    const out: StaleNodeEntry[] = [];
    for (const key of this.deps.stale.getKeys({ end: u64(uptoVersion + 1), limit })) {
      out.push(decodeStaleKey(key));
    }
    return out;
  }

  removeStale(entries: readonly StaleNodeEntry[]): void {
    this.deps.assertOpen();
    checkArray('entries', entries);
    const rows = entries.map((entry, i) => {
      checkCount(`entries[${i}].staleSinceVersion`, entry?.staleSinceVersion);
      checkNodeKey(`entries[${i}].nodeKey`, entry.nodeKey);
      return { node: encodeNodeKey(entry.nodeKey), stale: staleKey(entry) };
    });
    this.deps.transact(() => {
      for (const row of rows) {
        this.deps.nodes.removeSync(row.node);
        this.deps.stale.removeSync(row.stale);
      }
    });
  }
}

function decodeStaleKey(key: Uint8Array): StaleNodeEntry {
  try {
    return {
      staleSinceVersion: Number(readU64(key, 0)),
      nodeKey: decodeNodeKey(new Uint8Array(key.subarray(8))),
    };
  } catch (error) {
    throw new StorageError(
      'corrupt',
      `a stale-index key does not decode: ${(error as Error).message}`,
    );
  }
}
