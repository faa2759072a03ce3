import fc from 'fast-check';
import {
  MerkleError,
  MerkleTree,
  consistencyProof,
  inclusionProof,
  merkleLeafHash,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle';
import {
  flipBit,
  hex,
  numberedLeaves,
  pathTurns,
  referenceMth,
  referencePath,
  referenceProof,
  seededRandom,
  sha256,
  sm3,
  unhex,
} from './helpers';
import { CONSISTENCY_PROOFS, EMPTY_ROOT, INCLUSION_PROOFS, LEAVES, ROOTS } from './rfc9162-vectors';

const leaves = LEAVES.map(unhex);
const hexes = (list: readonly Uint8Array[]): string[] => list.map(hex);
const SOME_HASH = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('RFC 9162 Merkle Tree Hash: known answers (transparency-dev/merkle)', () => {
  it('root_ofTheEmptyTree_isHashOfNothing', () => {
    expect(hex(merkleRoot(sha256, []))).toBe(EMPTY_ROOT);
  });

  it.each(ROOTS.map((root, i) => [i + 1, root]))('root_ofTheFirst%iLeaves_matches', (n, root) => {
    expect(hex(merkleRoot(sha256, leaves.slice(0, n as number)))).toBe(root);
  });

  it.each(INCLUSION_PROOFS)('inclusionProof_leaf$index_ofSize$size_matchesAndVerifies', (v) => {
    const proof = inclusionProof(sha256, leaves.slice(0, v.size), v.index);
    expect(hexes(proof)).toEqual(v.proof);
    const root = unhex(ROOTS[v.size - 1]!);
    expect(verifyInclusion(sha256, { data: leaves[v.index]! }, v.index, v.size, proof, root)).toBe(
      true,
    );
  });

  it.each(CONSISTENCY_PROOFS)('consistencyProof_$oldSize_to_$newSize_matchesAndVerifies', (v) => {
    const proof = consistencyProof(sha256, leaves.slice(0, v.newSize), v.oldSize);
    expect(hexes(proof)).toEqual(v.proof);
    const [oldRoot, newRoot] = [ROOTS[v.oldSize - 1]!, ROOTS[v.newSize - 1]!].map(unhex);
    expect(verifyConsistency(sha256, v.oldSize, v.newSize, proof, oldRoot!, newRoot!)).toBe(true);
  });

  // The corruptions transparency-dev's verifierCheck applies to each known proof.
  it.each(INCLUSION_PROOFS.filter((v) => v.size > 1))(
    'verifyInclusion_corruptedVectorProof_leaf$index_ofSize$size_isRejected',
    (v) => {
      const root = unhex(ROOTS[v.size - 1]!);
      const leafHash = merkleLeafHash(sha256, leaves[v.index]!);
      const proof = v.proof.map(unhex);
      const empty = unhex(EMPTY_ROOT);
      const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [v.index - 1, v.size, root, leafHash, proof],
        [v.index + 1, v.size, root, leafHash, proof],
        [v.index ^ 2, v.size, root, leafHash, proof],
        [v.index, v.size * 2, root, leafHash, proof],
        [v.index, Math.floor(v.size / 2), root, leafHash, proof],
        [v.index, v.size, root, new TextEncoder().encode('WrongLeaf'), proof],
        [v.index, v.size, empty, leafHash, proof],
        [v.index, v.size, SOME_HASH, leafHash, proof],
        [v.index, v.size, root, leafHash, [...proof, new Uint8Array(0)]],
        [v.index, v.size, root, leafHash, [...proof, root]],
        [v.index, v.size, root, leafHash, [new Uint8Array(0), ...proof]],
        [v.index, v.size, root, leafHash, [root, ...proof]],
        [v.index, v.size, root, leafHash, proof.slice(0, -1)],
        [v.index, v.size, root, leafHash, [proof[0]!, SOME_HASH, ...proof.slice(1)]],
        ...proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
          v.index,
          v.size,
          root,
          leafHash,
          proof.map((p, j) => (j === i ? flipBit(p, 4) : p)),
        ]),
      ];
      for (const [index, size, r, leaf, p] of probes) {
        expect(verifyInclusion(sha256, { leafHash: leaf }, index, size, p, r)).toBe(false);
      }
    },
  );

  it('verifyInclusion_singleLeafTree_acceptsOnlyItsLeafHashAsRoot', () => {
    const leaf = merkleLeafHash(sha256, new TextEncoder().encode('data'));
    const none = new Uint8Array(0);
    expect(verifyInclusion(sha256, { leafHash: leaf }, 0, 1, [], leaf)).toBe(true);
    expect(verifyInclusion(sha256, { leafHash: none }, 0, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(sha256, { leafHash: leaf }, 0, 1, [], none)).toBe(false);
    expect(verifyInclusion(sha256, { leafHash: none }, 0, 1, [], none)).toBe(false);
  });

  it('verifyConsistency_edgeSizes_followTheDocumentedRules', () => {
    const empty = unhex(EMPTY_ROOT);
    const r1 = unhex(ROOTS[0]!);
    const r2 = unhex(ROOTS[1]!);
    expect(verifyConsistency(sha256, 0, 0, [], empty, empty)).toBe(true);
    expect(verifyConsistency(sha256, 0, 1, [], empty, r1)).toBe(true);
    expect(verifyConsistency(sha256, 1, 1, [], r1, r1)).toBe(true);
    expect(verifyConsistency(sha256, 0, 1, [], r2, r1)).toBe(false); // old root is not HASH()
    expect(verifyConsistency(sha256, 1, 1, [], r1, r2)).toBe(false); // same size, other root
    expect(verifyConsistency(sha256, 1, 1, [empty], r1, r1)).toBe(false); // proof not empty
    expect(verifyConsistency(sha256, 0, 1, [empty], empty, r1)).toBe(false);
    expect(verifyConsistency(sha256, 1, 0, [], r1, empty)).toBe(false); // time travel
    expect(verifyConsistency(sha256, 2, 1, [], r2, r1)).toBe(false);
    expect(verifyConsistency(sha256, 1, 2, [], r1, r2)).toBe(false); // proof needed
  });
});

