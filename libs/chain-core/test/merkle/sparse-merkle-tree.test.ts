import type { HashFn } from '../../src/codec';
import {
  InMemoryNodeStore,
  InnerHashCache,
  MerkleError,
  SparseMerkleTree,
  sparseEmptyHash,
  sparseInternalHash,
  sparseLeafHash,
  verifySparseProof,
  type MerkleErrorCode,
} from '../../src/merkle';
import { hex, sha256, sm3, utf8 } from './helpers';
import { BytesNodeStore, keyOf, referenceSmtRoot } from './smt-helpers';

function setup(hash: HashFn = sha256): { tree: SparseMerkleTree; store: InMemoryNodeStore } {
  const store = new InMemoryNodeStore();
  return { tree: new SparseMerkleTree({ hash }, { store }), store };
}

/** A key with `first` as byte 0 and `last` as byte 31, zero between. */
function key(first: number, last = 0): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = first;
  k[31] = last;
  return k;
}

function thrownBy(run: () => unknown): MerkleError {
  try {
    run();
  } catch (error) {
    if (error instanceof MerkleError) return error;
    throw error;
  }
  throw new Error('expected a MerkleError');
}

function expectCode(run: () => unknown, code: MerkleErrorCode): MerkleError {
  const error = thrownBy(run);
  expect(error.code).toBe(code);
  return error;
}

const model = (...entries: [Uint8Array, string][]): Map<string, Uint8Array> =>
  new Map(entries.map(([k, v]) => [hex(k), utf8(v)]));

describe('SparseMerkleTree: shapes and hashes', () => {
  it('rootAt_beforeAnyVersion_isVersionNotFound', () => {
    const { tree } = setup();
    const error = expectCode(() => tree.rootAt(0), 'version-not-found');
    expect(error.meta).toEqual({ version: 0 });
  });

  it('emptyBatch_onNothing_givesTheEmptyRoot_andProvesAbsence', () => {
    const { tree } = setup();
    const root = tree.applyBatch(0, []);
    expect(hex(root)).toBe(hex(sha256(Uint8Array.of(0x82))));
    expect(hex(root)).toBe(hex(sparseEmptyHash(sha256)));
    const proof = tree.prove(0, key(1));
    expect(proof).toEqual({ leaf: null, siblings: [] });
    expect(verifySparseProof(sha256, root, key(1), undefined, proof)).toBe(true);
    expect(verifySparseProof(sha256, root, key(1), utf8('x'), proof)).toBe(false);
  });

  it('oneKey_rootIsItsLeafHash', () => {
    const { tree } = setup();
    const root = tree.applyBatch(1, [{ key: key(7), value: utf8('seven') }]);
    expect(hex(root)).toBe(hex(sparseLeafHash(sha256, key(7), sha256(utf8('seven')))));
    expect(tree.prove(1, key(7)).siblings).toEqual([]);
    // another key's path ends at the same leaf: non-inclusion by a different leaf
    const proof = tree.prove(1, key(8));
    expect(hex(proof.leaf!.key)).toBe(hex(key(7)));
    expect(verifySparseProof(sha256, root, key(8), undefined, proof)).toBe(true);
  });

  it('twoKeysPartingAtBit0_rootIsTheInternalHashOfBothLeaves', () => {
    const { tree } = setup();
    const root = tree.applyBatch(1, [
      { key: key(0x80), value: utf8('right') },
      { key: key(0x00), value: utf8('left') },
    ]);
    const left = sparseLeafHash(sha256, key(0x00), sha256(utf8('left')));
    const right = sparseLeafHash(sha256, key(0x80), sha256(utf8('right')));
    expect(hex(root)).toBe(hex(sparseInternalHash(sha256, left, right)));
  });

  it('twoKeysPartingAtBit255_hashEveryOneSidedLevel_andProveAtDepth256', () => {
    const { tree } = setup();
    const entries = model([key(5, 0), 'a'], [key(5, 1), 'b']);
    const root = tree.applyBatch(1, [
      { key: key(5, 0), value: utf8('a') },
      { key: key(5, 1), value: utf8('b') },
    ]);
    expect(hex(root)).toBe(hex(referenceSmtRoot(sha256, entries)));
    const proof = tree.prove(1, key(5, 1));
    expect(proof.siblings).toHaveLength(256);
    expect(proof.siblings.filter((s) => s !== null)).toHaveLength(1);
    expect(verifySparseProof(sha256, root, key(5, 1), utf8('b'), proof)).toBe(true);
    // a key leaving the shared path at bit 254 lands on an empty subtree
    const absent = tree.prove(1, key(5, 2));
    expect(absent.leaf).toBeNull();
    expect(absent.siblings).toHaveLength(255);
    expect(verifySparseProof(sha256, root, key(5, 2), undefined, absent)).toBe(true);
  });

  it('tree_isHashAgnostic_withSm3', () => {
    const { tree } = setup(sm3);
    const entries = model([key(1), 'one'], [key(2), 'two'], [key(3, 9), 'three']);
    const root = tree.applyBatch(
      1,
      [...entries].map(([k, value]) => ({ key: keyOf(k), value })),
    );
    expect(hex(root)).toBe(hex(referenceSmtRoot(sm3, entries)));
    expect(hex(root)).not.toBe(hex(referenceSmtRoot(sha256, entries)));
    expect(verifySparseProof(sm3, root, key(2), utf8('two'), tree.prove(1, key(2)))).toBe(true);
    expect(verifySparseProof(sm3, root, key(4), undefined, tree.prove(1, key(4)))).toBe(true);
    expect(verifySparseProof(sha256, root, key(2), utf8('two'), tree.prove(1, key(2)))).toBe(false);
  });
});

