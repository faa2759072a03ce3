import fc from 'fast-check';
import { ExecutionError, type RangeOptions, StateOverlay } from '@trellis/chain-core';
import { MemoryState, type Model, bytesOf, hex, referenceRange, unhex, writesHex } from './helpers';

const entriesHex = (entries: readonly { key: Uint8Array; value: Uint8Array }[]) =>
  entries.map(({ key, value }) => [hex(key), hex(value)]);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ExecutionError
      ? `${error.code}:${JSON.stringify(error.meta)}`
      : 'other';
  }
  return undefined;
}

describe('StateOverlay', () => {
  it('get_seesOwnWritesFirst_thenTheParent', () => {
    const base = new MemoryState([
      [bytesOf(1), bytesOf(10)],
      [bytesOf(2), bytesOf(20)],
    ]);
    const overlay = new StateOverlay({ parent: base });
    overlay.put(bytesOf(1), bytesOf(11));
    overlay.delete(bytesOf(2));
    overlay.put(bytesOf(3), bytesOf(30));
    expect(overlay.get(bytesOf(1))).toEqual(bytesOf(11));
    expect(overlay.get(bytesOf(2))).toBeUndefined();
    expect(overlay.get(bytesOf(3))).toEqual(bytesOf(30));
    expect(base.get(bytesOf(1))).toEqual(bytesOf(10)); // the parent is never written
  });

  it('writes_areSortedByKey_withTheLastWritePerKey', () => {
    const overlay = new StateOverlay({ parent: new MemoryState() });
    overlay.put(bytesOf(9), bytesOf(1));
    overlay.put(bytesOf(1, 0), bytesOf(2));
    overlay.delete(bytesOf(1));
    overlay.put(bytesOf(9), bytesOf(3));
    overlay.put(bytesOf(1), bytesOf(4));
    overlay.delete(bytesOf(1, 0));
    expect(writesHex(overlay.writes())).toEqual([
      ['01', '04'],
      ['0100', null],
      ['09', '03'],
    ]);
  });

  it('order_isUnsignedByteOrder_forHighBytesPrefixesAndLongBounds', () => {
    // Slots are ordered by their key ids (one UTF-16 unit per byte): the same order.
    const overlay = new StateOverlay({ parent: new MemoryState() });
    const keys = [[0xff], [0x80, 0x00], [0x7f, 0xff], [0x80], [0x00], [0x00, 0x00], [0xc3, 0xa9]];
    for (const key of keys) overlay.put(bytesOf(...key), bytesOf(1));
    const sorted = keys.map((k) => hex(bytesOf(...k))).sort(); // hex order = byte order
    expect(overlay.writes().map((w) => hex(w.key))).toEqual(sorted);
    // A bound longer than any key (its id is built in pieces).
    const long = new Uint8Array(20_000).fill(0x80);
    expect(entriesHex(overlay.range({ start: long, limit: 10 }))).toEqual([
      ['c3a9', '01'],
      ['ff', '01'],
    ]);
    expect(entriesHex(overlay.range({ end: long, reverse: true, limit: 2 }))).toEqual([
      ['8000', '01'],
      ['80', '01'],
    ]);
  });

  it('bytes_areCopiedInAndOut_soCallersCannotChangeStateLater', () => {
    const base = new MemoryState([[bytesOf(5), bytesOf(50)]]);
    const overlay = new StateOverlay({ parent: base });
    const key = bytesOf(1);
    const value = bytesOf(1, 2, 3);
    overlay.put(key, value);
    value[0] = 99;
    key[0] = 7;
    overlay.get(bytesOf(1))![1] = 99;
    overlay.get(bytesOf(5))![0] = 99;
    overlay.range({ limit: 10 }).forEach((entry) => entry.value.fill(99));
    overlay.writes()[0]!.value!.fill(99);
    expect(overlay.get(bytesOf(1))).toEqual(bytesOf(1, 2, 3));
    expect(base.get(bytesOf(5))).toEqual(bytesOf(50));
    expect(overlay.get(bytesOf(7))).toBeUndefined();
  });

  it('commitInto_appliesTheChildsWritesToItsParent_andSealsTheChild', () => {
    const block = new StateOverlay({ parent: new MemoryState([[bytesOf(1), bytesOf(1)]]) });
    const tx = block.child();
    tx.put(bytesOf(2), bytesOf(2));
    tx.delete(bytesOf(1));
    expect(block.get(bytesOf(2))).toBeUndefined(); // not before the commit
    tx.commitInto(block);
    expect(block.get(bytesOf(2))).toEqual(bytesOf(2));
    expect(block.get(bytesOf(1))).toBeUndefined();
    expect(tx.get(bytesOf(2))).toEqual(bytesOf(2)); // still readable
    expect(codeOf(() => tx.put(bytesOf(3), bytesOf(3)))).toBe('overlay-committed:{}');
    expect(codeOf(() => tx.commitInto(block))).toBe('overlay-committed:{}');
  });

  it('commitInto_anOverlayOtherThanItsParent_isRejected', () => {
    const block = new StateOverlay({ parent: new MemoryState() });
    const stranger = new StateOverlay({ parent: new MemoryState() });
    expect(codeOf(() => block.child().commitInto(stranger))).toBe(
      'invalid-argument:{"field":"parent"}',
    );
  });

  it('droppedChild_leavesTheParentUnchanged', () => {
    const block = new StateOverlay({ parent: new MemoryState() });
    block.put(bytesOf(1), bytesOf(1));
    const tx = block.child();
    tx.put(bytesOf(1), bytesOf(2));
    tx.put(bytesOf(3), bytesOf(3));
    expect(writesHex(block.writes())).toEqual([['01', '01']]);
  });

  it.each([
    ['key', () => new StateOverlay({ parent: new MemoryState() }).get(new Uint8Array(0))],
    ['key', () => new StateOverlay({ parent: new MemoryState() }).delete('ab' as never)],
    [
      'value',
      () => new StateOverlay({ parent: new MemoryState() }).put(bytesOf(1), new Uint8Array(65537)),
    ],
    ['options.limit', () => new StateOverlay({ parent: new MemoryState() }).range({} as never)],
    [
      'options.start',
      () =>
        new StateOverlay({ parent: new MemoryState() }).range({ start: [1], limit: 1 } as never),
    ],
    ['opts.parent', () => new StateOverlay({ parent: {} as never })],
  ])('badArgument_isRejected_naming_%s', (field, run) => {
    expect(codeOf(run)).toBe(`invalid-argument:${JSON.stringify({ field })}`);
  });

  it('range_overManyDeletedParentEntries_asksThePageByPage_notForEverything', () => {
    const base = new MemoryState(
      Array.from({ length: 2_000 }, (_, i) => [bytesOf(i >> 8, i & 0xff), bytesOf(1)] as const),
    );
    const overlay = new StateOverlay({ parent: base });
    for (let i = 0; i < 1_000; i++) overlay.delete(bytesOf(i >> 8, i & 0xff));
    const out = overlay.range({ limit: 5 });
    expect(out.map((e) => hex(e.key))).toEqual(['03e8', '03e9', '03ea', '03eb', '03ec']);
    // Pages of 5, 10, 20, … reach past the 1,000 tombstones in 8 calls.
    expect(base.rangeCalls).toBeLessThanOrEqual(9);
    expect(base.entriesServed).toBeLessThan(2_000);
  });

  it('range_inReverse_skipsDeletedAndShowsOwnKeys', () => {
    const base = new MemoryState([1, 2, 3, 4, 5].map((i) => [bytesOf(i), bytesOf(i)] as const));
    const overlay = new StateOverlay({ parent: base });
    overlay.delete(bytesOf(5));
    overlay.delete(bytesOf(4));
    overlay.put(bytesOf(3, 0), bytesOf(30));
    overlay.put(bytesOf(2), bytesOf(22));
    expect(entriesHex(overlay.range({ reverse: true, limit: 3 }))).toEqual([
      ['0300', '1e'],
      ['03', '03'],
      ['02', '16'],
    ]);
  });
});

