import {
  encodeNodeKey,
  encodeSparseProof,
  InMemoryNodeStore,
  MerkleError,
  SparseMerkleTree,
  verifySparseProof,
  type NodeStore,
  type SparseUpdate,
  type StaleNodeEntry,
} from '../../src/merkle';
import { OverlayNodeStore, type CommitRecord } from '../../src/storage';
import { expectStorageError, hex, id32, Scratch, seededRandom, sha256 } from './helpers';

const scratch = new Scratch();
afterAll(() => scratch.dispose());

const tree = (store: NodeStore): SparseMerkleTree =>
  new SparseMerkleTree({ hash: sha256 }, { store });

/** `versions` batches of updates over a pool of 40 keys: puts, overwrites and deletes. */
function history(seed: number, versions: number): SparseUpdate[][] {
  const random = seededRandom(seed);
  const pool = Array.from({ length: 40 }, (_, i) => id32(`smt key ${seed}/${i}`));
  return Array.from({ length: versions }, () =>
    Array.from({ length: 1 + random(12) }, () => ({
      key: pool[random(pool.length)]!,
      value: random(4) === 0 ? null : Uint8Array.of(random(256), random(256)),
    })),
  );
}

const staleIds = (entries: readonly StaleNodeEntry[]): string[] =>
  entries.map((e) => `${e.staleSinceVersion}:${hex(encodeNodeKey(e.nodeKey))}`).sort();

/** A block record carrying only a node batch, for heights whose contents do not matter here. */
function nodeOnlyBlock(height: bigint, nodeBatch: CommitRecord['nodeBatch']): CommitRecord {
  const label = `block ${height}`;
  return {
    height,
    hash: id32(label),
    block: new Uint8Array(0),
    result: new Uint8Array(0),
    batches: [],
    receipts: [],
    txIds: [],
    stateWrites: [],
    nodeBatch,
  };
}

describe('LMDB NodeStore', () => {
  test('nodeStore_drivenBySparseMerkleTree_matchesInMemoryRootsProofsAndPruning', async () => {
    const path = scratch.dir();
    let store = scratch.open(path);
    const reference = new InMemoryNodeStore();
    const lmdbTree = tree(store.nodeStore());
    const memoryTree = tree(reference);
    const batches = history(7, 30);
    batches.forEach((updates, version) => {
      expect(lmdbTree.applyBatch(version, updates)).toEqual(
        memoryTree.applyBatch(version, updates),
      );
    });
    const keys = [...new Set(batches.flat().map((u) => hex(u.key)))].map((k) =>
      Uint8Array.from(Buffer.from(k, 'hex')),
    );
    const sameAt = (a: SparseMerkleTree, b: SparseMerkleTree, version: number): void => {
      expect(a.rootAt(version)).toEqual(b.rootAt(version));
      for (const key of keys.slice(0, 12)) {
        const proof = a.prove(version, key);
        expect(encodeSparseProof(proof)).toEqual(encodeSparseProof(b.prove(version, key)));
        expect(verifySparseProof(sha256, a.rootAt(version), key, a.get(version, key), proof)).toBe(
          true,
        );
      }
    };
    for (const version of [0, 9, 29]) sameAt(lmdbTree, memoryTree, version);

    // The stale index: the same entries, oldest first.
    const lmdbStale = store.nodeStore().staleEntries(29, 100_000);
    expect(staleIds(lmdbStale)).toEqual(staleIds(reference.staleEntries(29, 100_000)));
    const since = lmdbStale.map((e) => e.staleSinceVersion);
    expect(since).toEqual([...since].sort((a, b) => a - b));
    expect(
      store
        .nodeStore()
        .staleEntries(10, 5)
        .every((e) => e.staleSinceVersion <= 10),
    ).toBe(true);

    // Pruning through the tree, and through the store, removes the same nodes.
    expect(lmdbTree.prune(15)).toBe(memoryTree.prune(15));
    expect(store.pruneStaleNodes(20)).toBe(memoryTree.prune(20));
    expect(staleIds(store.nodeStore().staleEntries(29, 100_000))).toEqual(
      staleIds(reference.staleEntries(29, 100_000)),
    );
    for (const version of [20, 25, 29]) sameAt(lmdbTree, memoryTree, version);
    for (const t of [lmdbTree, memoryTree]) {
      expect(() => t.rootAt(3)).toThrow(MerkleError);
    }

    // Reopened, the store goes on where it was.
    await store.close();
    store = scratch.open(path);
    const reopened = tree(store.nodeStore());
    expect(reopened.latestVersion()).toBe(29);
    const next = history(8, 1)[0]!;
    expect(reopened.applyBatch(30, next)).toEqual(memoryTree.applyBatch(30, next));
    sameAt(reopened, memoryTree, 30);
  });

  test('writeBatch_whenVersionNotAbove_isRefusedAndNothingWritten', () => {
    const store = scratch.open();
    const nodes = store.nodeStore();
    tree(nodes).applyBatch(3, history(1, 1)[0]!);
    expectStorageError(
      () => nodes.writeBatch({ version: 3, nodes: [], stale: [] }),
      'version-not-increasing',
      'node batch version 3 is not above the latest version 3',
    );
    expect(nodes.latestVersion()).toBe(3);
    expectStorageError(
      () =>
        nodes.writeBatch({
          version: 4,
          nodes: [
            { key: { version: 2, bitLength: 0, path: new Uint8Array(32) }, node: { kind: 'null' } },
          ],
          stale: [],
        }),
      'invalid-argument',
      'batch.nodes[0].key.version: must be the batch version 4, got 2',
    );
    expect(nodes.latestVersion()).toBe(3);
  });
});

