/**
 * Where the sparse Merkle tree keeps its nodes. Small and synchronous on purpose: the state
 * store (LMDB, issue "storage") implements it over two tables, nodes by `encodeNodeKey` and a
 * stale index by (staleSinceVersion, node key), and writes each `NodeBatch` in the same
 * transaction as the block. An overlay (reads fall through, writes buffered) is enough for
 * speculative execution of blocks not yet committed.
 */
import { checkCount } from '../bytes';
import { MerkleError } from '../merkle-error';
import { nodeKeyId } from './node-codec';
import type { NodeBatch, NodeKey, SmtNode, StaleNodeEntry } from './node';

export interface NodeStore {
  /** The node stored under `key`, or undefined (never written, or pruned). */
  getNode(key: NodeKey): SmtNode | undefined;
  /**
   * Stores one version atomically: its nodes, its stale-index entries, and `batch.version`
   * as the latest version. Versions only increase.
   */
  writeBatch(batch: NodeBatch): void;
  /** The latest version written, undefined for an empty store. */
  latestVersion(): number | undefined;
  /** Up to `limit` stale-index entries with staleSinceVersion ≤ `uptoVersion`, oldest first. */
  staleEntries(uptoVersion: number, limit: number): readonly StaleNodeEntry[];
  /** Deletes the nodes these entries name, and the entries, atomically. */
  removeStale(entries: readonly StaleNodeEntry[]): void;
}

/** A NodeStore in memory: for tests, tools, and light verifiers replaying a few blocks. */
export class InMemoryNodeStore implements NodeStore {
  private readonly nodes = new Map<string, SmtNode>();
  /** Insertion order is staleSinceVersion order, since versions only increase. */
  private readonly stale = new Map<string, StaleNodeEntry>();
  private latest: number | undefined;

  getNode(key: NodeKey): SmtNode | undefined {
    return this.nodes.get(nodeKeyId(key));
  }

  writeBatch(batch: NodeBatch): void {
    checkCount('batch.version', batch.version);
    if (this.latest !== undefined && batch.version <= this.latest) {
      throw new MerkleError(
        'version-not-increasing',
        { version: batch.version, latestVersion: this.latest },
        `merkle: version ${batch.version} is not above the latest version ${this.latest}`,
      );
    }
    for (const { key, node } of batch.nodes) this.nodes.set(nodeKeyId(key), node);
    for (const entry of batch.stale) this.stale.set(nodeKeyId(entry.nodeKey), entry);
    this.latest = batch.version;
  }

  latestVersion(): number | undefined {
    return this.latest;
  }

  staleEntries(uptoVersion: number, limit: number): readonly StaleNodeEntry[] {
    const out: StaleNodeEntry[] = [];
    for (const entry of this.stale.values()) {
      if (entry.staleSinceVersion > uptoVersion || out.length >= limit) break;
      out.push(entry);
    }
    return out;
  }

  removeStale(entries: readonly StaleNodeEntry[]): void {
    for (const { nodeKey } of entries) {
      const key = nodeKeyId(nodeKey);
      this.nodes.delete(key);
      this.stale.delete(key);
    }
  }

  /** Number of nodes held: for tests and metrics. */
  get nodeCount(): number {
    return this.nodes.size;
  }

  /** The keys of every node held: for tests (what pruning left) and tools. */
  nodeKeys(): NodeKey[] {
    return [...this.nodes.keys()].map(parseNodeKeyId);
  }
}

function parseNodeKeyId(id: string): NodeKey {
  const [version, bitLength] = id.split('/', 2).map(Number) as [number, number];
  const chars = id.slice(id.indexOf('/', id.indexOf('/') + 1) + 1);
  const path = new Uint8Array(32);
  for (let i = 0; i < chars.length; i++) path[i] = chars.charCodeAt(i);
  return { version, bitLength, path };
}
