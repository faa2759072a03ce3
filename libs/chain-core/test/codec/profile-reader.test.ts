/**
 * decodeValue (the hand-written ProfileReader) against referenceDecodeValue (cbor2 with the
 * profile's checks around it, what decodeValue was before): on profile values, random bytes,
 * mutated encodings and near-profile CBOR, both accept the same inputs with the same values
 * and reject the rest with the same error code. One deliberate difference, tested below: an
 * array or map count larger than the bytes left is refused as malformed at its head, where the
 * reference reads on and, given more than 512 levels of nesting after it, says too-deep.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CborValue,
  CodecError,
  copyDecoded,
  DEFAULT_LIMITS,
  type DecodeLimits,
  decodeValue,
  encodeValue,
  fromHex,
  referenceDecodeValue,
  toHex,
} from '../../src/codec';
import { encodedSize } from '../../src/codec/cbor';
import { FORBIDDEN, profileValue } from './profile-arbitraries';

type Decode = (bytes: Uint8Array, limits?: DecodeLimits) => CborValue;

/**
 * A decoded value written out with everything the profile promises about its JS shape: bigints,
 * plain Uint8Array copies (never views of the input), plain arrays, null-prototype maps with
 * their keys in order. Anything else is written so that it can never match.
 */
function shape(value: unknown, input: Uint8Array): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) {
    const plain = Object.getPrototypeOf(value) === Uint8Array.prototype;
    const copy = value.buffer !== input.buffer;
    return `${plain ? '' : 'NOT-A-PLAIN-UINT8ARRAY '}${copy ? '' : 'A-VIEW-OF-THE-INPUT '}h'${toHex(value)}'`;
  }
  if (Array.isArray(value)) {
    const plain = Object.getPrototypeOf(value) === Array.prototype;
    return `${plain ? '' : 'NOT-A-PLAIN-ARRAY '}[${value.map((item) => shape(item, input)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) === null ? '' : 'NOT-NULL-PROTOTYPE ';
    const entries = Object.entries(value as Record<string, unknown>);
    return `${prototype}{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${shape(v, input)}`).join(', ')}}`;
  }
  return `UNEXPECTED ${typeof value}`;
}

/** What a decoder makes of the input: the value's shape, or the CodecError's code. */
function outcome(decode: Decode, bytes: Uint8Array, limits: DecodeLimits): string {
  try {
    return `value ${shape(decode(bytes, limits), bytes)}`;
  } catch (error) {
    if (error instanceof CodecError) return `error ${error.code}`;
    throw error;
  }
}

function rejection(decode: Decode, bytes: Uint8Array, limits = DEFAULT_LIMITS): CodecError {
  try {
    decode(bytes, limits);
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error(`${toHex(bytes)} was accepted`);
}

/** Both decoders agree; when they accept, the input is the value's one encoding. */
function expectAgreement(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_LIMITS): string {
  const ours = outcome(decodeValue, bytes, limits);
  expect(ours).toBe(outcome(referenceDecodeValue, bytes, limits));
  const accepted = ours.startsWith('value ');
  // (encodeValue itself nests at most DEFAULT_LIMITS.maxDepth deep.)
  if (accepted && limits.maxDepth <= DEFAULT_LIMITS.maxDepth) {
    expect(toHex(encodeValue(decodeValue(bytes, limits)))).toBe(toHex(bytes));
  }
  return accepted ? 'value' : ours.slice('error '.length);
}

/** The default limits, or a shallow depth limit to meet too-deep often. */
const limits: fc.Arbitrary<DecodeLimits> = fc.oneof(
  { arbitrary: fc.constant(DEFAULT_LIMITS), weight: 1 },
  { arbitrary: fc.nat(2).map((maxDepth) => ({ maxBytes: 1 << 20, maxDepth })), weight: 1 },
);

// Near-profile CBOR, written by hand: heads in any width (non-shortest ones included),
// indefinite lengths, tags, floats and simple values, invalid UTF-8, non-text, forbidden,
// unsorted and duplicate keys, each now and then among well-formed profile items.
type Width = 'shortest' | 1 | 2 | 4 | 8;
const width: fc.Arbitrary<Width> = fc.oneof(
  { arbitrary: fc.constant<Width>('shortest'), weight: 12 },
  { arbitrary: fc.constantFrom<Width>(1, 2, 4, 8), weight: 1 },
);
const argument = fc.oneof(
  fc.bigInt({ min: 0n, max: 30n }),
  fc.constantFrom(23n, 24n, 255n, 256n, 65535n, 65536n, (1n << 32n) - 1n, 1n << 32n),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
);

function head(major: number, value: bigint | number, size: Width): number[] {
  const arg = BigInt(value);
  const shortest = arg < 24n ? 0 : arg < 0x100n ? 1 : arg < 0x1_0000n ? 2 : arg < 1n << 32n ? 4 : 8;
  const bytes = size === 'shortest' || size < shortest ? shortest : size;
  if (bytes === 0) return [(major << 5) | Number(arg)];
  const out = [(major << 5) | (24 + Math.log2(bytes))];
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((arg >> BigInt(8 * i)) & 0xffn));
  return out;
}

