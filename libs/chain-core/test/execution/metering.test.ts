import {
  BlockExecutor,
  type BlockOutcome,
  type ContractContext,
  DEFAULT_EXECUTION_LIMITS,
  type ExecutionLimits,
  MAX_RANGE_ENTRIES,
  type ResolvedTransaction,
  STEP_COSTS,
  defineContract,
  encodeValue,
  stateKey,
} from '@trellis/chain-core';
import { CHAIN, MemoryState, bytesOf, call, sha256 } from './helpers';
import { notesContract } from './notes-contract';

/** Host calls a probe transaction makes; each swallows whatever the host throws. */
type Attempt = (ctx: ContractContext) => unknown;
const attempts = new Map<string, Attempt[]>();
/** What each attempt of the last probe saw: 'ok' or the thrown error's code. */
let seen: string[] = [];

const probe = defineContract({
  name: 'probe',
  version: 1,
  methods: {
    run: (ctx: ContractContext, args: { readonly script: string }) => {
      seen = [];
      for (const attempt of attempts.get(args.script) ?? []) {
        try {
          attempt(ctx);
          seen.push('ok');
        } catch (error) {
          seen.push((error as { code?: string }).code ?? 'thrown');
        }
      }
    },
  },
});

let scripts = 0;
/** A transaction running `steps` in the probe contract (each catching its own failure). */
function script(...steps: Attempt[]): ResolvedTransaction {
  const name = `s${scripts++}`;
  attempts.set(name, steps);
  return call('probe', 'run', { script: name });
}

function execute(
  transactions: readonly ResolvedTransaction[],
  limits: Partial<ExecutionLimits> = {},
  parent = new MemoryState(),
): BlockOutcome {
  return new BlockExecutor({
    chainId: CHAIN,
    hash: sha256,
    contracts: [probe, notesContract()],
    limits,
  }).executeBlock({ parent, height: 1n, timeMs: 0n, transactions });
}