// ---- property: overlays of overlays against a sorted reference model ----

// A small key space (20 keys, with the 0x00 / 0xff edges of prefix ends) so that writes,
// deletes and scans keep meeting the same keys; each bound present about a third of the time.
const ALPHABET = [0x00, 0x01, 0xfe, 0xff];
const keyArb = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 2 })
  .map((b) => new Uint8Array(b));
const boundArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...ALPHABET), { minLength: 0, maxLength: 3 })
      .map((b) => new Uint8Array(b)),
  },
);
const valueArb = fc.uint8Array({ minLength: 0, maxLength: 3 });
const rangeArb: fc.Arbitrary<RangeOptions & { limit: number }> = fc
  .record({
    prefix: boundArb,
    start: boundArb,
    end: boundArb,
    reverse: fc.boolean(),
    limit: fc.integer({ min: 0, max: 8 }),
  })
  .map(
    (options) =>
      Object.fromEntries(
        Object.entries(options).filter(([, v]) => v !== undefined),
      ) as unknown as RangeOptions & { limit: number },
  );

type Op =
  | { readonly kind: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'del'; readonly key: Uint8Array }
  | { readonly kind: 'push' | 'commit' | 'drop' }
  | { readonly kind: 'range'; readonly options: RangeOptions & { limit: number } }
  | { readonly kind: 'get'; readonly key: Uint8Array };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArb, value: valueArb }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('del' as const), key: keyArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('push', 'commit', 'drop') as fc.Arbitrary<'push' | 'commit' | 'drop'>,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('range' as const), options: rangeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), key: keyArb }) },
);
const baseArb = fc.array(fc.tuple(keyArb, valueArb), { maxLength: 30 });

