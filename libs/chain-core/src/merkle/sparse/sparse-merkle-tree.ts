/**
 * The world-state tree: a versioned sparse Merkle tree over 256-bit keys, Jellyfish style
 * (Diem/Aptos JMT, binary with path compression). One version per block; every version stays
 * readable and provable until pruned. Hashing: docs/spec/proofs.md §3; storage: §4.
 */
import {
  checkBytes,
  checkCount,
  compareBytes,
  copyBytes,
  digestLength,
  equalBytes,
  isBytes,
  type HashFn,
} from '../bytes';
import { invalidArgument, MerkleError } from '../merkle-error';
import { BatchBuilder, missingNode, type BaseRoot, type SortedUpdate } from './batch-builder';
import {
  bitAt,
  childPath,
  commonPrefixBits,
  emptyHashOf,
  hashUpOneSidedLevels,
  SMT_KEY_BYTES,
  sparseInternalHash,
  sparseLeafHash,
} from './hashing';
import type { NodeKey, SmtInternalNode, SmtNode } from './node';
import type { NodeStore } from './node-store';
import type { SparseMerkleProof } from './proof';

/** Set `key` to `value`, or delete it when `value` is null. Keys are 32 bytes. */
export interface SparseUpdate {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

export interface SparseMerkleTreeOptions {
  /** The chain's hash function (SHA-256 or SM3). */
  readonly hash: HashFn;
}

export interface SparseMerkleTreeDeps {
  readonly store: NodeStore;
}

/** How many stale-index entries `prune` removes per store call. */
const PRUNE_CHUNK = 1024;
const ROOT_PATH = new Uint8Array(SMT_KEY_BYTES);

export class SparseMerkleTree {
  private readonly hash: HashFn;
  private readonly empty: Uint8Array;
  private readonly store: NodeStore;

  constructor(opts: SparseMerkleTreeOptions, deps: SparseMerkleTreeDeps) {
    digestLength(opts.hash);
    if (typeof deps?.store?.getNode !== 'function') {
      throw invalidArgument('deps.store', 'must be a NodeStore');
    }
    this.hash = opts.hash;
    this.empty = emptyHashOf(opts.hash);
    this.store = deps.store;
  }

  /** The latest version written, undefined before the first batch. */
  latestVersion(): number | undefined {
    return this.store.latestVersion();
  }

  /**
   * Writes `version`, the latest version changed by `updates`, and returns its root. `version`
   * must be above the latest one (it need not be the next integer). Updates apply in order: for
   * a key given twice, the last wins. Deleting an absent key changes nothing. The batch reaches
   * the store in one `writeBatch`.
   */
  applyBatch(version: number, updates: readonly SparseUpdate[]): Uint8Array {
    checkCount('version', version);
    const latest = this.store.latestVersion();
    if (latest !== undefined && version <= latest) {
      throw new MerkleError(
        'version-not-increasing',
        { version, latestVersion: latest },
        `merkle: version ${version} is not above the latest version ${latest}`,
      );
    }
    const sorted = sortUpdates(updates);
    const base = latest === undefined ? undefined : this.baseRoot(latest);
    const builder = new BatchBuilder(this.hash, this.empty, this.store, version);
    const { root, batch } = builder.build(base, sorted);
    this.store.writeBatch(batch);
    return copyBytes(root);
  }

  /** The root hash of `version`: HASH(0x82) for an empty tree. */
  rootAt(version: number): Uint8Array {
    return copyBytes(this.rootHash(this.loadRoot(version)));
  }

  /** The value of `key` at `version`, or undefined if absent. */
  get(version: number, key: Uint8Array): Uint8Array | undefined {
    checkBytes('key', key, SMT_KEY_BYTES);
    let node = this.loadRoot(version);
    for (;;) {
      if (node.kind === 'null') return undefined;
      if (node.kind === 'leaf') {
        return equalBytes(node.key, key) ? copyBytes(node.value) : undefined;
      }
      if (commonPrefixBits(node.path, key) < node.depth) return undefined;
      node = this.loadChild(node, bitAt(key, node.depth));
    }
  }