const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));
const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

const textPayload = fc.oneof(
  { arbitrary: fc.string({ maxLength: 8 }).map(utf8), weight: 6 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }).map(utf8), weight: 2 },
  { arbitrary: fc.constantFrom(...FORBIDDEN).map(utf8), weight: 1 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }), weight: 1 },
);

const nearProfile: fc.Arbitrary<number[]> = fc.letrec<{ item: number[] }>((tie) => {
  const textKey = fc.tuple(textPayload, width).map(([p, w]) => [...head(3, p.length, w), ...p]);
  const key = fc.oneof({ arbitrary: textKey, weight: 8 }, { arbitrary: tie('item'), weight: 1 });
  return {
    item: fc.oneof(
      { depthSize: 'small' },
      {
        arbitrary: fc
          .tuple(fc.constantFrom(0, 1), argument, width)
          .map(([major, arg, w]) => head(major, arg, w)),
        weight: 4,
      },
      {
        arbitrary: fc
          .tuple(fc.uint8Array({ maxLength: 6 }), width)
          .map(([p, w]) => [...head(2, p.length, w), ...p]),
        weight: 2,
      },
      { arbitrary: textKey, weight: 3 },
      {
        arbitrary: fc
          .tuple(fc.array(tie('item'), { maxLength: 4 }), width, fc.nat(19))
          .map(([items, w, indefinite]) =>
            indefinite === 0
              ? [0x9f, ...items.flat(), 0xff]
              : [...head(4, items.length, w), ...items.flat()],
          ),
        weight: 3,
      },
      {
        arbitrary: fc
          .tuple(fc.array(fc.tuple(key, tie('item')), { maxLength: 4 }), width, fc.nat(9))
          .map(([entries, w, order]) => {
            // Mostly in the profile's order (sorted, duplicates dropped), else as generated.
            let sorted = entries;
            if (order > 1) {
              sorted = [...entries].sort(([a], [b]) => compare(a, b));
              sorted = sorted.filter(([k], i) => i === 0 || compare(sorted[i - 1]![0], k) !== 0);
            }
            const body = sorted.flatMap(([k, v]) => [...k, ...v]);
            return order === 0 ? [0xbf, ...body, 0xff] : [...head(5, sorted.length, w), ...body];
          }),
        weight: 3,
      },
      {
        arbitrary: fc
          .tuple(argument, tie('item'), width)
          .map(([tag, item, w]) => [...head(6, tag, w), ...item]),
        weight: 1,
      },
      {
        arbitrary: fc.constantFrom<number[]>(
          [0xf4],
          [0xf5],
          [0xf6],
          [0xf7],
          [0xe0],
          [0xf3],
          [0xf8, 0x14],
          [0xf8, 0x20],
          [0xf8, 0xff],
          [0xf9, 0x3c, 0x00],
          [0xfa, 0x3f, 0x80, 0x00, 0x00],
          [0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0],
          [0xff],
          [0x1c],
          [0x5d],
          [0xde],
          [0xfe],
          [0x1f],
          [0x5f, 0x41, 0x00, 0xff],
          [0x7f, 0x61, 0x61, 0xff],
        ),
        weight: 3,
      },
    ),
  };
}).item;

