import type { HashFn } from '../../src/codec';
/**
 * docs/spec/vectors/merkle-*.json: test vectors for independent verifiers, generated here from
 * the code and compared with the checked-in files, so that they cannot drift. After a
 * deliberate change: `UPDATE_VECTORS=1 npm run test:unit -- libs/chain-core/test/merkle`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  InMemoryNodeStore,
  MerkleTree,
  SparseMerkleTree,
  encodeSparseProof,
  merkleRoot,
  sparseEmptyHash,
  verifyConsistency,
  verifyInclusion,
  verifySparseProof,
  type SparseMerkleProof,
  type SparseUpdate,
} from '../../src/merkle';
import { hex, numberedLeaves, sha256, sm3, unhex, utf8 } from './helpers';
import { LEAVES } from './rfc9162-vectors';
import { referenceSmtRoot } from './smt-helpers';

const VECTORS = path.resolve(__dirname, '../../../../docs/spec/vectors');
const GENERATOR = 'libs/chain-core/test/merkle/spec-vectors.test.ts';
const HASHES: [string, HashFn][] = [
  ['sha256', sha256],
  ['sm3', sm3],
];

function rfc9162Tree(hash: HashFn, name: string, leaves: Uint8Array[]) {
  const tree = MerkleTree.fromLeaves(hash, leaves);
  const n = leaves.length;
  return {
    name,
    leaves: leaves.map(hex),
    leafHashes: leaves.map((_, i) => hex(tree.leafHash(i))),
    rootsBySize: leaves.map((_, i) => hex(merkleRoot(hash, leaves.slice(0, i + 1)))),
    inclusionProofs: leaves.map((_, index) => ({
      index,
      treeSize: n,
      proof: tree.inclusionProof(index).map(hex),
    })),
    consistencyProofs: Array.from({ length: n - 1 }, (_, i) => ({
      oldSize: i + 1,
      newSize: n,
      proof: tree.consistencyProof(i + 1).map(hex),
    })),
  };
}

function rfc9162Vectors(hashName: string, hash: HashFn) {
  return {
    description:
      'RFC 9162 §2.1 Merkle Tree Hash (transaction and receipt roots): docs/spec/proofs.md §2. ' +
      'rootsBySize[i] is the root of the first i + 1 leaves; proof elements are ordered from ' +
      'the leaf level up.',
    generatedBy: GENERATOR,
    hash: hashName,
    emptyRoot: hex(merkleRoot(hash, [])),
    trees: [
      rfc9162Tree(hash, 'certificate-transparency-8', LEAVES.map(unhex)),
      rfc9162Tree(hash, 'u32-be-0-to-12', numberedLeaves(13)),
    ],
  };
}

const name = (text: string): Uint8Array => sha256(utf8(text));
const flip = (key: Uint8Array, bit: number): Uint8Array => {
  const out = new Uint8Array(key);
  out[bit >> 3] = out[bit >> 3]! ^ (0x80 >> (bit & 7));
  return out;
};

/** The SMT vector history: keys are SHA-256 of names (for every hash), values UTF-8. */
const PAIR = name('pair');
const HISTORY: { version: number; updates: [string, Uint8Array, string | null][] }[] = [
  {
    version: 1,
    updates: [
      ['alice', name('alice'), 'balance=100'],
      ['bob', name('bob'), 'balance=50'],
      ['carol', name('carol'), 'balance=7'],
      ['dave', name('dave'), ''],
      ['pair', PAIR, 'shares 255 bits with pair+1'],
      ['pair+1', flip(PAIR, 255), 'shares 255 bits with pair'],
    ],
  },
  {
    version: 2,
    updates: [
      ['bob', name('bob'), 'balance=75'],
      ['carol', name('carol'), null],
      ['erin', name('erin'), 'balance=1'],
    ],
  },
];