  /**
   * A proof, against `rootAt(version)`, of the value of `key` (inclusion) or of its absence
   * (non-inclusion): verify it with `verifySparseProof`.
   */
  prove(version: number, key: Uint8Array): SparseMerkleProof {
    checkBytes('key', key, SMT_KEY_BYTES);
    let node = this.loadRoot(version);
    const topDown: (Uint8Array | null)[] = []; // topDown[d]: the sibling at depth d + 1
    const finish = (leaf: SparseMerkleProof['leaf']): SparseMerkleProof => ({
      leaf,
      siblings: topDown.reverse(),
    });
    for (;;) {
      if (node.kind === 'null') return finish(null);
      if (node.kind === 'leaf') {
        return finish({ key: copyBytes(node.key), valueHash: copyBytes(node.valueHash) });
      }
      const parting = commonPrefixBits(node.path, key);
      const stop = Math.min(parting, node.depth);
      while (topDown.length < stop) topDown.push(null); // one-sided levels of the compressed path
      if (parting < node.depth) {
        // The key leaves the node's path at bit `parting`: its side there is empty.
        const nodeHash = sparseInternalHash(this.hash, node.left.hash, node.right.hash);
        topDown.push(
          copyBytes(hashUpOneSidedLevels(this.hash, nodeHash, node.depth, parting + 1, node.path)),
        );
        return finish(null);
      }
      const bit = bitAt(key, node.depth);
      topDown.push(copyBytes((bit === 1 ? node.left : node.right).hash));
      node = this.loadChild(node, bit);
    }
  }

  /**
   * Deletes every node that stopped being part of the tree at or before `uptoVersion`.
   * Versions from `uptoVersion` on stay fully readable and provable; earlier ones become
   * `version-not-found`. Returns the number of nodes deleted.
   */
  prune(uptoVersion: number): number {
    checkCount('uptoVersion', uptoVersion);
    const latest = this.store.latestVersion();
    if (latest === undefined) return 0;
    if (uptoVersion > latest) {
      throw invalidArgument('uptoVersion', `${uptoVersion} is above the latest version ${latest}`);
    }
    let removed = 0;
    for (;;) {
      const entries = this.store.staleEntries(uptoVersion, PRUNE_CHUNK);
      if (entries.length === 0) return removed;
      this.store.removeStale(entries);
      removed += entries.length;
    }
  }

  private baseRoot(version: number): BaseRoot {
    const node = this.loadRoot(version);
    return { key: rootKey(version), node, hash: this.rootHash(node) };
  }

  private loadRoot(version: number): SmtNode {
    checkCount('version', version);
    const node = this.store.getNode(rootKey(version));
    if (node === undefined) {
      throw new MerkleError(
        'version-not-found',
        { version },
        `merkle: version ${version} was never written or has been pruned`,
      );
    }
    return node;
  }

  private loadChild(node: SmtInternalNode, bit: number): SmtNode {
    const ref = bit === 1 ? node.right : node.left;
    const key: NodeKey = {
      version: ref.version,
      bitLength: node.depth + 1,
      path: childPath(node.path, node.depth, bit),
    };
    const child = this.store.getNode(key);
    if (child === undefined || child.kind === 'null') throw missingNode(key);
    return child;
  }

  private rootHash(node: SmtNode): Uint8Array {
    switch (node.kind) {
      case 'null':
        return this.empty;
      case 'leaf':
        return sparseLeafHash(this.hash, node.key, node.valueHash);
      case 'internal': {
        const nodeHash = sparseInternalHash(this.hash, node.left.hash, node.right.hash);
        return hashUpOneSidedLevels(this.hash, nodeHash, node.depth, 0, node.path);
      }
    }
  }
}

function rootKey(version: number): NodeKey {
  return { version, bitLength: 0, path: ROOT_PATH };
}

/** Validated copies of `updates`, sorted by key, the last update of each key kept. */
function sortUpdates(updates: readonly SparseUpdate[]): SortedUpdate[] {
  if (!Array.isArray(updates)) throw invalidArgument('updates', 'must be an array');
  const copies = updates.map((update: SparseUpdate, i) => {
    if (typeof update !== 'object' || update === null) {
      throw invalidArgument(`updates[${i}]`, 'must be { key, value }');
    }
    const { key, value } = update;
    // Names built only on failure: this runs for every update of every block.
    if (!isBytes(key, SMT_KEY_BYTES)) checkBytes(`updates[${i}].key`, key, SMT_KEY_BYTES);
    if (value !== null && !isBytes(value)) checkBytes(`updates[${i}].value`, value);
    return { key: copyBytes(key), value: value === null ? null : copyBytes(value), i };
  });
  copies.sort((a, b) => compareBytes(a.key, b.key) || a.i - b.i);
  const out: SortedUpdate[] = [];
  for (let i = 0; i < copies.length; i++) {
    const next = copies[i + 1];
    if (next === undefined || compareBytes(next.key, copies[i]!.key) !== 0) {
      const { key, value } = copies[i]!;
      out.push({ key, value });
    }
  }
  return out;
}
