/**
 * Builds one version of the sparse Merkle tree from the previous one and a batch of updates
 * (docs/spec/proofs.md §4.3): the nodes to write, the nodes they make stale, the new root.
 *
 * The stored tree depends only on the set of keys (at each position of a depth that is a
 * multiple of 4: nothing, a leaf for one key, an internal node for more), so the batch is
 * applied in one descent over the updates sorted by key: an unchanged subtree keeps its node, a
 * changed one is rebuilt from the keys beneath it. The result never depends on the order of
 * updates or how they were split into batches. Every node this version no longer uses (opened
 * and changed, or a leaf moved to another position) goes to the stale index, stale since this
 * version.
 */
import { compareBytes, equalBytes, type HashFn } from '../bytes';
import { MerkleError } from '../merkle-error';
import {
  type InnerHashCache,
  type InnerHashMemo,
  nibbleAt,
  nibblePath,
  prefixOf,
  RADIX,
  RADIX_BITS,
  radixChildrenOf,
  radixRangeHash,
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
  /** Its own hash (SmtChildRef.hash). */
  readonly hash: Uint8Array;
  readonly leaf: boolean;
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
  /** A multiple of 4. */
  readonly depth: number;
  /** Any key of the subtree: its first `depth` bits are the node's path. */
  readonly path: Uint8Array;
  /**
   * 16 entries, by nibble; two or more keys beneath in all. `undefined`: the child of `base`
   * for that nibble, unchanged (kept without loading or copying it).
   */
  readonly children: (Subtree | null | undefined)[];
  /** The node of the previous version at this position, when there was one, and its hash. */
  readonly base?: SmtInternalNode;
  readonly baseHash?: Uint8Array;
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
    private readonly innerHashes?: InnerHashCache,
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
        const leaf = base.node.kind === 'leaf';
        previous = { kind: 'stored', key: base.key, hash: base.hash, leaf, node: base.node };
      }
    }
    const result = this.update(previous, updates, 0, updates.length, 0);
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
   * The subtree at the position of depth `depth` (a multiple of 4) holding `existing`'s keys
   * changed by `updates[lo, hi)`. Invariant: every key of `existing` and of the updates starts
   * with the position's `depth` bits.
   */
  private update(
    existing: StoredSubtree | null,
    updates: readonly SortedUpdate[],
    lo: number,
    hi: number,
    depth: number,
  ): Subtree | null {
    if (lo === hi) return existing;
    if (existing === null) return this.buildFresh(this.leavesOf(updates, lo, hi), depth);
    const node = this.load(existing);
    return node.kind === 'leaf'
      ? this.updateLeaf(existing, node, updates, lo, hi, depth)
      : this.updateInternal(existing, node, updates, lo, hi, depth);
  }

  private updateLeaf(
    existing: StoredSubtree,
    leaf: SmtLeafNode,
    updates: readonly SortedUpdate[],
    lo: number,
    hi: number,
    depth: number,
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
    return this.buildFresh(leaves, depth);
  }

  private updateInternal(
    existing: StoredSubtree,
    node: SmtInternalNode,
    updates: readonly SortedUpdate[],
    lo: number,
    hi: number,
    depth: number,
  ): Subtree | null {
    if (node.depth !== depth) throw misplaced(existing.key, node.depth);
    const children: (Subtree | null | undefined)[] = new Array<Subtree | null | undefined>(RADIX);
    let changed = false;
    let i = lo;
    while (i < hi) {
      const n = nibbleAt(updates[i]!.key, depth);
      const end = nibbleRunEnd(updates, i, hi, depth);
      const before = this.child(node, n);
      const after = this.update(before, updates, i, end, depth + RADIX_BITS);
      if (after !== before) {
        changed = true;
        children[n] = after;
      }
      i = end;
    }
    if (!changed) return existing;
    this.markStale(existing.key);
    return this.internalOrAlone(depth, node, existing.hash, children);
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

  /** The stored subtree of `leaves` (sorted by key, distinct) at a position of `depth`. */
  private buildFresh(
    leaves: readonly NewLeaf[],
    depth: number,
    lo = 0,
    hi = leaves.length,
  ): Subtree | null {
    if (hi - lo === 0) return null;
    if (hi - lo === 1) return leaves[lo]!;
    const children: (Subtree | null)[] = new Array<Subtree | null>(RADIX).fill(null);
    let i = lo;
    while (i < hi) {
      const n = nibbleAt(leaves[i]!.key, depth);
      const end = nibbleRunEnd(leaves, i, hi, depth);
      children[n] = this.buildFresh(leaves, depth + RADIX_BITS, i, end);
      i = end;
    }
    return { kind: 'new-internal', depth, path: leaves[lo]!.key, children };
  }

  /**
   * The subtree of these children (undefined: `base`'s) at `depth`: nothing without one, the
   * leaf itself when it is the only child (one key is a leaf at the shallowest stored
   * position), else an internal node.
   */
  private internalOrAlone(
    depth: number,
    base: SmtInternalNode,
    baseHash: Uint8Array,
    children: (Subtree | null | undefined)[],
  ): Subtree | null {
    let only = -1;
    let count = 0;
    for (let n = 0; n < RADIX; n++) {
      const child = children[n];
      if (child === null || (child === undefined && base.children[n] === null)) continue;
      count++;
      only = n;
    }
    if (count === 0) return null;
    if (count === 1) {
      const child = children[only] ?? this.child(base, only)!;
      if (isLeaf(child)) return child;
    }
    return { kind: 'new-internal', depth, path: base.path, children, base, baseHash };
  }

  /**
   * Stores `subtree` at the position of depth `bitLength` on `path` and returns the reference
   * its parent keeps. An untouched subtree at its old position is not written again.
   */
  private materialize(subtree: Subtree, bitLength: number, path: Uint8Array): SmtChildRef {
    switch (subtree.kind) {
      case 'stored': {
        if (subtree.key.bitLength === bitLength) {
          return { version: subtree.key.version, hash: subtree.hash, leaf: subtree.leaf };
        }
        // Moved up: its sibling subtrees emptied. Only a leaf moves; its hash stays.
        const node = this.load(subtree);
        if (node.kind !== 'leaf') throw misplaced(subtree.key, bitLength);
        this.markStale(subtree.key);
        this.write(bitLength, path, node);
        return { version: this.version, hash: subtree.hash, leaf: true };
      }
      case 'new-leaf': {
        const { key, value, valueHash } = subtree;
        this.write(bitLength, path, { kind: 'leaf', key, value, valueHash });
        return {
          version: this.version,
          hash: sparseLeafHash(this.hash, key, valueHash),
          leaf: true,
        };
      }
      case 'new-internal': {
        const { depth } = subtree;
        const refs: (SmtChildRef | null)[] = new Array<SmtChildRef | null>(RADIX);
        let changed = 0;
        for (let n = 0; n < RADIX; n++) {
          const child = subtree.children[n];
          if (child !== undefined) changed |= 1 << n;
          refs[n] =
            child === undefined
              ? (subtree.base?.children[n] ?? null)
              : child === null
                ? null
                : this.materialize(child, depth + RADIX_BITS, nibblePath(subtree.path, depth, n));
        }
        const prefix = prefixOf(subtree.path, depth);
        this.write(bitLength, path, { kind: 'internal', depth, path: prefix, children: refs });
        const { baseHash } = subtree;
        const memo: InnerHashMemo = {
          out: [],
          base: baseHash === undefined ? undefined : this.innerHashes?.take(baseHash),
          changed,
        };
        const hash = radixRangeHash(this.hash, radixChildrenOf(refs), 0, RADIX, memo);
        this.innerHashes?.set(hash, memo.out);
        return { version: this.version, hash, leaf: false };
      }
    }
  }

  private child(node: SmtInternalNode, nibble: number): StoredSubtree | null {
    const ref = node.children[nibble];
    if (ref === null || ref === undefined) return null;
    const path = nibblePath(node.path, node.depth, nibble);
    return {
      kind: 'stored',
      key: { version: ref.version, bitLength: node.depth + RADIX_BITS, path },
      hash: ref.hash,
      leaf: ref.leaf,
    };
  }

  private load(subtree: StoredSubtree): SmtLeafNode | SmtInternalNode {
    if (subtree.node === undefined) {
      const node = this.store.getNode(subtree.key);
      if (node === undefined || node.kind === 'null') throw missingNode(subtree.key);
      if ((node.kind === 'leaf') !== subtree.leaf) throw misplaced(subtree.key, -1);
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

/**
 * The end of the run of `items[from, hi)` whose keys have the nibble at `depth` of
 * `items[from]`'s: the keys are sorted and share their first `depth` bits, so a nibble's keys are
 * consecutive.
 */
function nibbleRunEnd(
  items: readonly { readonly key: Uint8Array }[],
  from: number,
  hi: number,
  depth: number,
): number {
  const n = nibbleAt(items[from]!.key, depth);
  let end = from + 1;
  while (end < hi && nibbleAt(items[end]!.key, depth) === n) end++;
  return end;
}

function isLeaf(subtree: Subtree): boolean {
  return subtree.kind === 'new-leaf' || (subtree.kind === 'stored' && subtree.leaf);
}

/** A node the tree refers to is not in the store. */
export function missingNode(key: NodeKey): MerkleError<'missing-node'> {
  return new MerkleError(
    'missing-node',
    { version: key.version, depth: key.bitLength },
    `merkle: the node of version ${key.version} at depth ${key.bitLength} is missing from the store (pruned, or a damaged store)`,
  );
}

/** A stored node is not what its position and its parent's reference say: a damaged store. */
function misplaced(key: NodeKey, depth: number): MerkleError<'missing-node'> {
  return new MerkleError(
    'missing-node',
    { version: key.version, depth: key.bitLength },
    `merkle: the node of version ${key.version} at depth ${key.bitLength} is not the node its parent refers to${depth >= 0 ? ` (found for depth ${depth})` : ''} (a damaged store)`,
  );
}
