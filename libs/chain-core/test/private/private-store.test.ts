// The private store: what it keeps, what it refuses, and that a put is on disk when it
// returns (a writer SIGKILLed right after puts loses none of them).
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { open } from 'lmdb';
import { toHex } from '../../src/codec';
import {
  MAX_PRIVATE_PAYLOAD_BYTES,
  PrivateDataError,
  type PrivateDataErrorCode,
  type PrivateRecord,
  PrivateStore,
} from '../../src/private';
import { Scratch } from './support';
import { writerRecord, writerTxId } from './store-records';

const REPO = resolve(__dirname, '../../../..');
const WRITER = join(__dirname, 'private-store-writer.ts');

const scratch = new Scratch();
afterAll(() => scratch.dispose());

function codeOf(action: () => unknown): PrivateDataErrorCode {
  try {
    action();
  } catch (error) {
    if (error instanceof PrivateDataError) return error.code;
    throw error;
  }
  throw new Error('expected a PrivateDataError, but the call returned');
}

function expectSame(actual: PrivateRecord | undefined, expected: PrivateRecord): void {
  expect(actual).toBeDefined();
  expect(toHex(actual!.payloadHash)).toBe(toHex(expected.payloadHash));
  expect(toHex(actual!.plaintext)).toBe(toHex(expected.plaintext));
  expect(actual!.recipients).toEqual(expected.recipients);
  expect(actual!.receivedAtMs).toBe(expected.receivedAtMs);
}