describe('metering', () => {
  it('steps_areThePriceListApplied_exactly', () => {
    const args = { key: bytesOf(1), value: bytesOf(9, 9) };
    const outcome = execute([call('notes', 'put', args)]);
    const event = encodeValue({ key: bytesOf(1), size: 2n });
    expect(outcome.receipts[0]!.steps).toBe(
      BigInt(
        STEP_COSTS.call +
          STEP_COSTS.argsByte * encodeValue(args).length +
          STEP_COSTS.put +
          STEP_COSTS.writeByte * 3 +
          STEP_COSTS.emit +
          STEP_COSTS.eventByte * event.length,
      ),
    );
  });

  it('stepLimit_failsTheTransaction_evenWhenTheContractCatchesIt', () => {
    const outcome = execute([call('notes', 'flood', { count: 100n, size: 10n })], {
      maxStepsPerTransaction: 5_000,
    });
    expect(outcome.receipts[0]).toMatchObject({
      status: 'failed',
      error: { code: 'step-limit', message: 'the transaction needs more than 5000 steps' },
      steps: 5_000n,
    });
    expect(outcome.writes).toEqual([]);
  });

  it('writeLimit_failsTheTransaction_evenWhenTheContractCatchesIt', () => {
    const outcome = execute([call('notes', 'flood', { count: 10n, size: 200n })], {
      maxWriteBytesPerTransaction: 1_000,
    });
    expect(outcome.receipts[0]!.error).toEqual({
      code: 'write-limit',
      message: 'the transaction writes 1015 bytes, more than 1000',
    });
    expect(outcome.writes).toEqual([]);
  });

  it('eventLimit_byCountAndByBytes_failsTheTransaction', () => {
    const emitMany = (n: number, bytes: number) =>
      Array.from(
        { length: n },
        () => (ctx: ContractContext) =>
          ctx.emit({ type: 'probe.ping', data: new Uint8Array(bytes) }),
      );
    const outcome = execute(
      [script(...emitMany(4, 1)), script(...emitMany(2, 60)), script(...emitMany(3, 1))],
      {
        maxEventsPerTransaction: 3,
        maxEventBytesPerTransaction: 100,
      },
    );
    expect(outcome.receipts.map((r) => r.error?.code ?? r.status)).toEqual([
      'event-limit',
      'event-limit',
      'ok',
    ]);
    expect(outcome.receipts[0]!.error!.message).toBe('the transaction emits more than 3 events');
    expect(outcome.receipts[2]!.events).toHaveLength(3);
  });

  it('afterAHostFailure_everyLaterHostCallThrowsTheSameFailure', () => {
    const key = bytesOf(1);
    const outcome = execute(
      [
        script(
          (ctx) => ctx.state.put(key, new Uint8Array(600)),
          (ctx) => ctx.state.put(key, new Uint8Array(600)),
          (ctx) => ctx.state.get(key),
          (ctx) => ctx.emit({ type: 'probe.after', data: null }),
        ),
      ],
      { maxWriteBytesPerTransaction: 1_000 },
    );
    expect(seen).toEqual(['ok', 'write-limit', 'write-limit', 'write-limit']);
    expect(outcome.receipts[0]!.error!.code).toBe('write-limit');
  });

  it('limitsAtTheirEdges_areAccepted', () => {
    const key = new Uint8Array(256).fill(1);
    const outcome = execute(
      [
        script(
          (ctx) => ctx.state.put(key, new Uint8Array(64 * 1024)),
          (ctx) => ctx.state.put(Buffer.from([1]), Buffer.from([2])),
          (ctx) => ctx.state.range({ limit: MAX_RANGE_ENTRIES }),
          (ctx) => ctx.emit({ type: 'probe.a-b.c', data: { n: 1, list: [true, null, 'x'] } }),
        ),
      ],
      DEFAULT_EXECUTION_LIMITS,
    );
    expect(seen).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(outcome.receipts[0]!.events[0]!.data).toEqual({ n: 1n, list: [true, null, 'x'] });
    expect(outcome.writes.map((w) => w.value?.length)).toEqual([1, 64 * 1024]);
  });

  it('rangeWithoutALimit_returnsAtMostMaxRangeEntries', () => {
    const parent = new MemoryState(
      Array.from(
        { length: 1_200 },
        (_, i) => [stateKey('probe', bytesOf(i >> 8, i & 0xff)), bytesOf(1)] as const,
      ),
    );
    let count = 0;
    execute([script((ctx) => (count = ctx.state.range().length))], {}, parent);
    expect(count).toBe(MAX_RANGE_ENTRIES);
  });

  const big = new Uint8Array(257);
  it.each<[string, Attempt]>([
    ['get of an empty key', (ctx) => ctx.state.get(new Uint8Array(0))],
    ['get of a 257-byte key', (ctx) => ctx.state.get(big)],
    ['get of a string key', (ctx) => ctx.state.get('key' as never)],
    ['put of a string value', (ctx) => ctx.state.put(bytesOf(1), 'v' as never)],
    [
      'put of a value over 64 KiB',
      (ctx) => ctx.state.put(bytesOf(1), new Uint8Array(64 * 1024 + 1)),
    ],
    ['delete of an array key', (ctx) => ctx.state.delete([1, 2] as never)],
    ['range over 1000 entries', (ctx) => ctx.state.range({ limit: 1001 })],
    ['range of a negative limit', (ctx) => ctx.state.range({ limit: -1 })],
    ['range of a fractional limit', (ctx) => ctx.state.range({ limit: 1.5 })],
    ['range from a 257-byte start', (ctx) => ctx.state.range({ start: big })],
    ['range with a non-boolean reverse', (ctx) => ctx.state.range({ reverse: 'yes' as never })],
    ['range of a string', (ctx) => ctx.state.range('all' as never)],
  ])('invalidStateAccess_%s_failsTheTransaction_evenIfCaught', (_, attempt) => {
    const outcome = execute([script(attempt, (ctx) => ctx.state.put(bytesOf(5), bytesOf(5)))]);
    expect(seen).toEqual(['invalid-state-access', 'invalid-state-access']);
    expect(outcome.receipts[0]!.error!.code).toBe('invalid-state-access');
    expect(outcome.writes).toEqual([]);
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  it.each<[string, unknown]>([
    ['null', null],
    ['an upper-case type', { type: 'Invoice.Issued', data: null }],
    ['an empty word', { type: 'invoice..issued', data: null }],
    ['a type over 128 characters', { type: 'a'.repeat(129), data: null }],
    ['a float', { type: 'probe.x', data: 1.5 }],
    ['undefined data', { type: 'probe.x', data: undefined }],
    ['a nested undefined', { type: 'probe.x', data: { a: undefined } }],
    ['a Map', { type: 'probe.x', data: new Map() }],
    ['a cycle', { type: 'probe.x', data: cyclic }],
    ['data over 16 KiB', { type: 'probe.x', data: new Uint8Array(16 * 1024) }],
  ])('invalidEvent_%s_failsTheTransaction_evenIfCaught', (_, event) => {
    const outcome = execute([script((ctx) => ctx.emit(event as never))]);
    expect(seen).toEqual(['invalid-event']);
    expect(outcome.receipts[0]).toMatchObject({
      status: 'failed',
      error: { code: 'invalid-event' },
      events: [],
    });
  });
});
