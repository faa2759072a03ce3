import fc from 'fast-check';
import {
  ByteArena,
  InMemoryNodeStore,
  MerkleError,
  SparseMerkleTree,
  decodeNodeKey,
  decodeSmtNode,
  decodeSparseProof,
  encodeNodeKey,
  encodeSmtNode,
  encodeSparseProof,
  verifySparseProof,
  type SparseMerkleProof,
} from '../../src/merkle';
import { flipBit, hex, sha256, utf8 } from './helpers';
import { keyOf, modelArb } from './smt-helpers';

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** Runs `decode`; returns what it gave, or undefined when it threw a `malformed` MerkleError. */
function decodeOrMalformed<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    expect(error).toBeInstanceOf(MerkleError);
    expect((error as MerkleError).code).toBe('malformed');
    return undefined;
  }
}

/** Random bytes, and valid encodings with bytes flipped, cut, added or inserted. */
const mutated = (valid: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
      const out = new Uint8Array(valid);
      if (out.length > 0) out[at % out.length] = out[at % out.length]! ^ x;
      return out;
    }),
    fc.nat().map((cut) => valid.subarray(0, cut % (valid.length + 1))),
    fc
      .uint8Array({ minLength: 1, maxLength: 40 })
      .map((more) => new Uint8Array([...valid, ...more])),
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, more]) => {
      const i = at % (valid.length + 1);
      return new Uint8Array([...valid.subarray(0, i), ...more, ...valid.subarray(i)]);
    }),
  );

function fixedTree(): { tree: SparseMerkleTree; root: Uint8Array; store: InMemoryNodeStore } {
  const store = new InMemoryNodeStore();
  const tree = new SparseMerkleTree({ hash: sha256 }, { store });
  const updates = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((name) => ({
    key: sha256(utf8(name)),
    value: utf8(`value of ${name}`),
  }));
  const near = new Uint8Array(updates[0]!.key);
  near[31] = near[31]! ^ 1; // parts from alpha's key at bit 255
  updates.push({ key: near, value: utf8('near alpha') });
  return { tree, root: tree.applyBatch(1, updates), store };
}

