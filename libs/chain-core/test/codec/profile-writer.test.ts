/**
 * encodeValue checks a value while it writes it (ProfileWriter), where it used to check and copy
 * it first with toProfileValue. These tests hold it to what it was: profile values of any realm,
 * with Buffers and number integers among them, give referenceEncodeValue's bytes (cbor2's
 * encoding of toProfileValue's copy); values with a non-profile part anywhere in them are
 * refused with toProfileValue's CodecError (code, message, path); and the writer alone refuses
 * exactly what toProfileValue refuses, so the happy path never falls back.
 */
import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import {
  type CborValue,
  CodecError,
  DEFAULT_LIMITS,
  decodeValue,
  encodeValue,
  referenceEncodeValue,
  toHex,
  toProfileValue,
} from '../../src/codec';
import { OutsideProfile, ProfileWriter } from '../../src/codec/profile-writer';
import { FORBIDDEN, mapKey } from './profile-arbitraries';

const MAX_DEPTH = DEFAULT_LIMITS.maxDepth;

/** The bytes, or the CodecError as code, message (which starts with the path) and path. */
function outcome(encode: () => Uint8Array): string {
  try {
    return `bytes ${toHex(encode())}`;
  } catch (error) {
    if (error instanceof CodecError)
      return `error ${error.code} | ${error.message} | ${error.path}`;
    throw error;
  }
}

/** Whether the writer alone takes the value (it throws OutsideProfile when it does not). */
function writerTakes(value: unknown): boolean {
  try {
    ProfileWriter.encode(value, MAX_DEPTH);
    return true;
  } catch (error) {
    if (error instanceof OutsideProfile) return false;
    throw error;
  }
}

function profileAccepts(value: unknown): boolean {
  try {
    toProfileValue(value);
    return true;
  } catch (error) {
    if (error instanceof CodecError) return false;
    throw error;
  }
}

/** Builders of another realm's arrays, maps and bytes, as a worker or vm context hands them over. */
const foreign = runInNewContext(`({
  array: (items) => { const out = []; for (const item of items) out.push(item); return out; },
  object: (entries, nullPrototype) => {
    const out = nullPrototype ? Object.create(null) : {};
    for (const [key, item] of entries) out[key] = item;
    return out;
  },
  bytes: (bytes) => Uint8Array.from(bytes),
})`) as {
  array(items: unknown[]): unknown[];
  object(entries: [string, unknown][], nullPrototype: boolean): object;
  bytes(bytes: Uint8Array): Uint8Array;
};

type Realm = 'here' | 'null-prototype' | 'vm' | 'vm-null-prototype';
const realm = fc.constantFrom<Realm>('here', 'null-prototype', 'vm', 'vm-null-prototype');

function mapIn(where: Realm, entries: [string, unknown][]): object {
  if (where === 'vm' || where === 'vm-null-prototype') {
    return foreign.object(entries, where === 'vm-null-prototype');
  }
  const out = where === 'here' ? {} : (Object.create(null) as object);
  for (const [key, item] of entries) (out as Record<string, unknown>)[key] = item;
  return out;
}

const integer = fc.oneof(
  fc.bigInt({ min: -(1n << 64n), max: (1n << 64n) - 1n }),
  fc.constantFrom(0n, 23n, 24n, 255n, 256n, 65535n, 65536n, (1n << 32n) - 1n, 1n << 32n),
  fc.constantFrom(-1n, -24n, -25n, -256n, -257n, (1n << 53n) - 1n, -(1n << 53n) + 1n),
  fc.constantFrom((1n << 64n) - 1n, -(1n << 64n)),
);

/** Bytes as toProfileValue takes them: plain, a Buffer, another realm's, a view at an offset. */
const bytes = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.constantFrom('plain', 'buffer', 'vm', 'view'))
  .map(([data, form]): unknown => {
    if (form === 'buffer') return Buffer.from(data);
    if (form === 'vm') return foreign.bytes(data);
    if (form === 'view') {
      const larger = new Uint8Array(data.length + 5).fill(0xee);
      larger.set(data, 3);
      return larger.subarray(3, 3 + data.length);
    }
    return data;
  });

