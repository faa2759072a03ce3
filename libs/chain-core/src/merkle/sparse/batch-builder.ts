/**
 * Builds one version of the sparse Merkle tree from the previous one and a batch of updates
 * (docs/spec/proofs.md §4.3): the nodes to write, the nodes they make stale, the new root.
 *
 * The canonical tree depends only on the set of keys (a leaf at its shortest unique prefix,
 * a branching node wherever two keys part), so the batch is applied in one descent over the
 * updates sorted by key: an unchanged subtree keeps its node, a changed one is rebuilt from
 * the keys beneath it. The result never depends on the order of updates or how they were split
 * into batches. Every node this version no longer uses (opened and changed, or moved to
 * another position) goes to the stale index, stale since this version.
 */
import { compareBytes, equalBytes, type HashFn } from '../bytes';
import { MerkleError } from '../merkle-error';
import {
  bitAt,
  childPath,
  commonPrefixBits,
  hashUpOneSidedLevels,
  prefixOf,
  sparseInternalHash,
  sparseLeafHash,
} from './hashing';
import type {
  NodeBatch,
  NodeKey,
  SmtChildRef,
  SmtInternalNode,
  SmtLeafNode,
  SmtNode,
  StaleNodeEntry,
} from './node';
import { nodeKeyId } from './node-codec';
import type { NodeStore } from './node-store';

/** One key's new value, null to delete. Batches hold each key once, sorted by key. */
export interface SortedUpdate {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/** A subtree of the previous version, loaded when the batch must look inside it. */
interface StoredSubtree {
  readonly kind: 'stored';
  /** Where it is stored; `bitLength` is the depth of its position. */
  readonly key: NodeKey;
  /** Its hash at that position. */
  readonly hash: Uint8Array;
  node?: SmtLeafNode | SmtInternalNode;
}

interface NewLeaf {
  readonly kind: 'new-leaf';
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly valueHash: Uint8Array;
}

interface NewInternal {
  readonly kind: 'new-internal';
  readonly depth: number;
  /** Any key of the subtree: its first `depth` bits are the node's path. */
  readonly path: Uint8Array;
  readonly left: Subtree;
  readonly right: Subtree;
}

type Subtree = StoredSubtree | NewLeaf | NewInternal;

/** The previous version's root: where it is stored, the node, and its hash. */
export interface BaseRoot {
  readonly key: NodeKey;
  readonly node: SmtNode;
  readonly hash: Uint8Array;
}

const ROOT_PATH = new Uint8Array(32);

export class BatchBuilder {
  private readonly nodes: { key: NodeKey; node: SmtNode }[] = [];
  private readonly stale = new Map<string, StaleNodeEntry>();

  constructor(
    private readonly hash: HashFn,
    private readonly empty: Uint8Array,
    private readonly store: NodeStore,
    private readonly version: number,
  ) {}

  /** Applies `updates` (sorted by key, each key once) to `base`; undefined base = empty tree. */
  build(
    base: BaseRoot | undefined,
    updates: readonly SortedUpdate[],
  ): { root: Uint8Array; batch: NodeBatch } {
    let previous: StoredSubtree | null = null;
    if (base !== undefined) {
      this.markStale(base.key); // every version stores its own root
      if (base.node.kind !== 'null') {
        previous = { kind: 'stored', key: base.key, hash: base.hash, node: base.node };
      }
    }
    const result = this.update(previous, updates, 0, updates.length);
    let root: Uint8Array;
    if (result === null) {
      this.write(0, ROOT_PATH, { kind: 'null' });
      root = this.empty;
    } else if (result.kind === 'stored' && result.key.bitLength === 0) {
      this.write(0, ROOT_PATH, this.load(result)); // nothing changed: the same root, copied
      root = result.hash;
    } else {
      root = this.materialize(result, 0, ROOT_PATH).hash;
    }
    const batch = { version: this.version, nodes: this.nodes, stale: [...this.stale.values()] };
    return { root, batch };
  }