describe('RFC 9162 Merkle Tree Hash: against the RFC definitions', () => {
  it('rootsPathsAndConsistencyProofs_forEveryTreeUpTo48Leaves_equalTheRecursiveDefinitions', () => {
    const all = numberedLeaves(48);
    for (let n = 0; n <= 48; n++) {
      const d = all.slice(0, n);
      const tree = MerkleTree.fromLeaves(sha256, d);
      expect(hex(tree.root())).toBe(hex(referenceMth(sha256, d)));
      for (let m = 0; m < n; m++) {
        expect(hexes(tree.inclusionProof(m))).toEqual(hexes(referencePath(sha256, m, d)));
      }
      for (let m = 1; m < n; m++) {
        expect(hexes(tree.consistencyProof(m))).toEqual(hexes(referenceProof(sha256, m, d)));
      }
    }
  });

  it('fromLeafHashes_givesTheSameTreeAsFromLeaves', () => {
    const d = numberedLeaves(13);
    const byHash = MerkleTree.fromLeafHashes(
      sha256,
      d.map((leaf) => merkleLeafHash(sha256, leaf)),
    );
    expect(hex(byHash.root())).toBe(hex(merkleRoot(sha256, d)));
    expect(hexes(byHash.inclusionProof(11))).toEqual(hexes(inclusionProof(sha256, d, 11)));
  });

  it('tree_isHashAgnostic_withSm3', () => {
    const d = numberedLeaves(21);
    const tree = MerkleTree.fromLeaves(sm3, d);
    expect(hex(tree.root())).toBe(hex(referenceMth(sm3, d)));
    expect(hex(tree.root())).not.toBe(hex(merkleRoot(sha256, d)));
    for (let i = 0; i < d.length; i++) {
      expect(
        verifyInclusion(sm3, { data: d[i]! }, i, 21, tree.inclusionProof(i), tree.root()),
      ).toBe(true);
    }
    expect(verifyConsistency(sm3, 8, 21, tree.consistencyProof(8), tree.root(), tree.root())).toBe(
      false,
    );
    const old = MerkleTree.fromLeaves(sm3, d.slice(0, 8));
    expect(verifyConsistency(sm3, 8, 21, tree.consistencyProof(8), old.root(), tree.root())).toBe(
      true,
    );
  });
});