describe('StateOverlay (property)', () => {
  it('range_andGet_throughNestedOverlays_matchASortedReferenceModel', () => {
    fc.assert(
      fc.property(baseArb, fc.array(opArb, { maxLength: 80 }), (baseEntries, ops) => {
        const base = new MemoryState(baseEntries);
        const overlays = [new StateOverlay({ parent: base })];
        const models: Model[] = [new Map(base.model)];
        for (const op of ops) {
          const top = overlays[overlays.length - 1]!;
          const model = models[models.length - 1]!;
          switch (op.kind) {
            case 'put':
              top.put(op.key, op.value);
              model.set(hex(op.key), op.value);
              break;
            case 'del':
              top.delete(op.key);
              model.delete(hex(op.key));
              break;
            case 'push':
              overlays.push(top.child());
              models.push(new Map(model));
              break;
            case 'commit':
            case 'drop':
              if (overlays.length === 1) break;
              overlays.pop();
              models.pop();
              if (op.kind === 'commit') {
                top.commitInto(overlays[overlays.length - 1]!);
                models[models.length - 1] = model;
              }
              break;
            case 'range':
              expect(entriesHex(top.range(op.options))).toEqual(
                entriesHex(referenceRange(model, op.options)),
              );
              break;
            case 'get':
              expect(top.get(op.key)).toEqual(model.get(hex(op.key)));
              break;
          }
        }
        // The bottom overlay's writes turn the base into its view.
        const applied = new MemoryState(baseEntries).apply(overlays[0]!.writes()).model;
        expect([...applied].sort()).toEqual([...models[0]!].sort());
        const keys = overlays[0]!.writes().map((w) => hex(w.key));
        expect(keys).toEqual([...keys].sort((a, b) => Buffer.compare(unhex(a), unhex(b))));
      }),
      { numRuns: 300 },
    );
  });

  it('range_overLargeOverlays_matchesTheReference', () => {
    // Enough keys to split the sorted chunks several times.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.boolean()), {
          minLength: 1_000,
          maxLength: 3_000,
        }),
        fc.array(rangeArb, { minLength: 1, maxLength: 10 }),
        (writes, ranges) => {
          const base = new MemoryState(writes.slice(0, 500).map(([k]) => [k, bytesOf(0)] as const));
          const overlay = new StateOverlay({ parent: base });
          const model = new Map(base.model);
          for (const [key, keep] of writes) {
            if (keep) {
              overlay.put(key, key);
              model.set(hex(key), key);
            } else {
              overlay.delete(key);
              model.delete(hex(key));
            }
          }
          for (const options of ranges) {
            const wide = { ...options, limit: options.limit * 40 };
            expect(entriesHex(overlay.range(wide))).toEqual(
              entriesHex(referenceRange(model, wide)),
            );
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
