import fc from 'fast-check';
import {
  type CborValue,
  CodecError,
  decodeValue,
  encodeValue,
  fromHex,
  referenceEncodeValue,
  toHex,
} from '../../src/codec';
import { FORBIDDEN, profileValue } from './profile-arbitraries';

const hex = (value: CborValue) => toHex(encodeValue(value));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('Trellis CBOR profile', () => {
  // RFC 8949 Appendix A examples that fall inside the profile (no floats, tags, undefined).
  it.each<[CborValue, string]>([
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000n, '1b000000e8d4a51000'],
    [18446744073709551615n, '1bffffffffffffffff'],
    [-18446744073709551616n, '3bffffffffffffffff'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [new Uint8Array(), '40'],
    [new Uint8Array([1, 2, 3, 4]), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['"\\', '62225c'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    ['\u{10151}', '64f0908591'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [{}, 'a0'],
    [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
    [['a', { b: 'c' }], '826161a161626163'],
  ])('rfc8949AppendixA_%j_encodesAs_%s', (value, expected) => {
    expect(hex(value)).toBe(expected);
    expect(toHex(encodeValue(decodeValue(fromHex(expected))))).toBe(expected);
  });

  it('mapKeys_areSortedBytewiseByTheirEncoding_rfc8949_4_2_1', () => {
    // "a" (61 61) < "b" (61 62) < "aa" (62 61 61): shorter encodings first, whatever the insertion order.
    expect(hex({ aa: 3, b: 1, a: 2 })).toBe('a361610261620162616103');
  });

  it('decodedValues_useBigintsAndNullPrototypeMaps', () => {
    const value = decodeValue(fromHex('a1616101')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(value['a']).toBe(1n);
  });

  it.each([
    ['1801', 'malformed', 'non-shortest integer'],
    ['5801ff', 'malformed', 'non-shortest length'],
    ['a2616201616101', 'malformed', 'unsorted keys'],
    ['a2616101616102', 'malformed', 'duplicate keys'],
    ['9f01ff', 'malformed', 'indefinite length'],
    ['f93c00', 'malformed', 'float'],
    ['f7', 'malformed', 'undefined'],
    ['f0', 'malformed', 'unassigned simple value'],
    ['c11a514b67b0', 'unsupported', 'tag 1'],
    ['c249010000000000000000', 'unsupported', 'bignum tag'],
    ['a10102', 'unsupported', 'integer map key'],
    ['a1695f5f70726f746f5f5f01', 'unsupported', '__proto__ key'],
    ['62c328', 'malformed', 'invalid UTF-8'],
    ['0101', 'malformed', 'trailing bytes'],
    ['', 'malformed', 'empty input'],
    ['5bffffffffffffffff', 'malformed', 'byte string longer than the input'],
    ['9bffffffffffffffff', 'malformed', 'array longer than the input'],
    ['83', 'malformed', 'truncated array'],
  ])('decode_%s_isRejectedAs_%s (%s)', (input, code) => {
    expect(codeOf(() => decodeValue(fromHex(input)))).toBe(code);
  });

  it('limits_sizeAndDepth_areEnforced', () => {
    expect(codeOf(() => decodeValue(new Uint8Array(10), { maxBytes: 9, maxDepth: 32 }))).toBe(
      'too-large',
    );
    const nested = (depth: number) => fromHex('81'.repeat(depth) + '00');
    expect(decodeValue(nested(32))).toBeDefined();
    expect(codeOf(() => decodeValue(nested(33)))).toBe('too-deep');
    expect(codeOf(() => decodeValue(nested(100_000), { maxBytes: 1 << 20, maxDepth: 32 }))).toBe(
      'too-deep',
    );
  });

  it.each<[string, unknown, string]>([
    ['a float', 1.5, 'unsupported'],
    ['NaN', NaN, 'unsupported'],
    ['an unsafe number', 2 ** 53, 'unsupported'],
    ['a too large bigint', 1n << 64n, 'unsupported'],
    ['a too small bigint', -(1n << 64n) - 1n, 'unsupported'],
    ['undefined', undefined, 'unsupported'],
    ['negative zero (a float)', -0, 'unsupported'],
    ['a Map', new Map(), 'unsupported'],
    ['a Date', new Date(0), 'unsupported'],
    ['a lone surrogate', 'a\ud800b', 'invalid'],
    ['a __proto__ key', JSON.parse('{"__proto__": 1}'), 'unsupported'],
    ['a lone surrogate in a map key', { 'a\ud800': 1 }, 'invalid'],
  ])('encode_%s_isRefused', (_name, value, code) => {
    expect(codeOf(() => encodeValue(value as CborValue))).toBe(code);
  });

  it('encode_loneSurrogateKeys_areRefusedAtTheirMap_notWrittenAsU+FFFD', () => {
    // Both keys would be written as EF BF BD: one map, two equal keys, bytes no decoder accepts.
    const twoKeys = { '\ud800': 1, '\udc00': 2 };
    expect(() => encodeValue({ outer: [twoKeys] })).toThrow(
      new CodecError(
        'invalid',
        'map key is not well-formed Unicode (lone surrogate)',
        '$.outer[0]',
      ),
    );
    expect(codeOf(() => referenceEncodeValue(twoKeys))).toBe('invalid');
    // A well-formed pair is one code point, not a lone surrogate.
    expect(hex({ '\ud83d\ude00': 1 })).toBe('a164f09f988001');
  });

  it('property_encodeThenDecode_givesTheSameValue_andTheSameBytes', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        const bytes = encodeValue(value);
        const decoded = decodeValue(bytes);
        expect(toHex(encodeValue(decoded))).toBe(toHex(bytes));
        expect(normalise(decoded)).toEqual(normalise(value));
      }),
      { numRuns: 500 },
    );
  });

  // encodeValue is a profile writer of our own; cbor2 (the decoder) is the reference encoding.
  const referenceValue: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.bigInt({ min: -(1n << 64n), max: (1n << 64n) - 1n }),
      fc.constantFrom(
        0n,
        23n,
        24n,
        255n,
        256n,
        65535n,
        65536n,
        (1n << 32n) - 1n,
        1n << 32n,
        -24n,
        -25n,
        -256n,
        -257n,
      ),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.array(tie('value'), { maxLength: 30 }),
      fc.dictionary(
        fc.string({ unit: 'grapheme', maxLength: 6 }).filter((k) => !FORBIDDEN.includes(k)),
        tie('value'),
        { maxKeys: 8, noNullPrototype: true },
      ),
    ),
  })).value;

  it('property_encodeValue_isByteForByteCbor2sDeterministicEncoding', () => {
    fc.assert(
      fc.property(referenceValue, (value) => {
        expect(toHex(encodeValue(value))).toBe(toHex(referenceEncodeValue(value)));
      }),
      { numRuns: 3000 },
    );
    // Lengths across every head size, for strings, bytes, arrays and maps.
    for (const n of [0, 23, 24, 255, 256, 65535, 65536, 70000]) {
      const values: CborValue[] = [
        'x'.repeat(n),
        new Uint8Array(n),
        Array.from({ length: Math.min(n, 300) }, () => 1n),
        Object.fromEntries(Array.from({ length: Math.min(n, 300) }, (_, i) => [`k${i}`, i])),
      ];
      for (const value of values) {
        expect(toHex(encodeValue(value))).toBe(toHex(referenceEncodeValue(value)));
      }
    }
  });

  it('encoderCaches_keyOrderAndAsciiText_neverChangeTheBytes', () => {
    const same = (value: CborValue) =>
      expect(toHex(encodeValue(value))).toBe(toHex(referenceEncodeValue(value)));
    // The key-order cache is keyed by the key list: lists that would collide if the keys were
    // simply joined, and one key set in two insertion orders.
    same({ a: 1, b: 2 });
    same({ 'a\u0000b': 1 });
    same({ 'a\u0000': 1, b: 2 });
    same({ '1:a1:b': 3 });
    same({ '1:a': 1, b: 2 });
    expect(hex({ b: 2, a: 1, aa: 3 })).toBe(hex({ aa: 3, a: 1, b: 2 }));
    // Lists that are prefixes of each other, and the empty list.
    same({ p: 1, q: 2, r: 3 });
    same({ p: 1, q: 2 });
    same({ p: 1 });
    same({});
    same({ p: 1, q: 2, r: 3, s: 4 });
    // Keys and texts around the ASCII fast path: non-ASCII, at and past 256 units, surrogates.
    for (const text of [
      '',
      'é',
      'é'.repeat(255),
      'a'.repeat(255) + 'é',
      'a'.repeat(256),
      '😀x',
      '\u007f\u0080',
    ]) {
      same(text);
      same({ [text]: text, z: [text] });
    }
    // More key lists than the cache keeps (16,384 keys in all): the slow path, the same bytes.
    for (let i = 0; i < 20_000; i++) {
      if (i % 500 === 0) same({ [`key-${i}`]: i, [`k${i}`]: 'v', é: i });
      else encodeValue({ [`key-${i}`]: i });
    }
  });

  it('fuzz_randomAndMutatedBytes_giveAValueOrACodecError_andAcceptedInputIsCanonical', () => {
    const mutated = fc
      .tuple(
        profileValue,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
      )
      .map(([value, edits]) => {
        const bytes = encodeValue(value).slice();
        for (const [at, byte] of edits) if (bytes.length > 0) bytes[at % bytes.length] = byte;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
        let decoded: CborValue;
        try {
          decoded = decodeValue(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CodecError);
          return;
        }
        // One value, one encoding: whatever is accepted re-encodes to exactly the input.
        expect(toHex(encodeValue(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});

/** Numbers as bigints, maps as plain sorted entries: the shape decoding produces. */
function normalise(value: CborValue): unknown {
  if (typeof value === 'number') return BigInt(value);
  if (value instanceof Uint8Array) return ['bytes', toHex(value)];
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => [k, normalise(v)])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
  }
  return value;
}