describe('RFC 9162 inclusion proofs for trees of 1..1000 leaves', () => {
  const all = numberedLeaves(1000);
  const random = seededRandom(9162);
  const sameTurns = (a: boolean[], b: boolean[]): boolean =>
    a.length === b.length && a.every((turn, i) => turn === b[i]);

  it('proofs_verify_andEveryTamperingIsRejected', () => {
    const leafHashes = all.map((leaf) => merkleLeafHash(sha256, leaf));
    const failures: string[] = [];
    const expectVerify = (
      expected: boolean,
      what: string,
      leafHash: Uint8Array,
      index: number,
      size: number,
      proof: Uint8Array[],
      root: Uint8Array,
    ): void => {
      if (verifyInclusion(sha256, { leafHash }, index, size, proof, root) !== expected) {
        failures.push(`${what}: index ${index}, size ${size} should give ${expected}`);
      }
    };
    for (let n = 1; n <= 1000; n++) {
      const tree = MerkleTree.fromLeafHashes(sha256, leafHashes.slice(0, n));
      const root = tree.root();
      const indexes = n <= 16 ? [...Array(n).keys()] : [0, n - 1, random(n), random(n)];
      for (const i of indexes) {
        const leaf = leafHashes[i]!;
        const proof = tree.inclusionProof(i);
        expectVerify(true, 'the proof', leaf, i, n, proof, root);
        // a flipped bit in the leaf, in a proof element, in the root
        expectVerify(false, 'flipped leaf', flipBit(leaf, random(256)), i, n, proof, root);
        if (proof.length > 0) {
          const j = random(proof.length);
          const p = proof.map((h, k) => (k === j ? flipBit(h, random(256)) : h));
          expectVerify(false, `flipped proof[${j}]`, leaf, i, n, p, root);
        }
        expectVerify(false, 'flipped root', leaf, i, n, proof, flipBit(root, random(256)));
        // another index of the same tree
        const other = n === 1 ? 1 : (i + 1 + random(n - 1)) % n;
        expectVerify(false, 'other index', leaf, other, n, proof, root);
        // another size: accepted exactly when the path to i takes the same turns (see
        // verifyInclusion's doc: the tree size comes from the header, not the proof)
        for (const size of [n + 1 + random(n), random(n)]) {
          const same = i < size && sameTurns(pathTurns(i, n), pathTurns(i, size));
          expectVerify(same, 'other size', leaf, i, size, proof, root);
        }
        // a proof element removed or added
        if (proof.length > 0) expectVerify(false, 'shorter', leaf, i, n, proof.slice(1), root);
        expectVerify(false, 'longer', leaf, i, n, [...proof, root], root);
      }
    }
    expect(failures).toEqual([]);
  });

  it('property_randomTreeIndexAndBit_flipIsRejected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('leaf', 'proof', 'root'),
        (n, rawIndex, rawBit, where) => {
          const tree = MerkleTree.fromLeaves(sha256, all.slice(0, n));
          const i = rawIndex % n;
          const proof = tree.inclusionProof(i);
          const root = tree.root();
          let data = all[i]!;
          let r = root;
          let p = proof;
          if (where === 'leaf') data = flipBit(data, rawBit % 32);
          if (where === 'root') r = flipBit(root, rawBit % 256);
          if (where === 'proof' && proof.length > 0) {
            const j = rawBit % proof.length;
            p = proof.map((h, k) => (k === j ? flipBit(h, (rawBit >>> 8) % 256) : h));
          }
          const tampered = data !== all[i] || r !== root || p !== proof;
          expect(verifyInclusion(sha256, { data }, i, n, p, r)).toBe(!tampered);
        },
      ),
      { numRuns: 150, seed: 9162 },
    );
  });
});

describe('RFC 9162 consistency proofs', () => {
  const all = numberedLeaves(1000);

  it('proofs_forEveryPairOfSizesUpTo64_verify', () => {
    const trees = Array.from({ length: 65 }, (_, n) =>
      MerkleTree.fromLeaves(sha256, all.slice(0, n)),
    );
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = trees[n]!.consistencyProof(m);
        const ok = verifyConsistency(sha256, m, n, proof, trees[m]!.root(), trees[n]!.root());
        expect([m, n, ok]).toEqual([m, n, true]);
      }
    }
  });

  it('property_tamperedConsistencyProof_isRejected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 1000 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('proof', 'oldRoot', 'newRoot', 'oldSize', 'newSize', 'truncate'),
        (n, rawM, rawBit, where) => {
          const m = 1 + (rawM % (n - 1)); // 0 < m < n
          const tree = MerkleTree.fromLeaves(sha256, all.slice(0, n));
          const oldRoot = MerkleTree.fromLeaves(sha256, all.slice(0, m)).root();
          const newRoot = tree.root();
          const proof = tree.consistencyProof(m);
          expect(verifyConsistency(sha256, m, n, proof, oldRoot, newRoot)).toBe(true);
          const bit = rawBit % 256;
          const j = rawBit % proof.length;
          const tampered = {
            proof: () =>
              verifyConsistency(
                sha256,
                m,
                n,
                proof.map((h, k) => (k === j ? flipBit(h, bit) : h)),
                oldRoot,
                newRoot,
              ),
            oldRoot: () => verifyConsistency(sha256, m, n, proof, flipBit(oldRoot, bit), newRoot),
            newRoot: () => verifyConsistency(sha256, m, n, proof, oldRoot, flipBit(newRoot, bit)),
            oldSize: () => verifyConsistency(sha256, m + 1, n, proof, oldRoot, newRoot),
            newSize: () => verifyConsistency(sha256, m, 2 * n, proof, oldRoot, newRoot),
            truncate: () => verifyConsistency(sha256, m, n, proof.slice(0, -1), oldRoot, newRoot),
          }[where];
          expect(tampered()).toBe(false);
        },
      ),
      { numRuns: 150, seed: 4 },
    );
  });
});

