import {
  BlockExecutor,
  type BlockOutcome,
  type ContractContext,
  ContractError,
  ExecutionError,
  HASH_TAGS,
  Receipt,
  type ResolvedTransaction,
  type StateReader,
  merkleRoot,
  stateKey,
  defineContract,
  taggedHash,
  transactionRoot,
} from '@trellis/chain-core';
import { CHAIN, MemoryState, bytesOf, call, hex, member, sha256, utf8, writesHex } from './helpers';
import { notesContract } from './notes-contract';

const executor = new BlockExecutor({
  chainId: CHAIN,
  hash: sha256,
  contracts: [notesContract('notes'), notesContract('other')],
});

function run(
  transactions: readonly ResolvedTransaction[],
  parent: StateReader = new MemoryState(),
  height = 5n,
): BlockOutcome {
  return executor.executeBlock({ parent, height, timeMs: 1_700_000_000_000n, transactions });
}

describe('BlockExecutor: roots and arguments', () => {
  it('emptyBlock_hasTheEmptyTreesReceiptRoot', () => {
    const outcome = run([]);
    expect(outcome.receiptRoot).toEqual(merkleRoot(sha256, []));
    expect(outcome.receiptRoot).toEqual(sha256(new Uint8Array(0)));
    expect(outcome.receiptCount).toBe(0n);
    expect(outcome.stateUpdates).toEqual([]);
  });

  it('stateUpdates_areSortedByTreeKey_withNullForDeletes', () => {
    const outcome = run(
      [1, 2, 3, 4, 5]
        .map((i) => call('notes', 'put', { key: bytesOf(i), value: bytesOf(i) }))
        .concat(call('notes', 'del', { key: bytesOf(6) })),
    );
    const keys = outcome.stateUpdates.map((u) => hex(u.key));
    expect(keys).toEqual([...keys].sort());
    const deleted = taggedHash(sha256, HASH_TAGS.stateKey, stateKey('notes', bytesOf(6)));
    expect(outcome.stateUpdates.find((u) => hex(u.key) === hex(deleted))?.value).toBeNull();
  });

  it('encodedReceipts_areExactlyReceiptEncode_forEveryEventCountAndKind', () => {
    // Ok receipts are assembled from the events' encodings (receipt-bytes.ts): array heads
    // change form at 24 and 256 items, texts and steps at their own sizes.
    const loud = defineContract({
      name: 'loud',
      version: 1,
      methods: {
        emit: (ctx: ContractContext, args: { n: bigint; type: string }) => {
          for (let i = 0; i < Number(args.n); i++) {
            ctx.emit({
              type: `${args.type}.e${i % 3}`,
              data:
                i % 4 === 0
                  ? { i, big: 2n ** 64n - 1n, neg: -(2n ** 64n), text: 'é'.repeat(i) }
                  : i % 4 === 1
                    ? [bytesOf(...Array.from({ length: i }, (_, k) => k & 0xff)), null, true]
                    : i % 4 === 2
                      ? `x`.repeat(300 + i)
                      : i,
            });
          }
        },
        work: (ctx: ContractContext, args: { n: bigint }) => {
          for (let i = 0; i < Number(args.n); i++) ctx.state.get(bytesOf(1, i & 0xff));
        },
        refuse: () => {
          throw new ContractError('nope', 'refused');
        },
      },
    });
    const ex = new BlockExecutor({
      chainId: CHAIN,
      hash: sha256,
      contracts: [loud],
      limits: { maxEventsPerTransaction: 256, maxEventBytesPerTransaction: 3 * 1024 * 1024 },
    });
    const counts = [0, 1, 2, 23, 24, 25, 255, 256];
    const type = 'a'.repeat(20) + '.' + 'b'.repeat(100);
    const outcome = ex.executeBlock({
      parent: new MemoryState(),
      height: 7n,
      timeMs: 0n,
      transactions: [
        ...counts.map((n) => call('loud', 'emit', { n: BigInt(n), type: n % 2 ? type : 'x' })),
        call('loud', 'work', { n: 5000n }), // steps past 2^16, then 2^32 below
        call('loud', 'refuse'),
        call('loud', 'emit', { n: 300n, type: 'x' }), // event-limit: failed
      ],
    });
    expect(outcome.receipts.map((r) => r.status)).toEqual([
      ...counts.map(() => 'ok'),
      'ok',
      'failed',
      'failed',
    ]);
    expect(outcome.receipts.map((r) => r.events.length).slice(0, counts.length)).toEqual(counts);
    outcome.receipts.forEach((receipt, i) => {
      expect(hex(outcome.encodedReceipts[i]!)).toBe(hex(Receipt.encode(receipt)));
      expect(Receipt.decode(outcome.encodedReceipts[i]!)).toEqual(receipt);
    });
    expect(outcome.receiptRoot).toEqual(merkleRoot(sha256, outcome.receipts.map(Receipt.encode)));
  });

  it('transactionRoot_isTheRfc9162RootOfTheIds', () => {
    const ids = [call('notes', 'put').id, call('notes', 'put').id];
    expect(transactionRoot(sha256, ids)).toEqual(merkleRoot(sha256, ids));
    expect(transactionRoot(sha256, [])).toEqual(sha256(new Uint8Array(0)));
    expect(() => transactionRoot(sha256, [ids[0]!, bytesOf(1)])).toThrow('ids[1]');
  });

  it.each([
    [
      'opts.chainId',
      () => new BlockExecutor({ chainId: 'Bad Chain', hash: sha256, contracts: [] }),
    ],
    [
      'opts.hash',
      () => new BlockExecutor({ chainId: CHAIN, hash: () => bytesOf(1), contracts: [] }),
    ],
    [
      'opts.contracts[1].name',
      () =>
        new BlockExecutor({
          chainId: CHAIN,
          hash: sha256,
          contracts: [notesContract(), notesContract()],
        }),
    ],
    [
      'opts.contracts[0]',
      () =>
        new BlockExecutor({ chainId: CHAIN, hash: sha256, contracts: [{ name: 'X' } as never] }),
    ],
    [
      'opts.limits.maxEventsPerTransaction',
      () =>
        new BlockExecutor({
          chainId: CHAIN,
          hash: sha256,
          contracts: [],
          limits: { maxEventsPerTransaction: 257 },
        }),
    ],
    [
      'input.height',
      () =>
        executor.executeBlock({
          parent: new MemoryState(),
          height: 1 as never,
          timeMs: 0n,
          transactions: [],
        }),
    ],
    [
      'input.parent',
      () =>
        executor.executeBlock({ parent: {} as never, height: 1n, timeMs: 0n, transactions: [] }),
    ],
    [
      'input.transactions[0].caller.certificate',
      () => run([{ ...call('notes', 'put'), caller: { ...member(), certificate: bytesOf(1) } }]),
    ],
    ['input.transactions[0].id', () => run([{ ...call('notes', 'put'), id: bytesOf(1) }])],
    [
      'input.transactions[0].tx.body.args',
      () => {
        const tx = call('notes', 'put');
        const body = { ...tx.tx.body, args: { bad: 1.5 } };
        return run([{ ...tx, tx: { ...tx.tx, body } }]);
      },
    ],
  ])('badArgument_isRejected_naming_%s', (field, build) => {
    let caught: unknown;
    try {
      build();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExecutionError);
    expect((caught as ExecutionError<'invalid-argument'>).meta.field).toBe(field);
  });

  it('stateKeyOfEveryWrite_isInTheWritingContractsSpace', () => {
    const outcome = run([
      call('notes', 'put', { key: utf8('k'), value: bytesOf(1) }),
      call('other', 'put', { key: utf8('k'), value: bytesOf(2) }),
    ]);
    expect(writesHex(outcome.writes)).toEqual([
      [hex(stateKey('notes', utf8('k'))), '01'],
      [hex(stateKey('other', utf8('k'))), '02'],
    ]);
  });
});
