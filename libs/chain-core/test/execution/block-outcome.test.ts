import {
  BlockExecutor,
  type BlockOutcome,
  ExecutionError,
  HASH_TAGS,
  type ResolvedTransaction,
  type StateReader,
  merkleRoot,
  stateKey,
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