describe('RFC 9162 argument handling', () => {
  const d = numberedLeaves(5);
  const tree = MerkleTree.fromLeaves(sha256, d);

  it.each([
    ['index', () => inclusionProof(sha256, d, 5)],
    ['index', () => inclusionProof(sha256, d, -1)],
    ['index', () => inclusionProof(sha256, d, 1.5)],
    ['leaves[2]', () => merkleRoot(sha256, [d[0]!, d[1]!, 'x' as never])],
    ['leaves', () => merkleRoot(sha256, 'x' as never)],
    ['oldSize', () => consistencyProof(sha256, d, 6)],
    ['leafHashes[0]', () => MerkleTree.fromLeafHashes(sha256, [new Uint8Array(31)])],
    ['hash', () => merkleRoot((() => 'x') as never, d)],
  ])('producer_badArgument_throwsInvalidArgumentNaming_%s', (field, run) => {
    const error = thrown(run);
    expect(error).toBeInstanceOf(MerkleError);
    expect((error as MerkleError).code).toBe('invalid-argument');
    expect((error as MerkleError<'invalid-argument'>).meta.field).toBe(field);
  });

  it('verifiers_malformedInput_returnFalseWithoutThrowing', () => {
    const root = tree.root();
    const proof = tree.inclusionProof(2);
    const leaf = { data: d[2]! };
    expect(verifyInclusion(sha256, leaf, 2, 5, proof, root)).toBe(true);
    const bad: [unknown, unknown, unknown, unknown, unknown][] = [
      [leaf, 2, 5, [...proof.slice(0, 2), proof[2]!.subarray(1)], root],
      [leaf, 2, 5, proof, root.subarray(1)],
      [leaf, 2.5, 5, proof, root],
      [leaf, Number.NaN, 5, proof, root],
      [leaf, 2, Number.POSITIVE_INFINITY, proof, root],
      [leaf, 2, 2 ** 60, proof, root],
      [leaf, 5, 5, proof, root],
      [leaf, 2, 5, 'proof', root],
      [leaf, 2, 5, [...proof, null], root],
      [{ leafHash: d[2] }, 2, 5, proof, root],
      [{}, 2, 5, proof, root],
      [null, 2, 5, proof, root],
      [{ data: 'x' }, 2, 5, proof, root],
    ];
    for (const [l, i, n, p, r] of bad) {
      expect(
        verifyInclusion(sha256, l as never, i as never, n as never, p as never, r as never),
      ).toBe(false);
    }
    const c = tree.consistencyProof(3);
    const old = merkleRoot(sha256, d.slice(0, 3));
    expect(verifyConsistency(sha256, 3, 5, c, old, root)).toBe(true);
    expect(verifyConsistency(sha256, 3, 5, [...c, new Uint8Array(0)], old, root)).toBe(false);
    expect(verifyConsistency(sha256, -3, 5, c, old, root)).toBe(false);
    expect(verifyConsistency(sha256, 3, 5.5, c, old, root)).toBe(false);
    expect(verifyConsistency(sha256, 3, 5, 'c' as never, old, root)).toBe(false);
    expect(verifyConsistency(sha256, 3, 5, c, old.subarray(2), root)).toBe(false);
  });

  it('tree_returnsCopies_soCallersCannotChangeIt', () => {
    const root = tree.root();
    const [mutable] = tree.inclusionProof(0);
    mutable![0] = 0;
    tree.root().fill(0);
    expect(hex(tree.root())).toBe(hex(root));
    expect(verifyInclusion(sha256, { data: d[0]! }, 0, 5, tree.inclusionProof(0), root)).toBe(true);
  });
});
