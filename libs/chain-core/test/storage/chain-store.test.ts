import { open } from 'lmdb';
import { ChainStore, StorageError, type CommitRecord } from '../../src/storage';
import { expectStorageError, hex, id32, Scratch, utf8 } from './helpers';

const scratch = new Scratch();
afterAll(() => scratch.dispose());

/** A block at `height` with `n` transactions, a batch, two state writes and a meta entry. */
function blockRecord(height: bigint, n = 3, extra: Partial<CommitRecord> = {}): CommitRecord {
  const tag = `h${height}`;
  return {
    height,
    hash: id32(`block ${tag}`),
    block: utf8(`block bytes ${tag}`),
    result: utf8(`result ${tag}`),
    batches: [{ digest: id32(`batch ${tag}`), bytes: utf8(`batch bytes ${tag}`) }],
    receipts: Array.from({ length: n }, (_, i) => utf8(`receipt ${tag}/${i}`)),
    txIds: Array.from({ length: n }, (_, i) => id32(`tx ${tag}/${i}`)),
    stateWrites: [
      { key: utf8(`acct\0${tag}`), value: utf8(`balance ${tag}`) },
      { key: utf8('acct\0shared'), value: utf8(`last ${tag}`) },
    ],
    meta: [{ key: 'commit-qc', value: utf8(`qc ${tag}`) }],
    ...extra,
  };
}

/** Everything readable about heights 0..n of a store, as comparable text. */
function snapshot(store: ChainStore, upto: bigint): string {
  const lines: string[] = [`head ${String(store.head()?.height)}`];
  for (let h = 0n; h <= upto; h++) {
    const block = store.blockAt(h);
    lines.push(`${h} ${block ? hex(block.block) : '-'} ${store.receiptsAt(h).map(hex).join(',')}`);
  }
  const state = store.range({ limit: 1000 }).map((e) => `${hex(e.key)}=${hex(e.value)}`);
  const pending = store.pendingBatches().map((b) => hex(b.digest));
  const qc = store.getMeta('commit-qc');
  return [...lines, ...state, `pending ${pending.join(',')}`, `qc ${qc ? hex(qc) : '-'}`].join(
    '\n',
  );
}