describe('PrivateStore', () => {
  let store: PrivateStore;
  let path: string;
  beforeEach(() => {
    path = scratch.dir();
    store = PrivateStore.open({ path });
  });
  afterEach(() => store.close());

  test('put_thenGet_returnsTheRecord_andHasSeesIt', () => {
    const record = writerRecord(1);
    expect(store.has(writerTxId(1))).toBe(false);
    expect(store.get(writerTxId(1))).toBeUndefined();
    expect(store.put(writerTxId(1), record)).toBe(true);
    expect(store.has(writerTxId(1))).toBe(true);
    expectSame(store.get(writerTxId(1)), record);
    expect(store.get(writerTxId(2))).toBeUndefined();
  });

  test('get_returnsCopiesTheCallerOwns', () => {
    store.put(writerTxId(1), writerRecord(1));
    store.get(writerTxId(1))!.plaintext.fill(0);
    expectSame(store.get(writerTxId(1)), writerRecord(1));
  });

  test('put_theSamePayloadHashAgain_keepsTheFirstRecord', () => {
    store.put(writerTxId(1), writerRecord(1));
    const later = { ...writerRecord(1), receivedAtMs: writerRecord(1).receivedAtMs + 5_000 };
    expect(store.put(writerTxId(1), later)).toBe(false);
    expectSame(store.get(writerTxId(1)), writerRecord(1));
  });

  test('put_anotherPayloadHashForAStoredTx_isConflict_andChangesNothing', () => {
    store.put(writerTxId(1), writerRecord(1));
    expect(codeOf(() => store.put(writerTxId(1), writerRecord(2)))).toBe('conflict');
    expectSame(store.get(writerTxId(1)), writerRecord(1));
  });

  test.each([
    ['a tx id of 31 bytes', new Uint8Array(31), {}, 'invalid-argument'],
    [
      'a payload hash of 31 bytes',
      undefined,
      { payloadHash: new Uint8Array(31) },
      'invalid-argument',
    ],
    ['no recipients', undefined, { recipients: [] }, 'invalid-argument'],
    ['a bad organisation id', undefined, { recipients: ['Org A'] }, 'invalid-argument'],
    ['a negative receive time', undefined, { receivedAtMs: -1 }, 'invalid-argument'],
    [
      'a plaintext over the limit',
      undefined,
      { plaintext: new Uint8Array(MAX_PRIVATE_PAYLOAD_BYTES + 1) },
      'too-large',
    ],
  ] as const)('put_with %s_isRefused', (_name, txId, change, code) => {
    const record = { ...writerRecord(3), ...change };
    expect(codeOf(() => store.put(txId ?? writerTxId(3), record as PrivateRecord))).toBe(code);
    expect(store.has(writerTxId(3))).toBe(false);
  });

  test('put_ofTheLargestPlaintext_roundTrips', () => {
    const plaintext = new Uint8Array(MAX_PRIVATE_PAYLOAD_BYTES).fill(0x5a);
    const record = { ...writerRecord(4), plaintext };
    store.put(writerTxId(4), record);
    expectSame(store.get(writerTxId(4)), record);
  });

  test('reopen_findsWhatWasPut', async () => {
    for (let i = 0; i < 10; i++) store.put(writerTxId(i), writerRecord(i));
    await store.close();
    store = PrivateStore.open({ path });
    for (let i = 0; i < 10; i++) expectSame(store.get(writerTxId(i)), writerRecord(i));
  });

  test('afterClose_everyCallIsStoreClosed', async () => {
    await store.close();
    expect(codeOf(() => store.get(writerTxId(1)))).toBe('store-closed');
    expect(codeOf(() => store.has(writerTxId(1)))).toBe('store-closed');
    expect(codeOf(() => store.put(writerTxId(1), writerRecord(1)))).toBe('store-closed');
    await store.close(); // idempotent
  });

  test('get_ofBytesThatAreNotARecord_isStoreCorrupt', async () => {
    store.put(writerTxId(1), writerRecord(1));
    await store.close();
    const raw = open<Uint8Array, Uint8Array>({
      path,
      maxDbs: 2,
      keyEncoding: 'binary',
      encoding: 'binary',
    });
    const payloads = raw.openDB<Uint8Array, Uint8Array>({
      name: 'payloads',
      keyEncoding: 'binary',
      encoding: 'binary',
    });
    raw.transactionSync(() => payloads.putSync(writerTxId(1), Uint8Array.of(0x82, 0x01, 0x02)));
    await raw.close();
    store = PrivateStore.open({ path });
    expect(codeOf(() => store.get(writerTxId(1)))).toBe('store-corrupt');
  });

  test('open_ofAStoreWithAnotherLayout_isStoreOpenFailed', async () => {
    await store.close();
    const raw = open<Uint8Array, Uint8Array>({
      path,
      maxDbs: 2,
      keyEncoding: 'binary',
      encoding: 'binary',
    });
    const sys = raw.openDB<Uint8Array, Uint8Array>({
      name: 'sys',
      keyEncoding: 'binary',
      encoding: 'binary',
    });
    raw.transactionSync(() =>
      sys.putSync(new TextEncoder().encode('layout'), Uint8Array.of(0, 0, 0, 9)),
    );
    await raw.close();
    expect(codeOf(() => PrivateStore.open({ path }))).toBe('store-open-failed');
    store = PrivateStore.open({ path: scratch.dir() });
  });

  test('open_withoutAPath_isInvalidArgument', () => {
    expect(codeOf(() => PrivateStore.open({ path: '' }))).toBe('invalid-argument');
    expect(codeOf(() => PrivateStore.open({ path, mapSizeBytes: -1 }))).toBe('invalid-argument');
  });
});

interface Round {
  /** Every `put <i>` the writer printed. */
  readonly acknowledged: number[];
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs the writer on `path` and SIGKILLs it `delayMs` after its first acknowledged put. */
function killedWriter(path: string, delayMs: number): Promise<Round> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--require', '@swc-node/register', WRITER, path], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (timer === undefined && /^put \d+$/m.test(stdout)) {
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      const acknowledged = [...stdout.matchAll(/^put (\d+)$/gm)].map((m) => Number(m[1]));
      done({ acknowledged, signal, stderr });
    });
  });
}

describe('PrivateStore durability', () => {
  test('put_isOnDiskWhenItReturns_aWriterKilledRightAfterLosesNothing', async () => {
    const path = scratch.dir();
    let total = 0;
    for (const delayMs of [0, 0, 1, 2, 5, 10]) {
      const round = await killedWriter(path, delayMs);
      expect(round.stderr).toBe('');
      expect(round.signal).toBe('SIGKILL');
      expect(round.acknowledged.length).toBeGreaterThan(0);
      const store = PrivateStore.open({ path });
      try {
        for (const i of round.acknowledged) expectSame(store.get(writerTxId(i)), writerRecord(i));
      } finally {
        await store.close();
      }
      total = Math.max(total, ...round.acknowledged);
    }
    expect(total).toBeGreaterThan(5);
  }, 60_000);
});