describe('SparseMerkleTree: the stored radix-16 tree (docs/spec/proofs.md §4)', () => {
  /** The nodes version `v` wrote: "bitLength/first byte of the path (hex)/kind", sorted. */
  const writtenAt = (store: InMemoryNodeStore, v: number): string[] =>
    store
      .nodeKeys()
      .filter((k) => k.version === v)
      .map((k) => `${k.bitLength}/${hex(k.path.subarray(0, 1))}/${store.getNode(k)!.kind}`)
      .sort();

  it('nodesSitAtNibblePositions_aLeafWhereItIsAlone_andItMovesUpWhenItsNeighbourGoes', () => {
    const { tree, store } = setup();
    const a = key(0x00); // nibbles 0, 0: shares its first nibble with b
    const b = key(0x01); // nibbles 0, 1
    const c = key(0x80); // nibble 8: alone under the root
    const root1 = tree.applyBatch(1, [
      { key: a, value: utf8('a') },
      { key: b, value: utf8('b') },
      { key: c, value: utf8('c') },
    ]);
    expect(hex(root1)).toBe(hex(referenceSmtRoot(sha256, model([a, 'a'], [b, 'b'], [c, 'c']))));
    // the root node, the node for nibble 0 with a and b one nibble further down, and c
    expect(writtenAt(store, 1)).toEqual([
      '0/00/internal',
      '4/00/internal',
      '4/80/leaf',
      '8/00/leaf',
      '8/01/leaf',
    ]);
    // deleting b leaves a alone under nibble 0: it moves up, and the node it was in goes stale
    const root2 = tree.applyBatch(2, [{ key: b, value: null }]);
    expect(hex(root2)).toBe(hex(referenceSmtRoot(sha256, model([a, 'a'], [c, 'c']))));
    expect(writtenAt(store, 2)).toEqual(['0/00/internal', '4/00/leaf']);
    const stale = store.nodeKeys().filter((k) => k.version === 1);
    expect(tree.prune(2)).toBe(4); // the old root, the nibble-0 node, a's old leaf and b's
    expect(store.nodeKeys().filter((k) => k.version === 1)).toHaveLength(stale.length - 4);
    expect(tree.get(2, a)).toEqual(utf8('a'));
    expect(tree.get(2, b)).toBeUndefined();
    expect(verifySparseProof(sha256, root2, a, utf8('a'), tree.prove(2, a))).toBe(true);
    // a's proof ends where it is alone in the binary tree, bit 1, not at its stored depth 4
    expect(tree.prove(2, a).siblings).toHaveLength(1);
  });
});

describe('InnerHashCache', () => {
  it('take_returnsOnlyTheSameHash_once_andTheOldestEntriesGoFirst', () => {
    const cache = new InnerHashCache(2);
    const h1 = new Uint8Array(32).fill(7);
    const h2 = new Uint8Array(h1);
    h2[31] = 8; // the same first 48 bits, another hash
    const inner = [undefined, new Uint8Array(32).fill(1)];
    cache.set(h1, inner);
    expect(cache.take(h2)).toBeUndefined(); // a lookalike is a miss
    expect(cache.take(h1)).toBe(inner);
    expect(cache.take(h1)).toBeUndefined(); // taken once
    const h3 = new Uint8Array(32).fill(3);
    const h4 = new Uint8Array(32).fill(4);
    cache.set(h1, inner);
    cache.set(h3, inner);
    cache.set(h4, inner); // past the bound: h1, the oldest, goes
    expect(cache.size).toBe(2);
    expect(cache.take(h1)).toBeUndefined();
    expect(cache.take(h3)).toBe(inner);
    expect(cache.take(h4)).toBe(inner);
  });
});