/**
 * Byte edits of a valid encoding: set, flip, insert, delete, truncate, a likely head byte, a
 * tag inserted.
 */
const HEAD_BYTES = [
  0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x38, 0x3b, 0x40, 0x58, 0x5b, 0x5f, 0x60,
  0x61, 0x78, 0x7b, 0x7f, 0x80, 0x81, 0x98, 0x9b, 0x9f, 0xa0, 0xa1, 0xb8, 0xbb, 0xbf, 0xc0, 0xc2,
  0xd8, 0xdb, 0xe0, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xff, 0xc3, 0xed, 0xf0,
];
type Edit = [kind: number, at: number, byte: number];
function applyEdits(valid: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let bytes = Array.from(valid);
  for (const [kind, at, byte] of edits) {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === 0) bytes[i] = byte;
    else if (kind === 1) bytes[i] = bytes[i]! ^ (1 << (byte & 7));
    else if (kind === 2) bytes.splice(at % (bytes.length + 1), 0, byte);
    else if (kind === 3) bytes.splice(i, 1);
    else if (kind === 4) bytes = bytes.slice(0, i);
    else if (kind === 5) bytes[i] = HEAD_BYTES[byte % HEAD_BYTES.length]!;
    else bytes.splice(i, 0, 0xc0 | (byte % 24)); // a tag around whatever starts there
  }
  return Uint8Array.from(bytes);
}
const mutated = fc
  .tuple(
    profileValue,
    fc.array(fc.tuple(fc.nat(6), fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([value, edits]) => applyEdits(encodeValue(value), edits));

describe('ProfileReader (decodeValue) against cbor2 (referenceDecodeValue)', () => {
  it('property_profileValues_decodeToWhatTheReferenceGives_andReencodeToTheSameBytes', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        const bytes = encodeValue(value);
        const decoded = decodeValue(bytes);
        expect(shape(decoded, bytes)).toBe(shape(referenceDecodeValue(bytes), bytes));
        expect(toHex(encodeValue(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('property_everyDecodedArrayAndMap_nestedToo_knowsItsEncodedSize', () => {
    // Schemas check nested values' sizes (event data, arguments) through encodedSize: for a
    // decoded value it is the size the reader noted, which must be the encoding's.
    const containers = (value: CborValue, out: CborValue[] = []): CborValue[] => {
      if (Array.isArray(value)) {
        out.push(value);
        for (const item of value) containers(item, out);
      } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
        out.push(value);
        for (const item of Object.values(value)) containers(item as CborValue, out);
      }
      return out;
    };
    let seen = 0;
    fc.assert(
      fc.property(profileValue, (value) => {
        const decoded = decodeValue(encodeValue(value));
        for (const nested of containers(decoded)) {
          seen++;
          // the noted size, then the size of a fresh encoding of a structural copy
          expect(encodedSize(nested)).toBe(encodeValue(structuredClone(nested)).length);
        }
      }),
      { numRuns: 1000 },
    );
    expect(seen).toBeGreaterThan(300); // (about 450: many generated values are scalars)
  });

  it('property_copyDecoded_isADeepCopyInTheDecodersShapes_orUndefined', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        const bytes = encodeValue(value);
        const decoded = decodeValue(bytes);
        const copied = copyDecoded(decoded);
        if (typeof decoded !== 'object' || decoded === null || decoded instanceof Uint8Array) {
          expect(copied).toBeUndefined(); // only arrays and maps are copied this way
          return;
        }
        expect(copied).toBeDefined();
        expect(copied!.size).toBe(bytes.length);
        expect(shape(copied!.value, bytes)).toBe(shape(decoded, bytes));
        expect(toHex(encodeValue(copied!.value))).toBe(toHex(bytes));
        // nothing shared: changing every byte string of the copy leaves the original as it was
        const zero = (v: unknown): void => {
          if (v instanceof Uint8Array) v.fill(0xee);
          else if (v !== null && typeof v === 'object') Object.values(v).forEach(zero);
        };
        zero(copied!.value);
        expect(toHex(encodeValue(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 1000 },
    );
    // a value not made by the decoder, or changed out of the profile's shapes since, is not
    // copied this way (the caller goes through the codec and its checks)
    expect(copyDecoded({ a: 1n } as never)).toBeUndefined();
    const changed = decodeValue(encodeValue({ a: [1n, 2n] })) as { a: unknown[] };
    changed.a.push(3);
    expect(copyDecoded(changed as never)).toBeUndefined();
  });

  // Each fuzz test also counts the outcomes it met, and expects to have met each of them (the
  // thresholds are a few times below the counts usually seen).
  it.each<[string, fc.Arbitrary<Uint8Array>, Record<string, number>]>([
    [
      'randomBytes',
      fc.uint8Array({ minLength: 1, maxLength: 48 }),
      { value: 30, malformed: 2000, unsupported: 2 },
    ],
    ['mutatedEncodings', mutated, { value: 200, malformed: 1000, unsupported: 40, 'too-deep': 15 }],
    [
      'nearProfileCbor',
      nearProfile.map((item) => Uint8Array.from(item)),
      { value: 800, malformed: 500, unsupported: 60, 'too-deep': 40 },
    ],
  ])('fuzz_%s_sameOutcomeAsTheReference', (_name, inputs, atLeast) => {
    const seen: Record<string, number> = {};
    fc.assert(
      fc.property(inputs, limits, (bytes, l) => {
        const what = expectAgreement(bytes, l);
        seen[what] = (seen[what] ?? 0) + 1;
      }),
      { numRuns: 4000 },
    );
    const missed = Object.entries(atLeast)
      .filter(([what, least]) => (seen[what] ?? 0) < least)
      .map(([what, least]) => `${what}: ${seen[what] ?? 0} < ${least}`);
    expect(missed).toEqual([]);
  });

  it('specVectors_decodeAlike_andReencodeToThemselves', () => {
    const path = join(
      __dirname,
      '..',
      '..',
      '..',
      '..',
      'docs',
      'spec',
      'vectors',
      'encoding.json',
    );
    const vectors = JSON.parse(readFileSync(path, 'utf8')) as { types: { cbor: string }[] };
    expect(vectors.types.length).toBeGreaterThan(5);
    for (const { cbor } of vectors.types) expect(expectAgreement(fromHex(cbor))).toBe('value');
  });

  it('values_areBigintsCopiesAndNullPrototypeMaps', () => {
    const bytes = fromHex('a3616101616241ff616382f6f5');
    const value = decodeValue(bytes) as { a: bigint; b: Uint8Array; c: CborValue[] };
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(value.a).toBe(1n);
    expect(value.b).toEqual(Uint8Array.of(0xff));
    // A copy: changing the input leaves the decoded bytes alone.
    bytes[7] = 0;
    expect(value.b[0]).toBe(0xff);
    expect(value.c).toEqual([null, true]);
    // A Buffer (a Uint8Array whose slices are views) still gives plain copies.
    const buffer = Buffer.from(fromHex('8143010203'));
    const [bytesValue] = decodeValue(buffer) as Uint8Array[];
    expect(shape(bytesValue, buffer)).toBe("h'010203'");
  });

  it.each<[string, string, string, number]>([
    // name, input, code, byte offset the message names
    ['non-shortest uint (1 byte)', '1817', 'malformed', 0],
    ['non-shortest uint (2 bytes)', '1900ff', 'malformed', 0],
    ['non-shortest uint (4 bytes)', '1a0000ffff', 'malformed', 0],
    ['non-shortest uint (8 bytes)', '1b00000000ffffffff', 'malformed', 0],
    ['non-shortest negative', '3817', 'malformed', 0],
    ['non-shortest byte string length', '5801ff', 'malformed', 0],
    ['non-shortest text length', '780161', 'malformed', 0],
    ['non-shortest array count', '980100', 'malformed', 0],
    ['non-shortest map count', 'b800', 'malformed', 0],
    ['non-shortest tag number', 'd81700', 'malformed', 0],
    ['non-shortest, nested', '82011817', 'malformed', 2],
    ['indefinite byte string', '5f4100ff', 'malformed', 0],
    ['indefinite text', '7f6161ff', 'malformed', 0],
    ['indefinite array', '9f01ff', 'malformed', 0],
    ['indefinite map', 'bf616101ff', 'malformed', 0],
    ['indefinite uint', '1f', 'malformed', 0],
    ['indefinite tag', 'df00', 'malformed', 0],
    ['a lone break', 'ff', 'malformed', 0],
    ['reserved info 28', '1c', 'malformed', 0],
    ['reserved info 29', '5d', 'malformed', 0],
    ['reserved info 30', '9e', 'malformed', 0],
    ['reserved info 30 (major 7)', 'fe', 'malformed', 0],
    ['half float', 'f93c00', 'malformed', 0],
    ['single float', 'fa3f800000', 'malformed', 0],
    ['double float', 'fb3ff0000000000000', 'malformed', 0],
    ['float NaN', 'f97e00', 'malformed', 0],
    ['undefined', 'f7', 'malformed', 0],
    ['simple value 0', 'e0', 'malformed', 0],
    ['simple value 19', 'f3', 'malformed', 0],
    ['simple value 32', 'f820', 'malformed', 0],
    ['false in two bytes', 'f814', 'malformed', 0],
    ['tag 0', 'c06161', 'unsupported', 0],
    ['bignum tag', 'c249010000000000000000', 'unsupported', 0],
    ['tag with an 8-byte number', 'dbffffffffffffffff00', 'unsupported', 0],
    ['nested tag', '8201c100', 'unsupported', 2],
    ['invalid UTF-8', '62c328', 'malformed', 0],
    ['a lone continuation byte', '6180', 'malformed', 0],
    ['byte 0xff in text', '61ff', 'malformed', 0],
    ['overlong UTF-8', '62c0af', 'malformed', 0],
    ['UTF-8 of a surrogate', '63eda080', 'malformed', 0],
    ['UTF-8 above U+10FFFF', '64f4908080', 'malformed', 0],
    ['cut UTF-8 sequence', '62e282', 'malformed', 0],
    ['invalid UTF-8 in a key', 'a161ff00', 'malformed', 1],
    ['long invalid UTF-8', '7821' + '61'.repeat(32) + 'ff', 'malformed', 0],
    ['integer key', 'a10102', 'unsupported', 1],
    ['byte string key', 'a14000', 'unsupported', 1],
    ['array key', 'a18000', 'unsupported', 1],
    ['null key', 'a1f600', 'unsupported', 1],
    ['unsorted keys', 'a2616201616102', 'malformed', 4],
    ['longer key first', 'a262616101616102', 'malformed', 5],
    ['duplicate keys', 'a2616101616102', 'malformed', 4],
    ['unsorted integer keys', 'a202000100', 'malformed', 3],
    ['__proto__ key', 'a1695f5f70726f746f5f5f01', 'unsupported', 1],
    ['constructor key', 'a16b636f6e7374727563746f7201', 'unsupported', 1],
    ['prototype key', 'a16970726f746f7479706501', 'unsupported', 1],
    ['trailing byte', '0101', 'malformed', 1],
    ['trailing item after a map', 'a080', 'malformed', 1],
    ['truncated argument', '1901', 'malformed', 0],
    ['truncated 8-byte argument', '1b0000', 'malformed', 0],
    ['truncated text', '6261', 'malformed', 0],
    ['truncated array', '820181', 'malformed', 2],
    ['truncated map', 'a16161', 'malformed', 3],
    ['truncated tag', 'c1', 'malformed', 1],
    ['empty array head only', '83', 'malformed', 0],
    ['byte string past the end', '5bffffffffffffffff', 'malformed', 0],
    ['text past the end', '7a0000010061', 'malformed', 0],
    ['array count past the end', '9bffffffffffffffff', 'malformed', 0],
    ['map count past the end', 'a3616101', 'malformed', 0],
  ])('decode_%s (%s) → %s at byte %i, as the reference', (_name, input, code, offset) => {
    const bytes = fromHex(input);
    const error = rejection(decodeValue, bytes);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`at byte ${offset}`);
    expect(rejection(referenceDecodeValue, bytes).code).toBe(code);
  });

  it('limits_emptyTooLargeAndTooDeep_asTheReference', () => {
    for (const decode of [decodeValue, referenceDecodeValue]) {
      expect(rejection(decode, new Uint8Array()).code).toBe('malformed');
      expect(rejection(decode, new Uint8Array(10), { maxBytes: 9, maxDepth: 32 }).code).toBe(
        'too-large',
      );
      expect(rejection(decode, fromHex('80'), { maxBytes: 9, maxDepth: 0 }).code).toBe('too-deep');
      expect(rejection(decode, fromHex('c100'), { maxBytes: 9, maxDepth: 0 }).code).toBe(
        'too-deep',
      );
      expect(decode(fromHex('00'), { maxBytes: 9, maxDepth: 0 })).toBe(0n);
    }
    const nested = (depth: number, inner = '00') => fromHex('81'.repeat(depth) + inner);
    expect(shape(decodeValue(nested(32)), nested(32))).toBe(`${'['.repeat(32)}0n${']'.repeat(32)}`);
    expect(rejection(decodeValue, nested(33)).message).toContain('at byte 32');
    for (const [bytes, l] of [
      [nested(32), DEFAULT_LIMITS],
      [nested(33), DEFAULT_LIMITS],
      [nested(100_000), DEFAULT_LIMITS],
      [nested(40, ''), DEFAULT_LIMITS], // too deep and cut short: malformed wins
      [nested(512), { maxBytes: 1 << 20, maxDepth: 5000 }],
      [nested(513), { maxBytes: 1 << 20, maxDepth: 5000 }], // past cbor2's own bound
      [nested(600, ''), { maxBytes: 1 << 20, maxDepth: 5000 }], // that bound comes first
      [fromHex('a16161'.repeat(1024) + '00'), { maxBytes: 1 << 20, maxDepth: 5000 }],
      [fromHex('a16161'.repeat(1025) + '00'), { maxBytes: 1 << 20, maxDepth: 5000 }],
      [fromHex('c1'.repeat(1025) + '00'), { maxBytes: 1 << 20, maxDepth: 5000 }],
    ] as const) {
      expectAgreement(bytes, l);
    }
    expect(rejection(decodeValue, nested(513), { maxBytes: 1 << 20, maxDepth: 5000 }).code).toBe(
      'too-deep',
    );
  });

  it.each<[string, string, number, string]>([
    // Which rejection wins when an input has several: malformed anywhere, else the first.
    ['a tag, then a non-shortest integer', '82c1001801', 32, 'malformed'],
    ['too deep, then a non-shortest integer', '8281001801', 1, 'malformed'],
    ['too deep, then trailing bytes', '818100' + '00', 1, 'malformed'],
    ['a tag, then too deep', '82c100818100', 2, 'unsupported'],
    ['too deep, then a tag', '82818100c100', 2, 'too-deep'],
    ['a tag at the depth limit', '81c100', 1, 'too-deep'],
    ['a non-text key holding a tag', 'a181c10000', 32, 'unsupported'],
    ['non-text keys, unsorted', 'a201000000', 32, 'malformed'],
    [
      'a forbidden key, then a map too deep',
      'a2695f5f70726f746f5f5f016c' + '7a'.repeat(12) + 'a1617aa0',
      1,
      'unsupported',
    ],
    ['unsorted keys, then a tag', 'a26162016161c100', 32, 'malformed'],
  ])('precedence_%s → %s, as the reference', (_name, input, maxDepth, code) => {
    const l = { maxBytes: 1 << 20, maxDepth };
    expect(expectAgreement(fromHex(input), l)).toBe(code);
  });

  it('hugeLengthsAndCounts_areRefusedAtTheirHead_beforeAnythingIsReadOrAllocated', () => {
    const heads = [
      '5bffffffffffffffff',
      '5b8000000000000000',
      '5b0020000000000001',
      '5b0000000100000000',
      '5affffffff',
      '7bffffffffffffffff',
      '7b8000000000000000',
      '7affffffff',
      '9bffffffffffffffff',
      '9b8000000000000000',
      '9b0020000000000001',
      '9affffffff',
      'bbffffffffffffffff',
      'bb8000000000000000',
      'baffffffff',
      'ba7fffffff',
    ];
    const start = performance.now();
    for (const hex of heads) {
      for (const tail of ['', '00', '00'.repeat(64)]) {
        const error = rejection(decodeValue, fromHex(hex + tail));
        expect([error.code, error.message]).toEqual([
          'malformed',
          expect.stringMatching(/at byte 0$/),
        ]);
      }
    }
    // The largest input the default limit allows, claiming one item more than it has bytes for.
    const big = new Uint8Array(DEFAULT_LIMITS.maxBytes);
    const left = big.length - 5;
    big.set([0x9a, left >>> 24, (left >>> 16) & 0xff, (left >>> 8) & 0xff, left & 0xff]);
    expect((decodeValue(big) as CborValue[]).length).toBe(left); // exactly enough: accepted
    const one = left + 1;
    big.set([0x9a, one >>> 24, (one >>> 16) & 0xff, (one >>> 8) & 0xff, one & 0xff]);
    for (let i = 0; i < 1000; i++)
      expect(rejection(decodeValue, big).message).toMatch(/at byte 0$/);
    const half = Math.floor(left / 2) + 1; // a map's entry takes at least two bytes
    big.set([0xba, half >>> 24, (half >>> 16) & 0xff, (half >>> 8) & 0xff, half & 0xff]);
    expect(rejection(decodeValue, big).message).toMatch(/at byte 0$/);
    // Without reading a byte of the 1 MiB, the whole test is a matter of milliseconds.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('deliberateDifference_aCountPastTheEnd_isMalformedAtOnce_evenBeforeNestingTheReferenceFindsTooDeep', () => {
    // The reference reads items until the input runs out, and meets its own nesting bound
    // first; this decoder refuses the count at its head. Both refuse; only the code differs.
    const bytes = fromHex('9bffffffffffffffff' + '81'.repeat(600));
    expect(rejection(decodeValue, bytes).code).toBe('malformed');
    expect(rejection(referenceDecodeValue, bytes).code).toBe('too-deep');
  });

  it('keyCache_collidingAndManyKeys_decodeToThemselves', () => {
    // "Aa" and "BB" have one hash (31-polynomial), so they share a slot of the key cache.
    for (let round = 0; round < 3; round++) {
      for (const [key, other] of [
        ['Aa', 'BB'],
        ['BB', 'Aa'],
      ] as const) {
        const value = decodeValue(encodeValue({ [key]: 1n, x: { [other]: 2n } }));
        expect(shape(value, new Uint8Array())).toBe(`{"x": {"${other}": 2n}, "${key}": 1n}`);
      }
    }
    // More keys than the cache has slots, then the first ones again; keys around the cached
    // lengths (1-23 ASCII bytes) and non-ASCII ones.
    const keys = Array.from({ length: 3000 }, (_, i) => `k${i}`);
    keys.push('', 'x'.repeat(23), 'x'.repeat(24), 'é', 'aé', '\u007f', '\u0000');
    for (const key of [...keys, ...keys.slice(0, 100), ...keys.slice(-7)]) {
      const bytes = encodeValue({ [key]: key });
      expect(shape(decodeValue(bytes), bytes)).toBe(
        `{${JSON.stringify(key)}: ${JSON.stringify(key)}}`,
      );
    }
  });
});