/** Profile values of mixed realms, with Buffers and safe integers as numbers. */
const mixedValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    integer,
    integer.map((n) => (Number.isSafeInteger(Number(n)) ? Number(n) : n)),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.constantFrom('a'.repeat(255), 'a'.repeat(256), 'é'.repeat(130), 'a'.repeat(300) + '😀'),
    bytes,
    fc
      .tuple(fc.array(tie('value'), { maxLength: 8 }), fc.boolean())
      .map(([items, inVm]) => (inVm ? foreign.array(items) : items)),
    fc
      .tuple(
        fc.uniqueArray(
          fc.tuple(
            mapKey.filter((k) => !FORBIDDEN.includes(k)),
            tie('value'),
          ),
          { maxLength: 8, selector: ([key]) => key },
        ),
        realm,
      )
      .map(([entries, where]) => mapIn(where, entries)),
  ),
})).value;

describe('ProfileWriter checks while it writes', () => {
  it('property_profileValuesOfAnyRealm_withBuffersAndNumbers_giveTheReferenceBytes', () => {
    fc.assert(
      fc.property(mixedValue, (value) => {
        const expected = toHex(referenceEncodeValue(value as CborValue));
        expect(toHex(encodeValue(value as CborValue))).toBe(expected);
        // The writer took it on its own: no fall-back to toProfileValue on the happy path.
        expect(toHex(ProfileWriter.encode(value, MAX_DEPTH))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  /** Strings with one lone surrogate, at the start, the end, among ASCII, after non-ASCII. */
  const loneSurrogate = fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.string({ unit: 'grapheme', maxLength: 4 }),
        fc.constantFrom('a'.repeat(255), 'a'.repeat(300), 'é', '😀'),
      ),
      fc.constantFrom(
        '\ud800',
        '\udbff',
        '\udc00',
        '\udfff',
        '\ud83d\ud83d',
        '\ude00\ud83d',
        '\udc00\udfff', // two low ones: not a pair
        '\ude00\ud83d\ude00', // a low one before a pair
      ),
      fc.oneof(fc.constant(''), fc.string({ maxLength: 4 }), fc.constantFrom('é', 'x\ude00')),
    )
    .map(([before, lone, after]) => before + lone + after);

  class Point {
    constructor(readonly x = 1) {}
  }
  const nonProfile: fc.Arbitrary<unknown> = fc.oneof(
    fc.double().filter((x) => !Number.isSafeInteger(x) || Object.is(x, -0)),
    fc.constantFrom(-0, NaN, Infinity, -Infinity, 0.5, 2 ** 53, -(2 ** 53), 1e300),
    fc.bigInt({ min: 1n << 64n, max: 1n << 70n }),
    fc.bigInt({ min: -(1n << 70n), max: -(1n << 64n) - 1n }),
    loneSurrogate,
    loneSurrogate.map((key) => ({ [key]: 1 })),
    loneSurrogate.map((key) => ({ ok: 'fine', [key]: [1] })),
    fc.constantFrom(...FORBIDDEN).map((key) => JSON.parse(`{"a": 1, "${key}": 2}`) as unknown),
    fc.constantFrom(...FORBIDDEN).map((key) => foreign.object([[key, 1]], true)),
    fc
      .constantFrom<() => unknown>(
        () => undefined,
        () => Symbol('s'),
        () => () => 1,
        () => new Date(0),
        () => new Map([['a', 1]]),
        () => new Set(),
        () => new Point(),
        () => /x/,
        () => new Error('x'),
        () => new String('boxed'),
        () => new Uint16Array(2),
        () => new Uint8ClampedArray(2),
        () => new ArrayBuffer(2),
        () => new DataView(new ArrayBuffer(2)),
        () => ({ [Symbol.toStringTag]: 'Tagged', a: 1 }),
        () => {
          const holey: unknown[] = [1];
          holey[2] = 3; // a hole at 1, which reads as undefined
          return holey;
        },
        () => runInNewContext('new Date(0)') as unknown,
        () => runInNewContext('(function () { return arguments; })(1, 2)') as unknown,
        // Plain by toProfileValue's rule (the prototype's prototype is null): taken, not refused.
        () => Object.create(Object.create(null) as object) as unknown,
        () => Object.assign([1, 2], { extra: 3 }),
      )
      .map((make) => make()),
    // Nesting around the limit: too deep or not, depending on where it lands.
    fc
      .tuple(fc.integer({ min: MAX_DEPTH - 4, max: MAX_DEPTH + 2 }), fc.boolean())
      .map(([depth, maps]) => {
        let value: unknown = maps ? {} : [];
        for (let i = 1; i < depth; i++) value = maps ? { d: value } : [value];
        return value;
      }),
  );

  /** `value` with `part` put somewhere in it: in place of an item or entry, or as a new one. */
  function plant(value: unknown, part: unknown, route: readonly number[], at = 0): unknown {
    const step = route[at];
    if (step === undefined) return part;
    if (Array.isArray(value)) {
      const i = step % (value.length + 1);
      const out = [...(value as unknown[])];
      out[i] = i === value.length ? part : plant(value[i], part, route, at + 1);
      return out;
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      const entries = Object.entries(value);
      const i = step % (entries.length + 1);
      const out: Record<string, unknown> = {};
      for (const [key, item] of entries) out[key] = item;
      if (i === entries.length) out[`planted${at}`] = part;
      else out[entries[i]![0]] = plant(entries[i]![1], part, route, at + 1);
      return out;
    }
    return part;
  }

  it('property_nonProfilePartsAnywhere_areRefusedWithToProfileValuesError', () => {
    let refused = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        mixedValue,
        nonProfile,
        fc.array(fc.nat(), { maxLength: 6 }),
        (host, part, route) => {
          const value = plant(host, part, route);
          runs++;
          const expected = outcome(() => referenceEncodeValue(value as CborValue));
          expect(outcome(() => encodeValue(value as CborValue))).toBe(expected);
          // The writer alone refuses exactly what toProfileValue refuses.
          expect(writerTakes(value)).toBe(profileAccepts(value));
          if (expected.startsWith('error ')) refused++;
        },
      ),
      { numRuns: 3000 },
    );
    // Most planted parts are outside the profile (the rest: nesting within the limit, etc.).
    expect(refused).toBeGreaterThan(runs * 0.8);
  });

  it('depthLimit_isToProfileValues_bytesAtTheLimitAreTaken', () => {
    const nest = (depth: number, inner: unknown) => {
      let value = inner;
      for (let i = 0; i < depth; i++) value = [value];
      return value as CborValue;
    };
    // 32 arrays around bytes or a scalar: the innermost item is at depth 32, which only an
    // array or map may not reach.
    expect(toHex(encodeValue(nest(MAX_DEPTH, new Uint8Array([7]))))).toBe(
      '81'.repeat(MAX_DEPTH) + '4107',
    );
    expect(toHex(encodeValue(nest(MAX_DEPTH, 1)))).toBe('81'.repeat(MAX_DEPTH) + '01');
    expect(() => encodeValue(nest(MAX_DEPTH, []))).toThrow(
      new CodecError('too-deep', 'nesting deeper than 32', '$' + '[0]'.repeat(MAX_DEPTH)),
    );
    expect(() => encodeValue(nest(MAX_DEPTH, new Date(0)))).toThrow(
      new CodecError('too-deep', 'nesting deeper than 32', '$' + '[0]'.repeat(MAX_DEPTH)),
    );
  });

  it('errors_keepTheirCodeMessageAndPath', () => {
    const cases: [unknown, CodecError][] = [
      [
        { a: [1, { b: 1.5 }] },
        new CodecError('unsupported', 'only safe integers are allowed, got 1.5', '$.a[1].b'),
      ],
      [[0, -0], new CodecError('unsupported', 'only safe integers are allowed, got 0', '$[1]')],
      [{ n: 1n << 64n }, new CodecError('unsupported', 'integer outside [-2^64, 2^64-1]', '$.n')],
      [
        ['ok', 'é\ud800'],
        new CodecError('invalid', 'text is not well-formed Unicode (lone surrogate)', '$[1]'),
      ],
      [
        { m: { 'k\udc00': 1 } },
        new CodecError('invalid', 'map key is not well-formed Unicode (lone surrogate)', '$.m'),
      ],
      [{ x: [undefined] }, new CodecError('unsupported', 'cannot encode undefined', '$.x[0]')],
      [{ when: new Date(0) }, new CodecError('unsupported', 'cannot encode Date', '$.when')],
      [{ p: new Point() }, new CodecError('unsupported', 'cannot encode Point', '$.p')],
      [
        [JSON.parse('{"__proto__": 1}')],
        new CodecError('unsupported', 'map key "__proto__" is not allowed', '$[0]'),
      ],
    ];
    for (const [value, error] of cases) {
      expect(() => encodeValue(value as CborValue)).toThrow(error);
      expect(outcome(() => encodeValue(value as CborValue))).toBe(
        `error ${error.code} | ${error.message} | ${error.path}`,
      );
    }
  });

  it('getters_areReadOnce_andTheBytesAreThoseOfWhatWasRead', () => {
    let reads = 0;
    const answers: unknown[] = [5, 1.5];
    const changing = {
      get a(): unknown {
        return answers[reads++];
      },
    };
    // Valid at the one read: written as read, never read again.
    expect(toHex(encodeValue(changing as unknown as CborValue))).toBe(toHex(encodeValue({ a: 5 })));
    expect(reads).toBe(1);

    // Refused at the writer's read, taken at toProfileValue's: an error all the same, never
    // bytes of a value the writer did not check.
    let second = 0;
    const refusedThenTaken = {
      get a(): unknown {
        return second++ === 0 ? 1.5 : 5;
      },
    };
    expect(() => encodeValue(refusedThenTaken as unknown as CborValue)).toThrow(
      new CodecError('unsupported', 'the value changed while it was being encoded'),
    );

    // An element getter that grows its array: the head counts the items written.
    const growing: unknown[] = [];
    Object.defineProperty(growing, 0, {
      enumerable: true,
      get() {
        growing.push(2);
        return 1;
      },
    });
    const bytes = ProfileWriter.encode(growing, MAX_DEPTH);
    expect(toHex(bytes)).toBe('8101');
    expect(decodeValue(bytes)).toEqual([1n]);
  });

  it('bytes_withALyingLengthProperty_areWrittenAsTheirElements', () => {
    const lying = new Uint8Array([1, 2, 3]);
    Object.defineProperty(lying, 'length', { value: 100 });
    expect(toHex(encodeValue(lying))).toBe('43010203');
    expect(toHex(encodeValue({ b: lying }))).toBe(
      toHex(encodeValue({ b: new Uint8Array([1, 2, 3]) })),
    );
  });

  it('theReusedBuffer_isNeverHandedOut_andEncodingsStartedByAGetterGetTheirOwn', () => {
    const first = encodeValue({ a: 'x'.repeat(100) });
    const firstHex = toHex(first);
    encodeValue({ b: 'y'.repeat(100) });
    expect(toHex(first)).toBe(firstHex);
    // Each result is its own copy: a larger one than the buffer's start, and a small one.
    expect(first.buffer.byteLength).toBe(first.length);

    let inner: Uint8Array | undefined;
    const outer = {
      a: [1, 2],
      get b(): unknown {
        inner = encodeValue({ c: 'z'.repeat(300), d: [3] });
        return 'b';
      },
      c: 'after',
    };
    expect(toHex(encodeValue(outer as unknown as CborValue))).toBe(
      toHex(referenceEncodeValue({ a: [1, 2], b: 'b', c: 'after' })),
    );
    expect(toHex(inner!)).toBe(toHex(referenceEncodeValue({ c: 'z'.repeat(300), d: [3] })));
    // A refusal part-way leaves nothing behind for the next encoding.
    expect(() => encodeValue({ big: 'q'.repeat(70_000), bad: 1.5 })).toThrow(CodecError);
    expect(toHex(encodeValue([1]))).toBe('8101');
  });

  it('keyLists_refusedOnce_areNeverCachedAsChecked', () => {
    // A key list with a forbidden key or a lone surrogate is refused each time it is met.
    for (let i = 0; i < 3; i++) {
      expect(writerTakes(JSON.parse('{"a": 1, "__proto__": 2}'))).toBe(false);
      expect(writerTakes({ a: 1, 'b\ud800': 2 })).toBe(false);
    }
    expect(writerTakes({ a: 1, b: 2 })).toBe(true);
  });
});
