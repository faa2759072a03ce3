/**
 * The world-state tree: a versioned sparse Merkle tree over 256-bit keys, Jellyfish style
 * (Diem/Aptos JMT: binary hashes, stored as a radix-16 tree). One version per block; every
 * version stays readable and provable until pruned. Hashing: docs/spec/proofs.md §3; storage: §4.
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
  emptyHashOf,
  InnerHashCache,
  nibbleAt,
  nibblePath,
  presentIn,
  RADIX,
  RADIX_BITS,
  radixChildrenOf,
  radixRangeHash,
  SMT_KEY_BYTES,
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
  /**
   * Inner hashes of recently written nodes, kept across versions (and tree instances) by
   * whoever applies batch after batch, e.g. a validator; without it every rewritten node is
   * hashed whole. Results are the same either way. One cache per hash function.
   */
  readonly innerHashes?: InnerHashCache;
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
  private readonly innerHashes: InnerHashCache | undefined;

  constructor(opts: SparseMerkleTreeOptions, deps: SparseMerkleTreeDeps) {
    digestLength(opts.hash);
    if (typeof deps?.store?.getNode !== 'function') {
      throw invalidArgument('deps.store', 'must be a NodeStore');
    }
    this.hash = opts.hash;
    if (opts.innerHashes !== undefined && !(opts.innerHashes instanceof InnerHashCache)) {
      throw invalidArgument('opts.innerHashes', 'must be an InnerHashCache');
    }
    this.innerHashes = opts.innerHashes;
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
    const builder = new BatchBuilder(this.hash, this.empty, this.store, version, this.innerHashes);
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
      const nibble = nibbleAt(key, node.depth);
      if (node.children[nibble] === null) return undefined;
      node = this.loadChild(node, nibble);
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
    const finish = (leaf: SmtNode | null): SparseMerkleProof => ({
      leaf:
        leaf?.kind === 'leaf'
          ? { key: copyBytes(leaf.key), valueHash: copyBytes(leaf.valueHash) }
          : null,
      siblings: topDown.reverse(),
    });
    for (;;) {
      if (node.kind !== 'internal') return finish(node);
      // Descend the four binary levels inside the node, halving the nibble range each time,
      // until the key's side is empty or holds a single leaf, or a child node is reached.
      const children = radixChildrenOf(node.children);
      const nibble = nibbleAt(key, node.depth);
      let lo = 0;
      let width = RADIX;
      for (;;) {
        const inRange = presentIn(children, lo, width);
        if (inRange === 0) return finish(null);
        const single = (inRange & (inRange - 1)) === 0;
        if (width === 1 || (single && (children.leaves & inRange) !== 0)) break;
        width >>= 1;
        const keySide = nibble < lo + width ? lo : lo + width;
        const otherSide = keySide === lo ? lo + width : lo;
        topDown.push(
          presentIn(children, otherSide, width) === 0
            ? null
            : copyBytes(radixRangeHash(this.hash, children, otherSide, width)),
        );
        lo = keySide;
      }
      // The child node for the key's nibble (width 1), or a single leaf for its side.
      const at = width === 1 ? lo : 31 - Math.clz32(presentIn(children, lo, width));
      const child = this.loadChild(node, at);
      if (child.kind === 'leaf') return finish(child);
      if (width > 1) throw missingNode({ version, bitLength: node.depth + RADIX_BITS, path: key });
      node = child;
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

  private loadChild(node: SmtInternalNode, nibble: number): SmtNode {
    const ref = node.children[nibble]!;
    const key: NodeKey = {
      version: ref.version,
      bitLength: node.depth + RADIX_BITS,
      path: nibblePath(node.path, node.depth, nibble),
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
      case 'internal':
        return radixRangeHash(this.hash, radixChildrenOf(node.children), 0, RADIX);
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