describe('OverlayNodeStore', () => {
  test('overlay_chainedTwiceThenCommitted_givesTheSameRootsAsWritingDirectly', () => {
    const [b0, b1, b2] = history(11, 3) as [SparseUpdate[], SparseUpdate[], SparseUpdate[]];
    const direct = scratch.open();
    const directTree = tree(direct.nodeStore());
    const roots = [
      directTree.applyBatch(0, b0),
      directTree.applyBatch(1, b1),
      directTree.applyBatch(2, b2),
    ];

    const store = scratch.open();
    store.commitBlock(
      nodeOnlyBlock(
        0n,
        (() => {
          const o = new OverlayNodeStore(store.nodeStore());
          expect(tree(o).applyBatch(0, b0)).toEqual(roots[0]);
          return o.pendingBatch();
        })(),
      ),
    );
    const first = new OverlayNodeStore(store.nodeStore());
    const second = new OverlayNodeStore(first);
    expect(tree(first).applyBatch(1, b1)).toEqual(roots[1]);
    expect(tree(second).applyBatch(2, b2)).toEqual(roots[2]);
    expect(second.latestVersion()).toBe(2);
    // Nothing reached the committed store yet.
    expect(store.nodeStore().latestVersion()).toBe(0);
    expect(
      store.nodeStore().getNode({ version: 1, bitLength: 0, path: new Uint8Array(32) }),
    ).toBeUndefined();

    store.commitBlock(nodeOnlyBlock(1n, first.pendingBatch()));
    store.commitBlock(nodeOnlyBlock(2n, second.pendingBatch()));
    const committed = tree(store.nodeStore());
    expect([0, 1, 2].map((v) => committed.rootAt(v))).toEqual(roots);
    expect(staleIds(store.nodeStore().staleEntries(2, 10_000))).toEqual(
      staleIds(direct.nodeStore().staleEntries(2, 10_000)),
    );
    for (const { key } of b2) {
      expect(encodeSparseProof(committed.prove(2, key))).toEqual(
        encodeSparseProof(directTree.prove(2, key)),
      );
    }
  });

  test('overlay_forkedOverOneParent_keepsEachBranchApart', () => {
    const store = scratch.open();
    const base = tree(store.nodeStore());
    base.applyBatch(0, history(2, 1)[0]!);
    const left = new OverlayNodeStore(store.nodeStore());
    const right = new OverlayNodeStore(store.nodeStore());
    const leftRoot = tree(left).applyBatch(1, [{ key: id32('k'), value: Uint8Array.of(1) }]);
    const rightRoot = tree(right).applyBatch(1, [{ key: id32('k'), value: Uint8Array.of(2) }]);
    expect(leftRoot).not.toEqual(rightRoot);
    expect(tree(left).get(1, id32('k'))).toEqual(Uint8Array.of(1));
    expect(tree(right).get(1, id32('k'))).toEqual(Uint8Array.of(2));
    expect(tree(right).rootAt(0)).toEqual(base.rootAt(0)); // older versions read through
    store.commitBlock(nodeOnlyBlock(0n, right.pendingBatch()));
    expect(base.rootAt(1)).toEqual(rightRoot);
  });

  test('overlay_refusesASecondVersionAStaleVersionAndPruning', () => {
    const store = scratch.open();
    tree(store.nodeStore()).applyBatch(4, history(3, 1)[0]!);
    const overlay = new OverlayNodeStore(store.nodeStore());
    expect(overlay.latestVersion()).toBe(4);
    expect(overlay.pendingBatch()).toBeUndefined();
    expectStorageError(
      () => overlay.writeBatch({ version: 4, nodes: [], stale: [] }),
      'version-not-increasing',
      'node batch version 4 is not above the latest version 4',
    );
    overlay.writeBatch({ version: 6, nodes: [], stale: [] });
    expect(overlay.latestVersion()).toBe(6);
    expectStorageError(
      () => overlay.writeBatch({ version: 7, nodes: [], stale: [] }),
      'overlay-full',
      'already holds version 6; chain a new OverlayNodeStore on it for version 7',
    );
    expectStorageError(
      () => overlay.staleEntries(6, 10),
      'unsupported',
      'prune the committed store',
    );
    expectStorageError(() => overlay.removeStale([]), 'unsupported', 'overlays are never pruned');
    expectStorageError(
      () => new OverlayNodeStore({} as NodeStore),
      'invalid-argument',
      'parent: must be a NodeStore',
    );
  });
});