  /**
   * The subtree holding `existing`'s keys changed by `updates[lo, hi)`. Invariant: every key of
   * `existing` and of the updates starts with the same prefix, the subtree's position.
   */
  private update(
    existing: StoredSubtree | null,
    updates: readonly SortedUpdate[],
    lo: number,
    hi: number,
  ): Subtree | null {
    if (lo === hi) return existing;
    if (existing === null) return this.buildFresh(this.leavesOf(updates, lo, hi));
    const node = this.load(existing);
    return node.kind === 'leaf'
      ? this.updateLeaf(existing, node, updates, lo, hi)
      : this.updateInternal(existing, node, updates, lo, hi);
  }

  private updateLeaf(
    existing: StoredSubtree,
    leaf: SmtLeafNode,
    updates: readonly SortedUpdate[],
    lo: number,
    hi: number,
  ): Subtree | null {
    let changed = false;
    let updatesLeaf = false;
    for (let i = lo; i < hi; i++) {
      const { key, value } = updates[i]!;
      if (equalBytes(key, leaf.key)) {
        updatesLeaf = true;
        if (value === null || !equalBytes(value, leaf.value)) changed = true;
      } else if (value !== null) {
        changed = true; // deleting an absent key changes nothing
      }
    }
    if (!changed) return existing;
    this.markStale(existing.key);
    const leaves = this.leavesOf(updates, lo, hi);
    if (!updatesLeaf) {
      const { key, value, valueHash } = leaf;
      const kept: NewLeaf = { kind: 'new-leaf', key, value, valueHash };
      const at = leaves.findIndex((l) => compareBytes(l.key, leaf.key) > 0);
      leaves.splice(at === -1 ? leaves.length : at, 0, kept);
    }
    return this.buildFresh(leaves);
  }

  private updateInternal(
    existing: StoredSubtree,
    node: SmtInternalNode,
    updates: readonly SortedUpdate[],
    lo: number,
    hi: number,
  ): Subtree | null {
    // Walk the compressed levels above the node's branching bit: the first bit where an update
    // leaves the node's path is the smaller of the first and last update's (they are sorted).
    while (lo < hi) {
      const parting = Math.min(
        commonPrefixBits(node.path, updates[lo]!.key),
        commonPrefixBits(node.path, updates[hi - 1]!.key),
      );
      if (parting >= node.depth) break;
      const mid = firstWithBitSet(updates, lo, hi, parting);
      const nodeSide = bitAt(node.path, parting);
      const [withLo, withHi, awayLo, awayHi] =
        nodeSide === 0 ? [lo, mid, mid, hi] : [mid, hi, lo, mid];
      const away = this.leavesOf(updates, awayLo, awayHi);
      if (away.length > 0) {
        // New keys branch off the compressed path: a new branching node at `parting`.
        const withNode = this.update(existing, updates, withLo, withHi);
        const awayTree = this.buildFresh(away);
        return nodeSide === 0
          ? join(parting, node.path, withNode, awayTree)
          : join(parting, node.path, awayTree, withNode);
      }
      lo = withLo; // only deletions of absent keys left the path: drop them
      hi = withHi;
    }
    if (lo === hi) return existing;
    const mid = firstWithBitSet(updates, lo, hi, node.depth);
    const leftBefore = this.child(node, 0);
    const rightBefore = this.child(node, 1);
    const left = this.update(leftBefore, updates, lo, mid);
    const right = this.update(rightBefore, updates, mid, hi);
    if (left === leftBefore && right === rightBefore) return existing;
    this.markStale(existing.key);
    return join(node.depth, node.path, left, right);
  }

  /** The leaves `updates[lo, hi)` put, deletions dropped. */
  private leavesOf(updates: readonly SortedUpdate[], lo: number, hi: number): NewLeaf[] {
    const leaves: NewLeaf[] = [];
    for (let i = lo; i < hi; i++) {
      const { key, value } = updates[i]!;
      if (value !== null)
        leaves.push({ kind: 'new-leaf', key, value, valueHash: this.hash(value) });
    }
    return leaves;
  }

  /** The canonical subtree of `leaves` (sorted by key, distinct). */
  private buildFresh(leaves: readonly NewLeaf[], lo = 0, hi = leaves.length): Subtree | null {
    if (hi - lo === 0) return null;
    if (hi - lo === 1) return leaves[lo]!;
    const first = leaves[lo]!.key;
    const depth = commonPrefixBits(first, leaves[hi - 1]!.key);
    const mid = firstWithBitSet(leaves, lo, hi, depth);
    return {
      kind: 'new-internal',
      depth,
      path: first,
      left: this.buildFresh(leaves, lo, mid)!,
      right: this.buildFresh(leaves, mid, hi)!,
    };
  }