describe('SparseMerkleTree: batches and versions', () => {
  it('get_returnsTheValueAtEachVersion_andUndefinedForAbsentKeys', () => {
    const { tree } = setup();
    tree.applyBatch(1, [{ key: key(1), value: utf8('a') }]);
    tree.applyBatch(2, [
      { key: key(1), value: utf8('b') },
      { key: key(2), value: new Uint8Array(0) },
    ]);
    tree.applyBatch(5, [{ key: key(1), value: null }]);
    expect(tree.get(1, key(1))).toEqual(utf8('a'));
    expect(tree.get(2, key(1))).toEqual(utf8('b'));
    expect(tree.get(2, key(2))).toEqual(new Uint8Array(0)); // an empty value is a value
    expect(tree.get(5, key(1))).toBeUndefined();
    expect(tree.get(1, key(2))).toBeUndefined();
    expect(tree.latestVersion()).toBe(5);
    expectCode(() => tree.get(3, key(1)), 'version-not-found');
  });

  it('applyBatch_sameKeyTwice_lastUpdateWins', () => {
    const { tree } = setup();
    tree.applyBatch(1, [
      { key: key(1), value: utf8('first') },
      { key: key(1), value: utf8('second') },
      { key: key(2), value: utf8('kept') },
      { key: key(2), value: null },
      { key: key(2), value: utf8('back') },
    ]);
    expect(tree.get(1, key(1))).toEqual(utf8('second'));
    expect(tree.get(1, key(2))).toEqual(utf8('back'));
  });

  it('applyBatch_noOpUpdates_keepTheRoot_andWriteOnlyTheNewRootNode', () => {
    const { tree, store } = setup();
    const root = tree.applyBatch(1, [
      { key: key(1), value: utf8('a') },
      { key: key(2), value: utf8('b') },
      { key: key(3), value: utf8('c') },
    ]);
    const before = store.nodeCount;
    const same = tree.applyBatch(2, [
      { key: key(1), value: utf8('a') }, // the value it has
      { key: key(9), value: null }, // absent
      { key: key(3, 1), value: null }, // absent, on an existing leaf's path
    ]);
    expect(hex(same)).toBe(hex(root));
    expect(store.nodeCount).toBe(before + 1);
  });

  it('applyBatch_versionNotAboveTheLatest_isRejectedWithTheNumbers', () => {
    const { tree } = setup();
    tree.applyBatch(7, []);
    const error = expectCode(() => tree.applyBatch(7, []), 'version-not-increasing');
    expect(error.meta).toEqual({ version: 7, latestVersion: 7 });
    expect(error.message).toContain('version 7 is not above the latest version 7');
  });

  it.each([
    [
      'updates[1].key',
      [
        { key: key(1), value: null },
        { key: new Uint8Array(31), value: null },
      ],
    ],
    ['updates[0].key', [{ key: 'k', value: null }]],
    ['updates[0].value', [{ key: key(1), value: 'v' }]],
    ['updates[0].value', [{ key: key(1) }]],
    ['updates[0]', [null]],
    ['updates', 'x'],
  ])('applyBatch_badInput_namesTheField_%s', (field, updates) => {
    const { tree } = setup();
    const error = expectCode(() => tree.applyBatch(1, updates as never), 'invalid-argument');
    expect(error.meta).toEqual({ field });
  });

  it.each([
    ['version', (t: SparseMerkleTree) => t.applyBatch(-1, [])],
    ['version', (t: SparseMerkleTree) => t.rootAt(1.5)],
    ['key', (t: SparseMerkleTree) => t.get(0, new Uint8Array(33))],
    ['key', (t: SparseMerkleTree) => t.prove(0, 'k' as never)],
    ['uptoVersion', (t: SparseMerkleTree) => t.prune(1)],
  ])('badArgument_namesIt_%s', (field, run) => {
    const { tree } = setup();
    tree.applyBatch(0, []);
    expect(expectCode(() => run(tree), 'invalid-argument').meta).toEqual({ field });
  });

  it('inputsAndOutputs_areCopies_evenForBuffers', () => {
    const { tree } = setup();
    const k = Buffer.alloc(32, 1);
    const v = Buffer.from('value');
    const root = tree.applyBatch(1, [{ key: k, value: v }]);
    k.fill(2);
    v.fill(0);
    tree.get(1, Buffer.alloc(32, 1))!.fill(0);
    tree.rootAt(1).fill(0);
    root.fill(0);
    expect(tree.get(1, Buffer.alloc(32, 1))).toEqual(utf8('value'));
    expect(tree.get(1, k)).toBeUndefined();
    const proof = tree.prove(1, Buffer.alloc(32, 1));
    expect(
      verifySparseProof(sha256, tree.rootAt(1), Buffer.alloc(32, 1), utf8('value'), proof),
    ).toBe(true);
  });

  it('prune_onAnEmptyStore_removesNothing', () => {
    const { tree } = setup();
    expect(tree.prune(0)).toBe(0);
  });

  it('aMissingNode_isReportedAsMissingNode_withItsPosition', () => {
    const store = new BytesNodeStore();
    const tree = new SparseMerkleTree({ hash: sha256 }, { store });
    tree.applyBatch(3, [
      { key: key(0x00), value: utf8('a') },
      { key: key(0x80), value: utf8('b') },
    ]);
    const [leafKey] = [...store.nodes.keys()].filter((k) => !k.startsWith('00000000000000030000'));
    store.nodes.delete(leafKey!);
    const errors = [key(0x00), key(0x80)].map((k) => {
      try {
        tree.get(3, k);
        return undefined;
      } catch (error) {
        return error;
      }
    });
    const error = errors.find((e) => e !== undefined) as MerkleError<'missing-node'>;
    expect(error).toBeInstanceOf(MerkleError);
    expect(error.code).toBe('missing-node');
    expect(error.meta).toEqual({ version: 3, depth: 4 }); // the leaves sit below the root node, one nibble down
  });
});
