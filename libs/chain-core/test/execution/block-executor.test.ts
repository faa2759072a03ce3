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
  defineContract,
  merkleRoot,
  stateKey,
  taggedHash,
} from '@trellis/chain-core';
import { CHAIN, MemoryState, bytesOf, call, hex, member, sha256, writesHex } from './helpers';
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

const errorOf = (outcome: BlockOutcome, i = 0) => outcome.receipts[i]!.error;

describe('BlockExecutor: receipts', () => {
  it('okTransaction_writesItsContractsKey_andRecordsItsEvents', () => {
    const tx = call('notes', 'put', { key: bytesOf(1), value: bytesOf(9, 9) });
    const outcome = run([tx]);
    const [receipt] = outcome.receipts;
    expect(receipt).toEqual({
      txId: tx.id,
      status: 'ok',
      error: null,
      events: [{ contract: 'notes', type: 'notes.put', data: { key: bytesOf(1), size: 2n } }],
      steps: expect.any(BigInt),
    });
    expect(writesHex(outcome.writes)).toEqual([[hex(stateKey('notes', bytesOf(1))), '0909']]);
    expect(outcome.stateUpdates).toEqual([
      {
        key: taggedHash(sha256, HASH_TAGS.stateKey, stateKey('notes', bytesOf(1))),
        value: bytesOf(9, 9),
      },
    ]);
    expect(outcome.receiptRoot).toEqual(merkleRoot(sha256, outcome.receipts.map(Receipt.encode)));
    expect(outcome.receiptCount).toBe(1n);
    expect(Receipt.decode(Receipt.encode(receipt!))).toEqual(receipt);
  });

  it.each([
    ['unknown-contract', call('ledger', 'put')],
    ['unknown-method', call('notes', 'burn')],
    ['unknown-method', call('notes', 'constructor')],
    ['unknown-method', call('notes', 'toString')],
    ['wrong-chain', call('notes', 'put', {}, { chainId: 'trellis-other' })],
    ['forbidden', call('notes', 'admin', {}, { caller: member(['member', 'auditor']) })],
    [
      'certificate-revoked',
      call(
        'notes',
        'put',
        {},
        { caller: { error: { code: 'certificate-revoked', message: 'x' } } },
      ),
    ],
  ])('transactionThatMayNotRun_failsWith_%s_andUsesNoSteps', (code, tx) => {
    const outcome = run([tx]);
    expect(outcome.receipts[0]).toMatchObject({ status: 'failed', error: { code }, steps: 0n });
    expect(outcome.writes).toEqual([]);
  });

  it('admissionChecks_runInTheDocumentedOrder', () => {
    const revoked = { error: { code: 'certificate-revoked', message: 'revoked at height 3' } };
    const outcome = run([
      call('ledger', 'nope', {}, { caller: revoked, chainId: 'elsewhere' }),
      call('notes', 'nope', {}, { caller: revoked, chainId: 'elsewhere' }),
      call('notes', 'admin', {}, { caller: revoked, chainId: 'elsewhere' }),
      call('notes', 'admin', {}, { caller: member([]), chainId: 'elsewhere' }),
    ]);
    expect(outcome.receipts.map((r) => r.error?.code)).toEqual([
      'unknown-contract',
      'unknown-method',
      'certificate-revoked',
      'wrong-chain',
    ]);
    expect(errorOf(outcome, 2)?.message).toBe('revoked at height 3');
  });

  it('accessRoles_anyOneOfThemSuffices', () => {
    const outcome = run([
      call('notes', 'admin', {}, { caller: member(['operator']) }),
      call('notes', 'admin', {}, { caller: member(['member']) }),
    ]);
    expect(outcome.receipts.map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(errorOf(outcome, 1)?.message).toBe(
      'notes.admin needs one of the roles [admin, operator]; org-a/alice has [member]',
    );
  });

  it('contractError_keepsItsCodeAndMessage', () => {
    const outcome = run([
      call('notes', 'refuse', { code: 'already-paid', message: 'paid on 3 May' }),
    ]);
    expect(outcome.receipts[0]).toMatchObject({
      status: 'failed',
      error: { code: 'already-paid', message: 'paid on 3 May' },
      events: [],
    });
  });

  it('longOrIllFormedMessages_areCutTo512UnitsAndStillEncode', () => {
    const messages = defineContract({
      name: 'messages',
      version: 1,
      methods: {
        long: () => {
          throw new ContractError('too-long', '\u{1F600}'.repeat(300)); // 600 units in pairs
        },
        lone: () => {
          throw new ContractError('lone', 'a\uD800b');
        },
        straddling: () => {
          throw new ContractError('straddling', 'x' + '\u{1F600}'.repeat(300)); // a pair at 511-512
        },
      },
    });
    const ex = new BlockExecutor({ chainId: CHAIN, hash: sha256, contracts: [messages] });
    const outcome = ex.executeBlock({
      parent: new MemoryState(),
      height: 1n,
      timeMs: 0n,
      transactions: [
        call('messages', 'long'),
        call('messages', 'lone'),
        call('messages', 'straddling'),
      ],
    });
    const first = errorOf(outcome, 0)!.message;
    expect(first.length).toBe(512);
    expect(first).toBe('\u{1F600}'.repeat(256));
    expect(errorOf(outcome, 1)!.message).toBe('a\uFFFDb');
    expect(errorOf(outcome, 2)!.message).toBe('x' + '\u{1F600}'.repeat(255));
    outcome.receipts.forEach((r) => expect(Receipt.decode(Receipt.encode(r))).toEqual(r));
  });

  it('contractErrorWithABadCode_isAContractFault', () => {
    const outcome = run([call('notes', 'refuse', { code: 'Not Kebab', message: 'm' })]);
    expect(errorOf(outcome)?.code).toBe('contract-fault');
    expect(errorOf(outcome)?.message).toContain('Not Kebab');
  });

  it('anyOtherThrow_isAContractFault_withTheErrorsMessage', () => {
    const odd = defineContract({
      name: 'odd',
      version: 1,
      methods: {
        string: () => {
          throw 'plain string';
        },
        async: async () => undefined,
        bare: () => {
          throw Object.create(null);
        },
      },
    });
    const ex = new BlockExecutor({
      chainId: CHAIN,
      hash: sha256,
      contracts: [notesContract(), odd],
    });
    const outcome = ex.executeBlock({
      parent: new MemoryState(),
      height: 1n,
      timeMs: 0n,
      transactions: [
        call('notes', 'crash'),
        call('odd', 'string'),
        call('odd', 'async'),
        call('odd', 'bare'),
      ],
    });
    expect(outcome.receipts.map((r) => r.error)).toEqual([
      { code: 'contract-fault', message: 'notes crashed' },
      { code: 'contract-fault', message: 'plain string' },
      {
        code: 'contract-fault',
        message: 'the method returned a promise; methods must be synchronous',
      },
      { code: 'contract-fault', message: 'the method threw a value that cannot be shown' },
    ]);
  });
});

describe('BlockExecutor: state', () => {
  it('failedTransaction_changesNothing_andEmitsNothing', () => {
    const parent = new MemoryState([[stateKey('notes', bytesOf(1)), bytesOf(1)]]);
    const outcome = run(
      [
        call('notes', 'putThenRefuse', { key: bytesOf(1), value: bytesOf(2) }),
        call('notes', 'read', { key: bytesOf(1) }),
      ],
      parent,
    );
    expect(outcome.receipts[0]).toMatchObject({ status: 'failed', events: [] });
    expect(outcome.receipts[1]!.events[0]!.data).toEqual({ value: bytesOf(1) });
    expect(outcome.writes).toEqual([]);
  });

  it('laterTransactions_seeEarlierOnes_andTheNextBlockChainsOnTheOverlay', () => {
    const first = run([
      call('notes', 'incr', { key: bytesOf(7) }),
      call('notes', 'incr', { key: bytesOf(7) }),
    ]);
    const second = run([call('notes', 'incr', { key: bytesOf(7) })], first.overlay, 6n);
    expect(second.writes).toEqual([
      { key: stateKey('notes', bytesOf(7)), value: bytesOf(0, 0, 0, 0, 0, 0, 0, 3) },
    ]);
    expect(second.receipts[0]!.events[0]!.data).toEqual({ at: 6n });
  });

  it('contract_cannotReadOrScanAnotherContractsKeys', () => {
    const parent = new MemoryState([
      [stateKey('other', bytesOf(1)), bytesOf(0xee)],
      [stateKey('notes-x', bytesOf(1)), bytesOf(0xee)], // a longer name sharing "notes"
      [stateKey('note', bytesOf(1)), bytesOf(0xee)],
      [stateKey('notes', bytesOf(2)), bytesOf(0x22)],
    ]);
    const outcome = run(
      [
        call('other', 'put', { key: bytesOf(3), value: bytesOf(0xee) }),
        call('notes', 'read', { key: bytesOf(1) }),
        call('notes', 'read', { key: bytesOf(3) }),
        call('notes', 'scan', {}),
        call('notes', 'scan', { reverse: true }),
        call('notes', 'scan', { start: new Uint8Array(0), end: bytesOf(0xff, 0xff) }),
      ],
      parent,
    );
    const data = outcome.receipts.map((r) => r.events[0]?.data);
    expect(data[1]).toEqual({ value: null });
    expect(data[2]).toEqual({ value: null });
    for (const scanned of data.slice(3)) {
      expect(scanned).toEqual({ entries: [[bytesOf(2), bytesOf(0x22)]] });
    }
  });

  it('contract_cannotKeepAReferenceThatChangesStateLater', () => {
    let stash: ContractContext | undefined;
    const sneaky = defineContract({
      name: 'sneaky',
      version: 1,
      methods: {
        keep: (ctx: ContractContext, args: { key: Uint8Array }) => {
          const value = bytesOf(1, 1);
          ctx.state.put(args.key, value);
          value.fill(9); // after the put
          args.key.fill(9);
          ctx.state.get(bytesOf(1))!.fill(9);
          ctx.state.range()[0]!.value.fill(9);
          ctx.txId.fill(0);
          stash = ctx;
        },
        later: (ctx: ContractContext) => {
          ctx.emit({ type: 'sneaky.seen', data: { value: ctx.state.get(bytesOf(1)) ?? null } });
          stash!.state.put(bytesOf(2), bytesOf(2)); // the old transaction's context
        },
      },
    });
    const ex = new BlockExecutor({ chainId: CHAIN, hash: sha256, contracts: [sneaky] });
    const keep = call('sneaky', 'keep', { key: bytesOf(1) });
    const outcome = ex.executeBlock({
      parent: new MemoryState(),
      height: 1n,
      timeMs: 0n,
      transactions: [keep, call('sneaky', 'later')],
    });
    expect(outcome.receipts[0]!.status).toBe('ok');
    expect(keep.tx.body.args).toEqual({ key: bytesOf(1) }); // the transaction's own args untouched
    expect(outcome.receipts[0]!.txId).toEqual(keep.id);
    expect(outcome.receipts[1]!.error).toEqual({
      code: 'invalid-state-access',
      message: 'this context belongs to a transaction that has ended',
    });
    expect(writesHex(outcome.writes)).toEqual([[hex(stateKey('sneaky', bytesOf(1))), '0101']]);
  });

  it('contract_mutatingWhatItReadOrEmitted_changesNothingRecorded', () => {
    // The host copies a value once on its way out of the overlays (whichever level holds it)
    // and hands the overlay its own copies on the way in: no buffer is shared with a contract.
    const key = (n: number) => stateKey('mutator', bytesOf(n));
    const mutator = defineContract({
      name: 'mutator',
      version: 1,
      methods: {
        write: (ctx: ContractContext, args: { value: Uint8Array }) => {
          ctx.state.put(bytesOf(2), args.value);
          const data = { value: args.value, list: [args.value] };
          ctx.emit({ type: 'mutator.wrote', data });
          args.value.fill(9); // the args, after the put and the emit
          data.value = bytesOf(7);
          data.list.push(bytesOf(7));
        },
        mangle: (ctx: ContractContext) => {
          ctx.state.get(bytesOf(1))!.fill(9); // held by the parent store
          ctx.state.get(bytesOf(2))!.fill(9); // held by the block's overlay
          ctx.state.put(bytesOf(3), bytesOf(3));
          ctx.state.get(bytesOf(3))!.fill(9); // held by this transaction's overlay
          const seen = [1, 2, 3].map((n) => ctx.state.get(bytesOf(n))!);
          ctx.emit({ type: 'mutator.seen', data: { seen } });
          for (const value of seen) value.fill(8); // after the emit
        },
      },
    });
    const ex = new BlockExecutor({ chainId: CHAIN, hash: sha256, contracts: [mutator] });
    const parent = new MemoryState([[key(1), bytesOf(1, 1)]]);
    const outcome = ex.executeBlock({
      parent,
      height: 1n,
      timeMs: 0n,
      transactions: [call('mutator', 'write', { value: bytesOf(2, 2) }), call('mutator', 'mangle')],
    });
    expect(outcome.receipts.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(outcome.receipts[0]!.events[0]!.data).toEqual({
      value: bytesOf(2, 2),
      list: [bytesOf(2, 2)],
    });
    expect(outcome.receipts[1]!.events[0]!.data).toEqual({
      seen: [bytesOf(1, 1), bytesOf(2, 2), bytesOf(3)],
    });
    expect(outcome.encodedReceipts).toEqual(outcome.receipts.map((r) => Receipt.encode(r)));
    expect(writesHex(outcome.writes)).toEqual([
      [hex(key(2)), '0202'],
      [hex(key(3)), '03'],
    ]);
    expect(parent.get(key(1))).toEqual(bytesOf(1, 1));
    expect(outcome.overlay.get(key(2))).toEqual(bytesOf(2, 2));
    expect(outcome.overlay.get(key(3))).toEqual(bytesOf(3));
  });

  it('callerAndBlock_areFrozenCopies', () => {
    const seen: string[] = [];
    const probe = defineContract({
      name: 'probe',
      version: 1,
      methods: {
        mutate: (ctx: ContractContext) => {
          for (const attempt of [
            () => (ctx.caller.roles as string[]).push('admin'),
            () => ((ctx.block as { height: bigint }).height = 0n),
            () => ((ctx.caller as { org: string }).org = 'evil'),
          ]) {
            try {
              attempt();
              seen.push('changed');
            } catch {
              seen.push('refused');
            }
          }
        },
      },
    });
    const caller = member(['member']);
    const ex = new BlockExecutor({ chainId: CHAIN, hash: sha256, contracts: [probe] });
    ex.executeBlock({
      parent: new MemoryState(),
      height: 1n,
      timeMs: 0n,
      transactions: [call('probe', 'mutate', {}, { caller })],
    });
    expect(seen).toEqual(['refused', 'refused', 'refused']);
    expect(caller.roles).toEqual(['member']);
  });

  it('parentStateFailure_abortsTheBlock_evenWhenTheContractCatchesIt', () => {
    const broken: StateReader = {
      get: () => {
        throw new Error('disk gone');
      },
      range: () => [],
    };
    const catcher = defineContract({
      name: 'catcher',
      version: 1,
      methods: {
        read: (ctx: ContractContext) => {
          try {
            ctx.state.get(bytesOf(1));
          } catch {
            throw new ContractError('not-found', 'pretend it was missing');
          }
        },
      },
    });
    const ex = new BlockExecutor({ chainId: CHAIN, hash: sha256, contracts: [catcher] });
    let caught: unknown;
    try {
      ex.executeBlock({
        parent: broken,
        height: 1n,
        timeMs: 0n,
        transactions: [call('catcher', 'read')],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExecutionError);
    expect(caught).toMatchObject({
      code: 'state-unavailable',
      meta: { operation: 'get', txIndex: 0 },
    });
    expect((caught as Error).message).toContain('disk gone');
  });
});