  /**
   * Stores `subtree` at the position of depth `bitLength` on `path` and returns the reference
   * its parent keeps. An untouched subtree at its old position is not written again.
   */
  private materialize(subtree: Subtree, bitLength: number, path: Uint8Array): SmtChildRef {
    switch (subtree.kind) {
      case 'stored': {
        if (subtree.key.bitLength === bitLength) {
          return { version: subtree.key.version, hash: subtree.hash };
        }
        // Moved: up when its sibling subtree emptied, down under a new branching node.
        const node = this.load(subtree);
        this.markStale(subtree.key);
        const hash =
          node.kind === 'leaf'
            ? subtree.hash
            : hashUpOneSidedLevels(
                this.hash,
                sparseInternalHash(this.hash, node.left.hash, node.right.hash),
                node.depth,
                bitLength,
                node.path,
              );
        this.write(bitLength, path, node);
        return { version: this.version, hash };
      }
      case 'new-leaf': {
        const { key, value, valueHash } = subtree;
        this.write(bitLength, path, { kind: 'leaf', key, value, valueHash });
        return { version: this.version, hash: sparseLeafHash(this.hash, key, valueHash) };
      }
      case 'new-internal': {
        const { depth } = subtree;
        const left = this.materialize(subtree.left, depth + 1, childPath(subtree.path, depth, 0));
        const right = this.materialize(subtree.right, depth + 1, childPath(subtree.path, depth, 1));
        const prefix = prefixOf(subtree.path, depth);
        this.write(bitLength, path, { kind: 'internal', depth, path: prefix, left, right });
        const hash = hashUpOneSidedLevels(
          this.hash,
          sparseInternalHash(this.hash, left.hash, right.hash),
          depth,
          bitLength,
          subtree.path,
        );
        return { version: this.version, hash };
      }
    }
  }

  private child(node: SmtInternalNode, bit: number): StoredSubtree {
    const ref = bit === 0 ? node.left : node.right;
    const path = childPath(node.path, node.depth, bit);
    return {
      kind: 'stored',
      key: { version: ref.version, bitLength: node.depth + 1, path },
      hash: ref.hash,
    };
  }

  private load(subtree: StoredSubtree): SmtLeafNode | SmtInternalNode {
    if (subtree.node === undefined) {
      const node = this.store.getNode(subtree.key);
      if (node === undefined || node.kind === 'null') throw missingNode(subtree.key);
      subtree.node = node;
    }
    return subtree.node;
  }

  private write(bitLength: number, path: Uint8Array, node: SmtNode): void {
    const key = { version: this.version, bitLength, path: prefixOf(path, bitLength) };
    this.nodes.push({ key, node });
  }

  private markStale(nodeKey: NodeKey): void {
    this.stale.set(nodeKeyId(nodeKey), { staleSinceVersion: this.version, nodeKey });
  }
}

/** A node the tree refers to is not in the store. */
export function missingNode(key: NodeKey): MerkleError<'missing-node'> {
  return new MerkleError(
    'missing-node',
    { version: key.version, depth: key.bitLength },
    `merkle: the node of version ${key.version} at depth ${key.bitLength} is missing from the store (pruned, or a damaged store)`,
  );
}

/** The node branching at `depth` over `left` and `right`, or the one non-empty side. */
function join(
  depth: number,
  path: Uint8Array,
  left: Subtree | null,
  right: Subtree | null,
): Subtree | null {
  if (left === null) return right;
  if (right === null) return left;
  return { kind: 'new-internal', depth, path, left, right };
}

/**
 * The first index in [lo, hi) whose key has bit `bit` set. The keys share the bits before
 * `bit` and are sorted, so those with the bit clear come first.
 */
function firstWithBitSet(
  items: readonly { readonly key: Uint8Array }[],
  lo: number,
  hi: number,
  bit: number,
): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bitAt(items[mid]!.key, bit) === 1) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
