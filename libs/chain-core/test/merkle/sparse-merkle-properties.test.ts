import fc from 'fast-check';
import {
  InMemoryNodeStore,
  InnerHashCache,
  MerkleError,
  SparseMerkleTree,
  decodeNodeKey,
  encodeNodeKey,
  encodeSparseProof,
  sparseEmptyHash,
  verifySparseProof,
  type NodeStore,
  type SparseMerkleProof,
  type SparseUpdate,
} from '../../src/merkle';
import { flipBit, hex, sha256, utf8 } from './helpers';
import {
  BytesNodeStore,
  keyOf,
  keySetArb,
  modelArb,
  reachableNodeKeys,
  referenceSmtRoot,
  valueArb,
  type Model,
} from './smt-helpers';

const RUNS = { numRuns: 60 };

/**
 * Where `version`'s tree keeps its nodes and what they are, versions left out: "bitLength/path
 * hex/kind", sorted. A leaf at its shallowest position (a multiple of 4), an internal node
 * wherever two or more keys share a position.
 */
function storedShape(store: NodeStore, version: number): string[] {
  return reachableNodeKeys(store, version)
    .map((encoded) => {
      const key = decodeNodeKey(keyOf(encoded));
      const kind = store.getNode(key)!.kind;
      return `${key.bitLength}/${hex(key.path)}/${kind}`;
    })
    .sort();
}
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

function treeOf(store: NodeStore = new InMemoryNodeStore()): SparseMerkleTree {
  return new SparseMerkleTree({ hash: sha256 }, { store });
}

const putsOf = (model: Model): SparseUpdate[] =>
  [...model].map(([k, value]) => ({ key: keyOf(k), value }));

/** Applies `updates` to a copy of `model`, in order. */
function applied(model: Model, updates: readonly SparseUpdate[]): Model {
  const next = new Map(model);
  for (const { key, value } of updates) {
    if (value === null) next.delete(hex(key));
    else next.set(hex(key), value);
  }
  return next;
}

/** Applies batch i as version i; returns the model at each version. */
function replay(tree: SparseMerkleTree, batches: readonly SparseUpdate[][]): Model[] {
  let model: Model = new Map();
  return batches.map((batch, version) => {
    tree.applyBatch(version, batch);
    model = applied(model, batch);
    return model;
  });
}

/** Every key the batches touch, once. */
const keysOf = (batches: readonly SparseUpdate[][]): Uint8Array[] =>
  [...new Set(batches.flat().map((u) => hex(u.key)))].map(keyOf);

/** Batches of updates over a pool of keys (so that keys are overwritten and deleted). */
const historyArb = (maxKeys: number, maxBatches: number) =>
  keySetArb(maxKeys).chain((pool) =>
    fc.array(
      fc.array(
        fc.record({
          key: pool.length > 0 ? fc.constantFrom(...pool) : key32,
          value: fc.option(valueArb, { nil: null, freq: 3 }),
        }),
        { maxLength: 12 },
      ),
      { minLength: 1, maxLength: maxBatches },
    ),
  );

/** Proves `key` at `version` and checks the proof against the model and the root. */
function expectProvable(tree: SparseMerkleTree, version: number, model: Model, key: Uint8Array) {
  const value = model.get(hex(key));
  expect(tree.get(version, key)).toEqual(value);
  const proof = tree.prove(version, key);
  expect(verifySparseProof(sha256, tree.rootAt(version), key, value, proof)).toBe(true);
  return proof;
}

/** Every way to change one thing in a proof: the sibling list, a sibling, the leaf. */
function tamperedProofs(proof: SparseMerkleProof, bit: number): SparseMerkleProof[] {
  const empty = sparseEmptyHash(sha256);
  const out: SparseMerkleProof[] = [];
  const { leaf, siblings } = proof;
  siblings.forEach((s, i) => {
    const changed = flipBit(s ?? empty, bit % 256);
    out.push({ leaf, siblings: siblings.map((t, j) => (j === i ? changed : t)) });
  });
  if (siblings.length > 0) out.push({ leaf, siblings: siblings.slice(1) });
  out.push({ leaf, siblings: [null, ...siblings] });
  out.push({ leaf, siblings: [...siblings, null] });
  if (leaf !== null) {
    out.push({ leaf: { ...leaf, key: flipBit(leaf.key, bit % 256) }, siblings });
    out.push({ leaf: { ...leaf, valueHash: flipBit(leaf.valueHash, bit % 256) }, siblings });
    out.push({ leaf: null, siblings });
  } else {
    out.push({ leaf: { key: new Uint8Array(32), valueHash: empty }, siblings });
  }
  return out;
}

