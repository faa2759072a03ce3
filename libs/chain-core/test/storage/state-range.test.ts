import type { RangeOptions } from '../../src/contract';
import type { ChainStore } from '../../src/storage';
import { byteOrder, expectStorageError, hex, id32, Scratch, seededRandom } from './helpers';

const scratch = new Scratch();
afterAll(() => scratch.dispose());

// Few distinct byte values, edge values among them, so keys share prefixes and bounds fall
// on, between and around stored keys.
const ALPHABET = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function randomKey(random: (below: number) => number, maxLength: number): Uint8Array {
  const length = 1 + random(maxLength);
  return Uint8Array.from({ length }, () => ALPHABET[random(ALPHABET.length)]!);
}

/** What a scan must return, computed from a sorted list by the definition. */
function expected(
  sorted: readonly Uint8Array[],
  options: RangeOptions & { limit: number },
): string[] {
  const { prefix, start, end, reverse, limit } = options;
  const inRange = sorted.filter(
    (key) =>
      (prefix === undefined || Buffer.from(key).subarray(0, prefix.length).equals(prefix)) &&
      (start === undefined || byteOrder(key, start) >= 0) &&
      (end === undefined || byteOrder(key, end) < 0),
  );
  if (reverse === true) inRange.reverse();
  return inRange.slice(0, limit).map(hex);
}

function populated(random: (below: number) => number): { store: ChainStore; sorted: Uint8Array[] } {
  const store = scratch.open();
  const keys = new Map<string, Uint8Array>();
  for (let i = 0; i < 600; i++) {
    const key = randomKey(random, 5);
    keys.set(hex(key), key);
  }
  const sorted = [...keys.values()].sort(byteOrder);
  store.commitBlock({
    height: 0n,
    hash: id32('genesis'),
    block: new Uint8Array(0),
    result: new Uint8Array(0),
    batches: [],
    receipts: [],
    txIds: [],
    stateWrites: sorted.map((key) => ({ key, value: Uint8Array.of(key.length, ...key) })),
  });
  return { store, sorted };
}

describe('ChainStore.range', () => {
  test('range_withRandomPrefixStartEndReverseLimit_matchesSortedReference', () => {
    const random = seededRandom(20261121);
    const { store, sorted } = populated(random);
    const maybe = (): Uint8Array | undefined =>
      random(3) === 0 ? undefined : randomKey(random, 3);
    let scans = 0;
    for (let i = 0; i < 3000; i++) {
      const options = {
        ...(random(2) === 0 ? {} : { prefix: randomKey(random, 2) }),
        ...(random(2) === 0 ? {} : { start: maybe() }),
        ...(random(2) === 0 ? {} : { end: maybe() }),
        reverse: random(2) === 0,
        limit: [0, 1, 3, 10, 1000][random(5)]!,
      };
      const got = store.range(options);
      const want = expected(sorted, options);
      // One comparison per scan (jest's matchers are slow in a loop this long): keys, and each
      // value carrying its key.
      const same =
        got.length === want.length &&
        got.every(
          (e, j) =>
            hex(e.key) === want[j] && hex(e.value) === hex(Uint8Array.of(e.key.length, ...e.key)),
        );
      if (!same)
        expect({ options, got: got.map((e) => hex(e.key)) }).toEqual({ options, got: want });
      scans += 1;
    }
    expect(scans).toBe(3000);
  });

  test('range_atEdges_emptyEndExcludesAllEmptyStartIsOpenAllFfPrefixHasNoUpperBound', () => {
    const store = scratch.open();
    const keys = [[0x00], [0xff], [0xff, 0xff], [0xff, 0xff, 0x00], [0x10]].map((k) =>
      Uint8Array.from(k),
    );
    store.commitBlock({
      height: 0n,
      hash: id32('genesis'),
      block: new Uint8Array(0),
      result: new Uint8Array(0),
      batches: [],
      receipts: [],
      txIds: [],
      stateWrites: keys.map((key) => ({ key, value: key })),
    });
    const scan = (options: RangeOptions): string[] =>
      store.range({ limit: 10, ...options }).map((e) => hex(e.key));
    expect(scan({ reverse: true })).toEqual(['ffff00', 'ffff', 'ff', '10', '00']);
    expect(scan({ end: new Uint8Array(0) })).toEqual([]);
    expect(scan({ start: new Uint8Array(0) })).toEqual(['00', '10', 'ff', 'ffff', 'ffff00']);
    expect(scan({ prefix: Uint8Array.of(0xff, 0xff) })).toEqual(['ffff', 'ffff00']);
    expect(scan({ prefix: Uint8Array.of(0xff, 0xff), reverse: true })).toEqual(['ffff00', 'ffff']);
    expect(
      scan({
        prefix: Uint8Array.of(0xff),
        start: Uint8Array.of(0xff, 0x00),
        end: Uint8Array.of(0xff, 0xff, 0x00),
      }),
    ).toEqual(['ffff']);
    expect(scan({ start: Uint8Array.of(0x10), end: Uint8Array.of(0x10) })).toEqual([]);
    expect(scan({ start: Uint8Array.of(0x11), end: Uint8Array.of(0x10), reverse: true })).toEqual(
      [],
    );
  });

  test('range_withBadOptions_namesTheOption', () => {
    const store = scratch.open();
    expectStorageError(
      () => store.range({} as { limit: number }),
      'invalid-argument',
      'options.limit: must be a non-negative safe integer, got undefined',
    );
    expectStorageError(() => store.range({ limit: -1 }), 'invalid-argument', 'options.limit');
    expectStorageError(
      () => store.range({ limit: 1, prefix: [1] as unknown as Uint8Array }),
      'invalid-argument',
      'options.prefix: must be a Uint8Array, got an array',
    );
    expectStorageError(
      () => store.range({ limit: 1, reverse: 1 as unknown as boolean }),
      'invalid-argument',
      'options.reverse',
    );
  });
});
