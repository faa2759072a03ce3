/**
 * The sparse Merkle tree's nodes of one executed but not yet committed block, in memory, over
 * a parent store. Speculative execution runs ahead of commits and may fork, so overlays chain:
 * the parent is the committed store or another overlay, and a fork is two overlays over the
 * same parent. Dropping an overlay discards it; committing hands `pendingBatch()` to
 * `ChainStore.commitBlock` with the block.
 *
 * Invariant: an overlay holds exactly one version, above its parent's latest version when it
 * was written, and only nodes of that version (a version writes no other); so a read of any
 * other version falls straight through to the parent.
 */
import {
  nodeKeyId,
  type NodeBatch,
  type NodeKey,
  type NodeStore,
  type SmtNode,
  type StaleNodeEntry,
} from '../merkle';
import { checkNodeBatch, checkNodeKey, versionNotIncreasing } from './node-batch';
import { invalidArgument, StorageError } from './storage-error';

/** A NodeStore holding one uncommitted version over a parent; see the file comment. */
export class OverlayNodeStore implements NodeStore {
  private batch: NodeBatch | undefined;
  /** The batch's nodes by `nodeKeyId` of their key. */
  private readonly nodes = new Map<string, SmtNode>();

  constructor(private readonly parent: NodeStore) {
    if (typeof parent?.getNode !== 'function' || typeof parent.latestVersion !== 'function') {
      throw invalidArgument('parent', 'must be a NodeStore');
    }
  }

  getNode(key: NodeKey): SmtNode | undefined {
    if (this.batch !== undefined && key?.version === this.batch.version) {
      return this.nodes.get(nodeKeyId(checkNodeKey('key', key)));
    }
    return this.parent.getNode(key);
  }

  /** Buffers `batch`: one version per overlay, above the parent's latest version. */
  writeBatch(batch: NodeBatch): void {
    checkNodeBatch('batch', batch);
    if (this.batch !== undefined) {
      throw new StorageError(
        'overlay-full',
        `this overlay already holds version ${this.batch.version}; chain a new OverlayNodeStore on it for version ${batch.version}`,
      );
    }
    const parentLatest = this.parent.latestVersion();
    if (parentLatest !== undefined && batch.version <= parentLatest) {
      throw versionNotIncreasing(batch.version, parentLatest);
    }
    const nodes = [...batch.nodes];
    for (const { key, node } of nodes) this.nodes.set(nodeKeyId(key), node);
    this.batch = { version: batch.version, nodes, stale: [...batch.stale] };
  }

  latestVersion(): number | undefined {
    return this.batch?.version ?? this.parent.latestVersion();
  }

  /** The buffered version, to pass as `CommitRecord.nodeBatch`; undefined before writeBatch. */
  pendingBatch(): NodeBatch | undefined {
    return this.batch;
  }

  /** Refused: pruning happens only on the committed store. */
  staleEntries(uptoVersion: number, limit: number): readonly StaleNodeEntry[] {
    throw unsupported(`staleEntries(${uptoVersion}, ${limit})`);
  }

  /** Refused: pruning happens only on the committed store. */
  removeStale(entries: readonly StaleNodeEntry[]): void {
    throw unsupported(`removeStale(${entries?.length ?? 0} entries)`);
  }
}

function unsupported(call: string): StorageError {
  return new StorageError(
    'unsupported',
    `${call} on an OverlayNodeStore: overlays are never pruned; prune the committed store (ChainStore.pruneStaleNodes)`,
  );
}