describe('SparseMerkleTree properties (fast-check)', () => {
  it('root_isTheCanonicalRoot_andEveryKeyAndAbsentKeyIsProvable', () => {
    fc.assert(
      fc.property(modelArb(40), fc.array(key32, { maxLength: 4 }), (model, others) => {
        const tree = treeOf();
        const root = tree.applyBatch(1, putsOf(model));
        expect(hex(root)).toBe(hex(referenceSmtRoot(sha256, model)));
        for (const k of model.keys()) expectProvable(tree, 1, model, keyOf(k));
        // absent keys: random ones, and neighbours of present ones (they end on their leaf
        // or on an empty subtree next to it)
        const neighbours = [...model.keys()].slice(0, 4).map((k) => flipBit(keyOf(k), 255));
        for (const k of [...others, ...neighbours]) expectProvable(tree, 1, model, k);
      }),
      RUNS,
    );
  });

  it('anyTampering_ofProofValueOrRoot_isRejected_andAcceptedKeyChangesAreTrue', () => {
    fc.assert(
      fc.property(modelArb(30), key32, fc.nat(), fc.nat(), (model, absent, bit, pick) => {
        const tree = treeOf();
        const root = tree.applyBatch(1, putsOf(model));
        const keys = [...model.keys()].map(keyOf);
        const subjects = keys.length > 0 ? [keys[pick % keys.length]!, absent] : [absent];
        for (const key of subjects) {
          const value = model.get(hex(key));
          const proof = tree.prove(1, key);
          const verify = (r: Uint8Array, k: Uint8Array, v: Uint8Array | undefined, p = proof) =>
            verifySparseProof(sha256, r, k, v, p);
          expect(verify(root, key, value)).toBe(true);
          expect(verify(flipBit(root, bit % 256), key, value)).toBe(false);
          for (const p of tamperedProofs(proof, bit))
            expect(verify(root, key, value, p)).toBe(false);
          if (value === undefined) {
            expect(verify(root, key, new Uint8Array(0))).toBe(false); // claim a value
          } else {
            expect(verify(root, key, undefined)).toBe(false); // claim absence
            const other =
              value.length > 0 ? flipBit(value, bit % (8 * value.length)) : Uint8Array.of(0);
            expect(verify(root, key, other)).toBe(false);
          }
          // a flipped key bit: rejected on the proof's path; beyond it, a non-inclusion proof
          // also proves keys sharing the path, so acceptance must then be the truth
          for (const b of [bit % 256, (bit >>> 8) % Math.max(1, proof.siblings.length), 255]) {
            const k = flipBit(key, b);
            const accepted = verify(root, k, value);
            if (b < proof.siblings.length || value !== undefined) expect(accepted).toBe(false);
            if (accepted) expect(model.has(hex(k))).toBe(false);
          }
        }
      }),
      RUNS,
    );
  });

  it('root_dependsOnlyOnTheFinalKeySet_notOnOrderOrBatchSplit', () => {
    fc.assert(
      fc.property(historyArb(24, 6), fc.nat(), (batches, seed) => {
        const final = batches.reduce(applied, new Map<string, Uint8Array>());
        const expected = hex(referenceSmtRoot(sha256, final));
        // as generated: one version per batch
        const aStore = new InMemoryNodeStore();
        const a = treeOf(aStore);
        batches.forEach((batch, v) => a.applyBatch(v, batch));
        expect(hex(a.rootAt(batches.length - 1))).toBe(expected);
        // all updates in one batch
        const bStore = new InMemoryNodeStore();
        const b = treeOf(bStore);
        expect(hex(b.applyBatch(0, batches.flat()))).toBe(expected);
        // the final set, one key per version, in a rotated order
        const c = treeOf();
        const puts = putsOf(final);
        const shift = puts.length > 0 ? seed % puts.length : 0;
        const rotated = [...puts.slice(shift), ...puts.slice(0, shift)];
        rotated.forEach((update, v) => c.applyBatch(v, [update]));
        if (rotated.length > 0) expect(hex(c.rootAt(rotated.length - 1))).toBe(expected);
        // the stored shape too: the same positions and kinds, however the set was reached
        expect(storedShape(aStore, batches.length - 1)).toEqual(storedShape(bStore, 0));
      }),
      RUNS,
    );
  });

  it('deletingWhatABatchAdded_restoresTheEarlierRoot', () => {
    fc.assert(
      fc.property(modelArb(24), keySetArb(12), (model, added) => {
        const tree = treeOf();
        const before = tree.applyBatch(1, putsOf(model));
        const fresh = added.filter((k) => !model.has(hex(k)));
        tree.applyBatch(
          2,
          fresh.map((key) => ({ key, value: Uint8Array.of(1) })),
        );
        const after = tree.applyBatch(
          3,
          fresh.map((key) => ({ key, value: null })),
        );
        expect(hex(after)).toBe(hex(before));
      }),
      RUNS,
    );
  });

  it('everyVersion_staysReadableAndProvable_afterLaterWrites', () => {
    fc.assert(
      fc.property(historyArb(20, 6), key32, (batches, absent) => {
        const tree = treeOf();
        const snapshots = replay(tree, batches);
        snapshots.forEach((snapshot, v) => {
          expect(hex(tree.rootAt(v))).toBe(hex(referenceSmtRoot(sha256, snapshot)));
          for (const k of [...keysOf(batches), absent]) expectProvable(tree, v, snapshot, k);
        });
      }),
      RUNS,
    );
  });

  it('prune_keepsExactlyTheNodesOfTheKeptVersions_whichStayProvable', () => {
    fc.assert(
      fc.property(historyArb(20, 7), fc.nat(), (batches, rawUpto) => {
        const store = new InMemoryNodeStore();
        const tree = treeOf(store);
        const snapshots = replay(tree, batches);
        const stored = () =>
          store
            .nodeKeys()
            .map((k) => hex(encodeNodeKey(k)))
            .sort();
        const reachableFrom = (first: number) =>
          [
            ...new Set(
              snapshots.slice(first).flatMap((_, i) => reachableNodeKeys(store, first + i)),
            ),
          ].sort();
        // before pruning: every stored node belongs to some version (nothing leaks)
        const before = stored();
        expect(before).toEqual(reachableFrom(0));
        const upto = rawUpto % batches.length;
        const removed = tree.prune(upto);
        // after: exactly the nodes the kept versions reach (no needed node was stale)
        expect(stored()).toEqual(reachableFrom(upto));
        expect(removed).toBe(before.length - stored().length);
        for (let v = 0; v < upto; v++) {
          expect(() => tree.rootAt(v)).toThrow(MerkleError);
        }
        for (let v = upto; v < batches.length; v++) {
          for (const k of keysOf(batches)) expectProvable(tree, v, snapshots[v]!, k);
        }
        expect(tree.prune(upto)).toBe(0); // idempotent
      }),
      RUNS,
    );
  });

  it('innerHashCache_givesTheSameRoots_acrossVersionsAndForks_withFewerHashes', () => {
    let calls = 0;
    const counting = (data: Uint8Array) => {
      calls++;
      return sha256(data);
    };
    fc.assert(
      fc.property(historyArb(24, 6), historyArb(24, 3), (batches, fork) => {
        const plain = treeOf();
        // one cache shared by two trees that share history, then fork: a fork's nodes must not
        // corrupt the other's roots (the cache is keyed by content)
        const innerHashes = new InnerHashCache(8);
        const cachedStore = new InMemoryNodeStore();
        const cached = new SparseMerkleTree({ hash: sha256, innerHashes }, { store: cachedStore });
        const other = new SparseMerkleTree(
          { hash: sha256, innerHashes },
          { store: new InMemoryNodeStore() },
        );
        batches.forEach((batch, v) => {
          const expected = hex(plain.applyBatch(v, batch));
          expect(hex(cached.applyBatch(v, batch))).toBe(expected);
          expect(hex(other.applyBatch(v, batch))).toBe(expected);
        });
        let model = batches.reduce(applied, new Map<string, Uint8Array>());
        fork.forEach((batch, i) => {
          model = applied(model, batch);
          const v = batches.length + i;
          expect(hex(other.applyBatch(v, batch))).toBe(hex(referenceSmtRoot(sha256, model)));
        });
        const last = batches.length - 1;
        for (const k of batches.flat().map((u) => u.key)) {
          expect(hex(encodeSparseProof(cached.prove(last, k)))).toBe(
            hex(encodeSparseProof(plain.prove(last, k))),
          );
        }
      }),
      RUNS,
    );
    // and it saves hashing: 300 random keys, then 30 batches of 10
    const run = (innerHashes?: InnerHashCache) => {
      const tree = new SparseMerkleTree(
        { hash: counting, ...(innerHashes ? { innerHashes } : {}) },
        { store: new InMemoryNodeStore() },
      );
      const random = fc.sample(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
        numRuns: 600,
        seed: 7,
      });
      tree.applyBatch(
        0,
        random.slice(0, 300).map((key) => ({ key, value: utf8('v') })),
      );
      calls = 0;
      for (let v = 1; v <= 30; v++) {
        const keys = random.slice(300 + (v - 1) * 10, 300 + v * 10);
        tree.applyBatch(
          v,
          keys.map((key) => ({ key, value: utf8('w') })),
        );
      }
      return calls;
    };
    const without = run();
    const withCache = run(new InnerHashCache());
    expect(withCache).toBeLessThan(without * 0.8);
  });

  it('aStoreOfBytes_throughTheNodeCodec_givesTheSameRootsAndProofs', () => {
    fc.assert(
      fc.property(historyArb(16, 4), key32, (batches, absent) => {
        const memory = treeOf();
        const bytes = treeOf(new BytesNodeStore());
        batches.forEach((batch, v) => {
          expect(hex(bytes.applyBatch(v, batch))).toBe(hex(memory.applyBatch(v, batch)));
        });
        const last = batches.length - 1;
        for (const k of [...batches.flat().map((u) => u.key), absent]) {
          const a = encodeSparseProof(memory.prove(last, k));
          expect(hex(encodeSparseProof(bytes.prove(last, k)))).toBe(hex(a));
        }
        bytes.prune(last);
        memory.prune(last);
        expect(hex(bytes.rootAt(last))).toBe(hex(memory.rootAt(last)));
      }),
      { numRuns: 30 },
    );
  });
});
