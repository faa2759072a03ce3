import fc from 'fast-check';
import {
  BlockExecutor,
  type BlockOutcome,
  type CborValue,
  Receipt,
  type ResolvedTransaction,
  StateOverlay,
  type StateReader,
  stateKey,
} from '@trellis/chain-core';
import { MemoryState, call, hex, member, sha256, writesHex } from './helpers';
import { notesContract } from './notes-contract';

const CONTRACTS = [notesContract('notes'), notesContract('other')];
/** Tight enough that `flood` sometimes meets the step or the write limit. */
const LIMITS = { maxStepsPerTransaction: 12_000, maxWriteBytesPerTransaction: 1_500 };

const keyArb = fc
  .array(fc.constantFrom(0x00, 0x01, 0xff), { minLength: 1, maxLength: 2 })
  .map((b) => new Uint8Array(b));
const valueArb = fc.uint8Array({ maxLength: 4 });
/** Absent three times out of four: scans mostly cover a contract's whole space. */
const optional = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const scanArb = fc
  .record({
    prefix: optional(keyArb),
    start: optional(keyArb),
    end: optional(keyArb),
    reverse: optional(fc.boolean()),
    limit: optional(fc.bigInt({ min: 0n, max: 5n })),
  })
  .map((args) => Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)));

/** One transaction: a method of a test contract, or one that is refused before it runs. */
const weighted = (weight: number, arbitrary: fc.Arbitrary<ResolvedTransaction>) => ({
  weight,
  arbitrary,
});
const txArb: fc.Arbitrary<ResolvedTransaction> = fc.oneof(
  weighted(
    4,
    fc
      .tuple(fc.constantFrom('notes', 'other'), keyArb, valueArb)
      .map(([c, key, value]) => call(c, 'put', { key, value })),
  ),
  weighted(
    3,
    fc.tuple(fc.constantFrom('notes', 'other'), keyArb).map(([c, key]) => call(c, 'del', { key })),
  ),
  weighted(
    4,
    scanArb.map((args) => call('notes', 'scan', args as CborValue)),
  ),
  keyArb.map((key) => call('notes', 'read', { key })),
  keyArb.map((key) => call('notes', 'incr', { key })),
  fc.string({ maxLength: 20 }).map((message) => call('notes', 'refuse', { code: 'nope', message })),
  fc.constant(null).map(() => call('other', 'crash')),
  fc.tuple(keyArb, valueArb).map(([key, value]) => call('notes', 'putThenRefuse', { key, value })),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 30n }), fc.bigInt({ min: 0n, max: 100n }))
    .map(([count, size]) => call('notes', 'flood', { count, size })),
  fc
    .subarray(['member', 'admin', 'operator'])
    .map((roles) => call('notes', 'admin', {}, { caller: member(roles) })),
  fc.constant(null).map(() => call('notes', 'missing')),
  fc.constant(null).map(() => call('ghost', 'put')),
  fc
    .constant(null)
    .map(() => call('notes', 'del', { key: new Uint8Array([1]) }, { chainId: 'elsewhere' })),
  fc
    .constant(null)
    .map(() =>
      call(
        'notes',
        'put',
        {},
        { caller: { error: { code: 'unknown-signer', message: 'no such cert' } } },
      ),
    ),
);

const stateArb = fc.uniqueArray(
  fc.tuple(fc.constantFrom('notes', 'other', 'zzz'), keyArb, valueArb),
  { maxLength: 20, selector: ([c, k]) => `${c}/${hex(k)}` },
);

/** The outcome as bytes and hex, for exact comparison. */
function fingerprint(outcome: BlockOutcome) {
  return {
    receipts: outcome.receipts.map((r) => hex(Receipt.encode(r))),
    writes: writesHex(outcome.writes),
    updates: outcome.stateUpdates.map((u) => [hex(u.key), u.value === null ? null : hex(u.value)]),
    receiptRoot: hex(outcome.receiptRoot),
    receiptCount: outcome.receiptCount,
  };
}

function execute(parent: StateReader, transactions: readonly ResolvedTransaction[]): BlockOutcome {
  // A new executor every time: nothing may carry over between runs.
  const executor = new BlockExecutor({
    chainId: 'trellis-test',
    hash: sha256,
    contracts: CONTRACTS,
    limits: LIMITS,
  });
  return executor.executeBlock({ parent, height: 9n, timeMs: 1_234n, transactions });
}

describe('BlockExecutor (property)', () => {
  it('sameInputs_giveByteIdenticalOutcomes_overEqualButDifferentlyBuiltParents', () => {
    fc.assert(
      fc.property(
        stateArb,
        stateArb,
        fc.array(txArb, { minLength: 1, maxLength: 30, size: 'medium' }),
        (state, junk, txs) => {
          const entries = state.map(([c, k, v]) => [stateKey(c, k), v] as const);
          // The same state built another way: a store holding extra entries and, for every other
          // key, a stale value, under an overlay deleting the extras and one rewriting the stale.
          const extras = junk.map(([c, k, v]) => [stateKey(c, k), v] as const);
          const isStale = (i: number) => i % 2 === 0;
          const stale = entries.map(
            ([k, v], i) => [k, isStale(i) ? new Uint8Array([...v, 0xee]) : v] as const,
          );
          const overlay1 = new StateOverlay({ parent: new MemoryState([...extras, ...stale]) });
          for (const [key] of extras) overlay1.delete(key);
          const overlay2 = overlay1.child();
          const extraKeys = new Set(extras.map(([k]) => hex(k)));
          entries.forEach(([key, value], i) => {
            if (isStale(i) || extraKeys.has(hex(key))) overlay2.put(key, value);
          });
          expect(overlay2.range({ limit: 10_000 }).map((e) => [hex(e.key), hex(e.value)])).toEqual(
            new MemoryState(entries)
              .range({ limit: 10_000 })
              .map((e) => [hex(e.key), hex(e.value)]),
          );

          const first = execute(new MemoryState(entries), txs);
          const again = execute(new MemoryState(entries), txs);
          const layered = execute(overlay2, txs);
          expect(fingerprint(again)).toEqual(fingerprint(first));
          expect(fingerprint(layered)).toEqual(fingerprint(first));

          // The block overlay's view is the parent with the writes applied.
          const applied = new MemoryState(entries).apply(first.writes);
          const everything = { limit: 10_000 };
          expect(first.overlay.range(everything).map((e) => [hex(e.key), hex(e.value)])).toEqual(
            applied.range(everything).map((e) => [hex(e.key), hex(e.value)]),
          );
          // Failed transactions emit nothing, and every receipt round-trips.
          for (const receipt of first.receipts) {
            if (receipt.status === 'failed') expect(receipt.events).toEqual([]);
            expect(Receipt.decode(Receipt.encode(receipt))).toEqual(receipt);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
