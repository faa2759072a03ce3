/**
 * Values of the Trellis CBOR profile for property tests: integers at every head-width boundary,
 * text of any code points (controls and astral ones included), bytes, nested arrays and maps
 * with ASCII, non-ASCII and long keys.
 */
import fc from 'fast-check';
import type { CborValue } from '../../src/codec';

/** Keys the profile refuses. */
export const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

/** Map keys, forbidden ones included (filter with FORBIDDEN): short, at head widths, non-ASCII. */
export const mapKey = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    'a',
    'b',
    'aa',
    'lines',
    'netMinor',
    'x'.repeat(23),
    'y'.repeat(24),
    'é',
    '😀',
    '__proto',
  ),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

export const profileValue: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
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
      (1n << 53n) - 1n,
      1n << 53n,
      (1n << 64n) - 1n,
      -1n,
      -24n,
      -25n,
      -(1n << 53n),
      -(1n << 53n) - 1n,
      -(1n << 64n),
    ),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(
      mapKey.filter((k) => !FORBIDDEN.includes(k)),
      tie('value'),
      { maxKeys: 8, noNullPrototype: true },
    ),
  ),
})).value;