describe('sparse proof encoding', () => {
  it('encodeThenDecode_givesTheSameProof', () => {
    fc.assert(
      fc.property(modelArb(30), key32, (model, absent) => {
        const store = new InMemoryNodeStore();
        const tree = new SparseMerkleTree({ hash: sha256 }, { store });
        tree.applyBatch(
          0,
          [...model].map(([k, value]) => ({ key: keyOf(k), value })),
        );
        for (const key of [...[...model.keys()].slice(0, 5).map(keyOf), absent]) {
          const proof = tree.prove(0, key);
          const bytes = encodeSparseProof(proof);
          expect(decodeSparseProof(bytes, 32)).toEqual(proof);
          const nonNull = proof.siblings.filter((s) => s !== null).length;
          const leafBytes = proof.leaf === null ? 0 : 64;
          expect(bytes.length).toBe(
            4 + Math.ceil(proof.siblings.length / 8) + leafBytes + 32 * nonNull,
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  it('decoding_randomBytes_givesAProofOrAMalformedError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        (bytes, n) => {
          decodeOrMalformed(() => decodeSparseProof(bytes, n));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decoding_mutatedProofs_givesAMalformedErrorOrAProofThatDoesNotVerify', () => {
    const { tree, root } = fixedTree();
    const subjects: [Uint8Array, Uint8Array | undefined][] = [
      [sha256(utf8('alpha')), utf8('value of alpha')],
      [sha256(utf8('zeta')), undefined],
    ];
    for (const [key, value] of subjects) {
      const valid = encodeSparseProof(tree.prove(1, key));
      fc.assert(
        fc.property(mutated(valid), (bytes) => {
          const proof = decodeOrMalformed(() => decodeSparseProof(bytes, 32));
          if (proof !== undefined && hex(bytes) !== hex(valid)) {
            expect(verifySparseProof(sha256, root, key, value, proof)).toBe(false);
          }
        }),
        { numRuns: 500 },
      );
    }
  });

  it('everySingleBitFlip_ofAnEncodedProof_isMalformedOrRejected', () => {
    const { tree, root } = fixedTree();
    const alpha = sha256(utf8('alpha'));
    const onAlphasPath = new Uint8Array(alpha);
    onAlphasPath[31] = onAlphasPath[31]! ^ 2; // absent; its path ends next to alpha's pair
    const cases: [Uint8Array, Uint8Array | undefined][] = [
      [alpha, utf8('value of alpha')],
      [sha256(utf8('zeta')), undefined],
      [onAlphasPath, undefined],
    ];
    let flips = 0;
    for (const [key, value] of cases) {
      const valid = encodeSparseProof(tree.prove(1, key));
      expect(verifySparseProof(sha256, root, key, value, decodeSparseProof(valid, 32))).toBe(true);
      for (let bit = 0; bit < valid.length * 8; bit++) {
        const proof = decodeOrMalformed(() => decodeSparseProof(flipBit(valid, bit), 32));
        if (proof !== undefined)
          expect(verifySparseProof(sha256, root, key, value, proof)).toBe(false);
        flips++;
      }
    }
    expect(flips).toBeGreaterThan(1000);
  });

  it('decoding_aMegabyte_endsAtOnce', () => {
    const big = new Uint8Array(1 << 20).fill(0xff);
    const started = performance.now();
    decodeOrMalformed(() => decodeSparseProof(big, 32));
    decodeOrMalformed(() => decodeSmtNode(big));
    decodeOrMalformed(() => decodeNodeKey(big));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('encode_rejectsProofsItCannotRepresent', () => {
    const bad: SparseMerkleProof[] = [
      { leaf: null, siblings: Array.from({ length: 257 }, () => null) },
      { leaf: { key: new Uint8Array(31), valueHash: new Uint8Array(32) }, siblings: [] },
      { leaf: null, siblings: [new Uint8Array(32), new Uint8Array(20)] },
    ];
    for (const proof of bad) {
      expect(() => encodeSparseProof(proof)).toThrow(MerkleError);
    }
    expect(() => decodeSparseProof(new Uint8Array(4), 0)).toThrow(MerkleError);
  });

  it('malformedError_namesTheOffset', () => {
    const error = (() => {
      try {
        decodeSparseProof(Uint8Array.of(1, 0, 0, 2, 0x20), 32); // bit 2 set: padding
      } catch (e) {
        return e as MerkleError<'malformed'>;
      }
      throw new Error('expected a throw');
    })();
    expect(error.meta).toEqual({ what: 'sparse-proof', offset: 4 });
    expect(error.message).toContain('bitmap');
  });
});

describe('node and node-key encodings (for persistent stores)', () => {
  it('everyStoredNodeAndKey_roundTrips', () => {
    const { store } = fixedTree();
    const keys = store.nodeKeys();
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      expect(decodeNodeKey(encodeNodeKey(key))).toEqual(key);
      const bytes = encodeSmtNode(store.getNode(key)!);
      const decoded = decodeSmtNode(bytes);
      expect(decoded.kind).toBe(store.getNode(key)!.kind);
      expect(hex(encodeSmtNode(decoded))).toBe(hex(bytes));
    }
    // the same bytes written into one arena, none overlapping another (a small chunk: several)
    const arena = new ByteArena(256);
    const rows = keys.map((key) => [
      encodeNodeKey(key, arena),
      encodeSmtNode(store.getNode(key)!, arena),
    ]);
    rows.forEach(([k, v], i) => {
      expect(hex(k!)).toBe(hex(encodeNodeKey(keys[i]!)));
      expect(hex(v!)).toBe(hex(encodeSmtNode(store.getNode(keys[i]!)!)));
    });
  });

  it('decoding_refusesInternalNodesTheTreeNeverWrites', () => {
    const child = { version: 7, hash: new Uint8Array(32).fill(1) };
    const internal = (depth: number, leaves: boolean[]) =>
      encodeSmtNode({
        kind: 'internal',
        depth,
        path: new Uint8Array(32),
        children: Array.from({ length: 16 }, (_, n) =>
          n < leaves.length ? { ...child, leaf: leaves[n]! } : null,
        ),
      });
    // a valid one: two leaves, or one internal child
    expect(decodeSmtNode(internal(8, [true, true])).kind).toBe('internal');
    expect(decodeSmtNode(internal(252, [false])).kind).toBe('internal');
    // the encoder refuses depths off a nibble boundary and at the bottom
    expect(() => internal(5, [true, true])).toThrow(MerkleError);
    expect(() => internal(256, [true, true])).toThrow(MerkleError);
    const withByte = (bytes: Uint8Array, at: number, value: number) => {
      const out = new Uint8Array(bytes);
      out[at] = value;
      return out;
    };
    // depth 8 is: tag, depth, 1 path byte, L, u16 children, u16 leaves, then the children
    const valid = internal(8, [true, true]);
    const refused = [
      withByte(valid, 1, 5), // depth not on a nibble boundary
      withByte(valid, 3, 0), // hash length 0
      internal(8, [true]), // a lone leaf sits at its parent's position instead
      internal(8, []), // no child at all
      withByte(valid, 6, 0x80), // a leaf bit without a child
    ];
    for (const bytes of refused) {
      expect(decodeOrMalformed(() => decodeSmtNode(bytes))).toBeUndefined();
    }
  });

  it('decoding_randomAndMutatedBytes_givesANodeOrAMalformedError', () => {
    const { store } = fixedTree();
    const samples = store
      .nodeKeys()
      .flatMap((key) => [encodeNodeKey(key), encodeSmtNode(store.getNode(key)!)]);
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...samples).chain(mutated)),
        (bytes) => {
          decodeOrMalformed(() => decodeSmtNode(bytes));
          decodeOrMalformed(() => decodeNodeKey(bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