function smtVectors(hashName: string, hash: HashFn) {
  const store = new InMemoryNodeStore();
  const tree = new SparseMerkleTree({ hash }, { store });
  const versions = HISTORY.map(({ version, updates }) => {
    const batch: SparseUpdate[] = updates.map(([, key, value]) => ({
      key,
      value: value === null ? null : utf8(value),
    }));
    const root = tree.applyBatch(version, batch);
    return {
      version,
      updates: updates.map(([label, key, value]) => ({
        label,
        key: hex(key),
        value: value === null ? null : hex(utf8(value)),
      })),
      root: hex(root),
    };
  });
  const proofOf = (description: string, version: number, key: Uint8Array) => {
    const proof = tree.prove(version, key);
    const value = tree.get(version, key);
    return {
      description,
      version,
      key: hex(key),
      value: value === undefined ? null : hex(value),
      proof: proofJson(proof),
      encoded: hex(encodeSparseProof(proof)),
    };
  };
  // absent keys whose paths end on an empty subtree and on another key's leaf
  const candidates = Array.from({ length: 64 }, (_, i) => name(`absent-${i}`));
  const endsOnEmpty = candidates.find((k) => tree.prove(2, k).leaf === null)!;
  const endsOnLeaf = candidates.find((k) => tree.prove(2, k).leaf !== null)!;
  return {
    description:
      'Sparse Merkle tree (world state): docs/spec/proofs.md §3. Keys are SHA-256 of the labels ' +
      'in every file; values are UTF-8 bytes, given in hex (null: deleted or absent). Siblings ' +
      'are ordered from the key position up; null is the empty-subtree hash.',
    generatedBy: GENERATOR,
    hash: hashName,
    prefixes: { leaf: '80', internal: '81', empty: '82' },
    emptyRoot: hex(sparseEmptyHash(hash)),
    versions,
    proofs: [
      proofOf('inclusion', 2, name('bob')),
      proofOf('inclusion of an empty value', 2, name('dave')),
      proofOf('inclusion at depth 256 (keys sharing 255 bits)', 2, flip(PAIR, 255)),
      proofOf('inclusion at an older version', 1, name('carol')),
      proofOf('non-inclusion of a deleted key', 2, name('carol')),
      proofOf('non-inclusion: the path ends on an empty subtree', 2, endsOnEmpty),
      proofOf("non-inclusion: the path ends on another key's leaf", 2, endsOnLeaf),
      proofOf('non-inclusion: leaves a compressed path at bit 254', 2, flip(PAIR, 254)),
    ],
  };
}

function proofJson(proof: SparseMerkleProof) {
  return {
    leaf:
      proof.leaf === null
        ? null
        : { key: hex(proof.leaf.key), valueHash: hex(proof.leaf.valueHash) },
    siblings: proof.siblings.map((s) => (s === null ? null : hex(s))),
  };
}

const FILES: [string, () => object][] = HASHES.flatMap(([hashName, hash]) => [
  [`merkle-rfc9162-${hashName}.json`, () => rfc9162Vectors(hashName, hash)],
  [`merkle-smt-${hashName}.json`, () => smtVectors(hashName, hash)],
]);

describe('docs/spec/vectors/merkle-*.json', () => {
  it.each(FILES)('%s_isWhatTheCodeGenerates', async (file, build) => {
    const generated = build();
    const target = path.join(VECTORS, file);
    if (process.env['UPDATE_VECTORS'] === '1') {
      const prettier = await import('prettier');
      const options = (await prettier.resolveConfig(target)) ?? {};
      const text = await prettier.format(JSON.stringify(generated), {
        ...options,
        filepath: target,
      });
      fs.mkdirSync(VECTORS, { recursive: true });
      fs.writeFileSync(target, text);
    }
    const checkedIn: unknown = JSON.parse(fs.readFileSync(target, 'utf8'));
    expect(checkedIn).toEqual(generated);
  });

  // What an independent verifier does with the files: every proof in them verifies.
  it.each(HASHES)('rfc9162Vectors_%s_verify', (hashName, hash) => {
    const file = JSON.parse(
      fs.readFileSync(path.join(VECTORS, `merkle-rfc9162-${hashName}.json`), 'utf8'),
    ) as ReturnType<typeof rfc9162Vectors>;
    for (const tree of file.trees) {
      const root = unhex(tree.rootsBySize[tree.rootsBySize.length - 1]!);
      for (const p of tree.inclusionProofs) {
        const leaf = { data: unhex(tree.leaves[p.index]!) };
        expect(verifyInclusion(hash, leaf, p.index, p.treeSize, p.proof.map(unhex), root)).toBe(
          true,
        );
      }
      for (const p of tree.consistencyProofs) {
        const oldRoot = unhex(tree.rootsBySize[p.oldSize - 1]!);
        expect(
          verifyConsistency(hash, p.oldSize, p.newSize, p.proof.map(unhex), oldRoot, root),
        ).toBe(true);
      }
    }
  });

  it.each(HASHES)('smtVectors_%s_verify_andMatchTheDefinition', (hashName, hash) => {
    const file = JSON.parse(
      fs.readFileSync(path.join(VECTORS, `merkle-smt-${hashName}.json`), 'utf8'),
    ) as ReturnType<typeof smtVectors>;
    const state = new Map<string, Uint8Array>();
    const roots = new Map<number, string>();
    for (const { version, updates, root } of file.versions) {
      for (const u of updates) {
        if (u.value === null) state.delete(u.key);
        else state.set(u.key, unhex(u.value));
      }
      expect(hex(referenceSmtRoot(hash, state))).toBe(root);
      roots.set(version, root);
    }
    for (const p of file.proofs) {
      const proof: SparseMerkleProof = {
        leaf:
          p.proof.leaf === null
            ? null
            : { key: unhex(p.proof.leaf.key), valueHash: unhex(p.proof.leaf.valueHash) },
        siblings: p.proof.siblings.map((s) => (s === null ? null : unhex(s))),
      };
      const value = p.value === null ? undefined : unhex(p.value);
      const root = unhex(roots.get(p.version)!);
      expect(verifySparseProof(hash, root, unhex(p.key), value, proof)).toBe(true);
    }
  });
});