describe('ChainStore', () => {
  test('commitBlock_thenReadEveryTable_roundTripsAndSurvivesReopen', async () => {
    const path = scratch.dir();
    const store = ChainStore.open({ path });
    expect(store.head()).toBeUndefined();
    store.putPendingBatch(id32('batch h1'), utf8('batch bytes h1'));
    store.putPendingBatch(id32('batch h9'), utf8('still pending'));
    store.commitBlock(blockRecord(0n));
    store.commitBlock(blockRecord(1n, 2));

    const check = (s: ChainStore): void => {
      expect(s.head()).toEqual({ height: 1n, hash: id32('block h1') });
      expect(s.blockAt(1n)).toEqual({
        hash: id32('block h1'),
        block: utf8('block bytes h1'),
        result: utf8('result h1'),
      });
      expect(s.blockAt(2n)).toBeUndefined();
      expect(s.heightOf(id32('block h0'))).toBe(0n);
      expect(s.heightOf(id32('block h7'))).toBeUndefined();
      expect(s.receiptsAt(0n)).toEqual([0, 1, 2].map((i) => utf8(`receipt h0/${i}`)));
      expect(s.receiptsAt(1n)).toEqual([0, 1].map((i) => utf8(`receipt h1/${i}`)));
      expect(s.receiptsAt(2n)).toEqual([]);
      expect(s.txLocation(id32('tx h1/1'))).toEqual({ height: 1n, index: 1 });
      expect(s.receiptOf(id32('tx h0/2'))).toEqual(utf8('receipt h0/2'));
      expect(s.receiptOf(id32('tx h5/0'))).toBeUndefined();
      expect(s.batch(id32('batch h0'))).toEqual(utf8('batch bytes h0'));
      expect(s.batch(id32('batch h9'))).toEqual(utf8('still pending'));
      // Committing a batch removes it from the pending table.
      expect(s.pendingBatches()).toEqual([
        { digest: id32('batch h9'), bytes: utf8('still pending') },
      ]);
      expect(s.get(utf8('acct\0h0'))).toEqual(utf8('balance h0'));
      expect(s.get(utf8('acct\0shared'))).toEqual(utf8('last h1'));
      expect(s.get(utf8('acct\0none'))).toBeUndefined();
      expect(s.getMeta('commit-qc')).toEqual(utf8('qc h1'));
      expect(s.getMeta('other')).toBeUndefined();
    };
    check(store);
    await store.close();
    check(scratch.open(path));
  });

  test('readers_returnPlainCopies_thatDoNotAliasTheStore', () => {
    const store = scratch.open();
    store.commitBlock(blockRecord(0n));
    const value = store.get(utf8('acct\0h0'))!;
    expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
    value.fill(0);
    expect(store.get(utf8('acct\0h0'))).toEqual(utf8('balance h0'));
    const head = store.head()!;
    head.hash.fill(0);
    expect(store.head()!.hash).toEqual(id32('block h0'));
  });

  test('commitBlock_whenHeightNotNext_isRefusedAndStoreUnchanged', () => {
    const store = scratch.open();
    expectStorageError(
      () => store.commitBlock(blockRecord(1n)),
      'height-not-next',
      'block height 1 is not the next height 0 (the store is empty)',
    );
    expect(snapshot(store, 3n)).toBe(snapshot(scratch.open(), 3n));
    store.commitBlock(blockRecord(0n));
    store.commitBlock(blockRecord(1n));
    const before = snapshot(store, 3n);
    for (const height of [0n, 1n, 3n]) {
      const different = blockRecord(height, 5, {
        stateWrites: [{ key: utf8('acct\0shared'), value: null }],
      });
      expectStorageError(
        () => store.commitBlock(different),
        'height-not-next',
        `block height ${height} is not the next height 2 (head is 1)`,
      );
    }
    expect(snapshot(store, 3n)).toBe(before);
  });

  test('commitBlock_whenRefusedInsideTheTransaction_writesNothingOfTheBlock', () => {
    const store = scratch.open();
    store.commitBlock(blockRecord(0n, 1, { nodeBatch: { version: 5, nodes: [], stale: [] } }));
    const before = snapshot(store, 2n);
    // The node batch is written after the block, receipts, tx index and state: its refusal
    // must take all of them back.
    const record = blockRecord(1n, 2, { nodeBatch: { version: 5, nodes: [], stale: [] } });
    expectStorageError(
      () => store.commitBlock(record),
      'version-not-increasing',
      'version 5 is not above the latest version 5',
    );
    expect(snapshot(store, 2n)).toBe(before);
    expect(store.txLocation(id32('tx h1/0'))).toBeUndefined();
    expect(store.heightOf(id32('block h1'))).toBeUndefined();
    expect(store.batch(id32('batch h1'))).toBeUndefined();
    store.commitBlock(blockRecord(1n, 2, { nodeBatch: { version: 6, nodes: [], stale: [] } }));
    expect(store.head()?.height).toBe(1n);
    expect(store.nodeStore().latestVersion()).toBe(6);
  });

  test('commitBlock_withStateDeletesAndMetaDeletes_appliesThemInOrder', () => {
    const store = scratch.open();
    store.commitBlock(blockRecord(0n));
    const key = utf8('acct\0x');
    store.commitBlock(
      blockRecord(1n, 0, {
        stateWrites: [
          { key, value: utf8('first') },
          { key: utf8('acct\0h0'), value: null },
          { key, value: utf8('second') },
          { key: utf8('acct\0absent'), value: null },
        ],
        meta: [{ key: 'commit-qc', value: null }],
      }),
    );
    expect(store.get(key)).toEqual(utf8('second'));
    expect(store.get(utf8('acct\0h0'))).toBeUndefined();
    expect(store.getMeta('commit-qc')).toBeUndefined();
    expect(store.receiptsAt(1n)).toEqual([]);
  });

  test('txIndex_whenTxIdRepeats_keepsItsFirstLocation', () => {
    const store = scratch.open();
    const replayed = id32('tx replayed');
    store.commitBlock(blockRecord(0n, 2, { txIds: [id32('a'), replayed] }));
    store.commitBlock(blockRecord(1n, 3, { txIds: [replayed, id32('b'), replayed] }));
    expect(store.txLocation(replayed)).toEqual({ height: 0n, index: 1 });
    expect(store.receiptOf(replayed)).toEqual(utf8('receipt h0/1'));
    expect(store.txLocation(id32('b'))).toEqual({ height: 1n, index: 1 });
  });

  test('commitBlock_withBadArgument_namesItAndWritesNothing', () => {
    const store = scratch.open();
    const cases: [Partial<CommitRecord> | { height: unknown }, string][] = [
      [{ height: 0 }, 'record.height: must be a bigint'],
      [{ height: -1n }, 'record.height: must be in 0..2^64-1'],
      [{ hash: new Uint8Array(31) }, 'record.hash: must be 32 bytes, got 31'],
      [
        { txIds: [id32('x')] },
        'record.txIds: must align with record.receipts: 1 ids for 3 receipts',
      ],
      [
        {
          stateWrites: [
            { key: utf8('k'), value: null },
            { key: new Uint8Array(0), value: null },
          ],
        },
        'record.stateWrites[1].key: must be 1..1978 bytes, got 0',
      ],
      [
        { batches: [{ digest: id32('d'), bytes: 'x' as unknown as Uint8Array }] },
        'record.batches[0].bytes: must be a Uint8Array, got string',
      ],
      [
        { meta: [{ key: '', value: null }] },
        'record.meta[0].key: must be 1..256 UTF-8 bytes, got 0',
      ],
      [
        {
          nodeBatch: {
            version: 1,
            nodes: [],
            stale: [
              {
                staleSinceVersion: 0,
                nodeKey: { version: 0, bitLength: 0, path: new Uint8Array(32) },
              },
            ],
          },
        },
        'record.nodeBatch.stale[0].staleSinceVersion: must be the batch version 1, got 0',
      ],
    ];
    for (const [change, message] of cases) {
      const record = { ...blockRecord(0n), ...change } as CommitRecord;
      expectStorageError(() => store.commitBlock(record), 'invalid-argument', message);
    }
    expect(store.head()).toBeUndefined();
    expectStorageError(
      () => store.get(new Uint8Array(0)),
      'invalid-argument',
      'key: must be 1..1978 bytes',
    );
    expectStorageError(
      () => store.heightOf(new Uint8Array(3)),
      'invalid-argument',
      'hash: must be 32 bytes, got 3',
    );
    expectStorageError(
      () => store.blockAt(-1n),
      'invalid-argument',
      'height: must be in 0..2^64-1, got -1',
    );
    expectStorageError(() => ChainStore.open({ path: '' }), 'invalid-argument', 'opts.path');
  });

  test('pendingBatches_surviveReopen_andAreDeletedDurably', async () => {
    const path = scratch.dir();
    const store = ChainStore.open({ path });
    const digests = ['c', 'a', 'b'].map((l) => id32(`pending ${l}`));
    for (const d of digests) store.putPendingBatch(d, d.subarray(0, 4));
    store.deletePendingBatch(digests[1]!);
    store.commitBlock(blockRecord(0n));
    // A batch already committed is not kept as pending again.
    store.putPendingBatch(id32('batch h0'), utf8('late copy'));
    await store.close();
    const reopened = scratch.open(path);
    const expected = [digests[0]!, digests[2]!].sort(Buffer.compare);
    expect(reopened.pendingBatches()).toEqual(
      expected.map((d) => ({ digest: d, bytes: d.subarray(0, 4) })),
    );
    expect(reopened.batch(id32('batch h0'))).toEqual(utf8('batch bytes h0'));
  });

  test('queuedPendingBatches_areReadableAtOnce_andWrittenByTheNextSyncedTransaction', async () => {
    const path = scratch.dir();
    const store = ChainStore.open({ path });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((l) => id32(`queued ${l}`)) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    store.queuePendingBatch(a, utf8('batch a'));
    expect(store.batch(a)).toEqual(utf8('batch a'));
    expect(store.queuedPendingBatches).toBe(1);
    // A safety-data save (before any vote) takes the queue with it.
    store.saveSafety(utf8('safety 1'));
    expect(store.queuedPendingBatches).toBe(0);
    // A block commit too; a queued batch the block commits is not left pending.
    store.queuePendingBatch(b, utf8('batch b'));
    store.queuePendingBatch(id32('batch h0'), utf8('batch bytes h0'));
    store.commitBlock(blockRecord(0n));
    expect(store.queuedPendingBatches).toBe(0);
    store.queuePendingBatch(c, utf8('batch c'));
    store.flushPending();
    expect(store.queuedPendingBatches).toBe(0);
    store.queuePendingBatch(d, utf8('batch d')); // written when the store closes
    await store.close();
    const reopened = scratch.open(path);
    expect(reopened.pendingBatches()).toEqual(
      [a, b, c, d]
        .map((digest, i) => ({ digest, bytes: utf8(`batch ${'abcd'[i]}`) }))
        .sort((x, y) => Buffer.compare(x.digest, y.digest)),
    );
    expect(reopened.batch(id32('batch h0'))).toEqual(utf8('batch bytes h0'));
  });

  test('safety_savedThenReopened_isTheLastSaved', async () => {
    const path = scratch.dir();
    const store = ChainStore.open({ path });
    expect(store.loadSafety()).toBeUndefined();
    store.saveSafety(utf8('round 7'));
    store.saveSafety(utf8('round 9'));
    await store.close();
    expect(scratch.open(path).loadSafety()).toEqual(utf8('round 9'));
  });

  test('store_afterClose_refusesEveryCall', async () => {
    const store = ChainStore.open({ path: scratch.dir() });
    store.commitBlock(blockRecord(0n));
    const nodes = store.nodeStore();
    await store.close();
    await store.close(); // idempotent
    for (const call of [
      () => store.head(),
      () => store.get(utf8('k')),
      () => store.commitBlock(blockRecord(1n)),
      () => store.saveSafety(utf8('x')),
      () => nodes.latestVersion(),
    ]) {
      expectStorageError(call, 'closed', 'is closed');
    }
  });

  test('open_whenTheLayoutVersionDiffers_isRefused', async () => {
    const path = scratch.dir();
    await ChainStore.open({ path }).close();
    const raw = open<Uint8Array, Uint8Array>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      maxDbs: 20,
    });
    const sys = raw.openDB<Uint8Array, Uint8Array>({
      name: 'sys',
      keyEncoding: 'binary',
      encoding: 'binary',
    });
    sys.putSync(utf8('schema'), Uint8Array.of(0, 0, 0, 9));
    await raw.close();
    const error = (() => {
      try {
        ChainStore.open({ path });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('schema-mismatch');
    expect((error as StorageError).message).toContain('layout version 9, this code reads 2');
  });
});
