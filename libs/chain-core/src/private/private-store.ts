/**
 * The private store of a validator: the plaintexts of private transactions its organisation
 * receives, by transaction id, in an LMDB environment of its own (its own directory, apart from
 * the chain store: it is never part of a block commit, and can be kept on other storage, backed
 * up and purged under other rules). Opened as the chain store is (docs/adr/0011): binary keys
 * and values, `overlappingSync: false`, and every write one synchronous transaction, so a `put`
 * is on disk (fsync'd) when it returns.
 *
 * Invariants:
 * - A tx id maps to one payload hash forever: a second `put` with the same hash is a no-op
 *   (the first record stays), with another hash it is refused (`conflict`).
 * - One writer process per directory (LMDB serialises writers anyway).
 * - Every array returned is a fresh copy the caller owns.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import {
  CodecError,
  RecordSchema,
  bytes,
  equalBytes,
  hash32,
  isBytes,
  list,
  text,
  toHex,
  u16,
  u64,
} from '../codec';
import { ORG_ID_PATTERN } from '../identity';
import { MAX_PRIVATE_PAYLOAD_BYTES, MAX_PRIVATE_RECIPIENTS } from './envelope-format';
import { invalidArgument, PrivateDataError } from './private-data-error';

export interface PrivateStoreOptions {
  /** The store's directory; created if missing. Not the chain store's directory. */
  readonly path: string;
  /** LMDB's initial map size (the file can grow past it); lmdb-js's default when absent. */
  readonly mapSizeBytes?: number;
}

/** What a validator keeps of a private transaction it could open. */
export interface PrivateRecord {
  /** The hash the transaction carries on chain (`openPrivatePayload(...).payloadHash`). */
  readonly payloadHash: Uint8Array;
  /** The recipient organisations of the envelope: the only ones whose members may read it. */
  readonly recipients: readonly string[];
  readonly plaintext: Uint8Array;
  /** When this node received the envelope (ms since the epoch). */
  readonly receivedAtMs: number;
}

interface StoredRecord {
  readonly version: bigint;
  readonly payloadHash: Uint8Array;
  readonly recipients: readonly string[];
  readonly plaintext: Uint8Array;
  readonly receivedAtMs: bigint;
}

const RECORD_VERSION = 1n;
const LAYOUT_VERSION = Uint8Array.of(0, 0, 0, 1);
const LAYOUT_KEY = new TextEncoder().encode('layout');
const TX_ID_BYTES = 32;

const StoredRecordSchema = new RecordSchema<StoredRecord>('PrivateRecord', {
  version: u16,
  payloadHash: hash32,
  recipients: list(text(ORG_ID_PATTERN, 63), MAX_PRIVATE_RECIPIENTS),
  plaintext: bytes(0, MAX_PRIVATE_PAYLOAD_BYTES),
  receivedAtMs: u64,
});

/** The largest stored value: the plaintext, its recipients (≤ 64 bytes each) and the header. */
export const MAX_PRIVATE_RECORD_BYTES =
  MAX_PRIVATE_PAYLOAD_BYTES + MAX_PRIVATE_RECIPIENTS * 66 + 64;

type Table = Database<Uint8Array, Uint8Array>;

export class PrivateStore {
  private closed = false;

  private constructor(
    private readonly opts: PrivateStoreOptions,
    private readonly root: RootDatabase<Uint8Array, Uint8Array>,
    private readonly payloads: Table,
  ) {}

  /** Opens (creating if needed) the store in `opts.path`. */
  static open(opts: PrivateStoreOptions): PrivateStore {
    if (typeof opts !== 'object' || opts === null) {
      throw invalidArgument('opts', 'expected { path, mapSizeBytes? }');
    }
    if (typeof opts.path !== 'string' || opts.path.length === 0) {
      throw invalidArgument('opts.path', 'expected a non-empty string');
    }
    const size = opts.mapSizeBytes;
    if (size !== undefined && (!Number.isSafeInteger(size) || size <= 0)) {
      throw invalidArgument('opts.mapSizeBytes', 'expected a positive integer');
    }
    let root: RootDatabase<Uint8Array, Uint8Array>;
    let payloads: Table;
    let sys: Table;
    try {
      mkdirSync(opts.path, { recursive: true });
      root = open<Uint8Array, Uint8Array>({
        path: opts.path,
        noSubdir: false,
        // Synchronous transactions are fsync'd before they return (see the file comment).
        overlappingSync: false,
        maxDbs: 2,
        keyEncoding: 'binary',
        encoding: 'binary',
        ...(size === undefined ? {} : { mapSize: size }),
      });
      const table = (name: string): Table =>
        root.openDB<Uint8Array, Uint8Array>({ name, keyEncoding: 'binary', encoding: 'binary' });
      payloads = table('payloads');
      sys = table('sys');
    } catch (error) {
      throw new PrivateDataError(
        'store-open-failed',
        `cannot open the private store in ${opts.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const layout = sys.get(LAYOUT_KEY);
    if (layout === undefined) {
      root.transactionSync(() => sys.putSync(LAYOUT_KEY, LAYOUT_VERSION));
    } else if (!equalBytes(layout, LAYOUT_VERSION)) {
      void root.close();
      throw new PrivateDataError(
        'store-open-failed',
        `the private store in ${opts.path} has layout ${toHex(layout)}, this code reads ${toHex(LAYOUT_VERSION)}`,
      );
    }
    return new PrivateStore({ ...opts }, root, payloads);
  }

  /**
   * Stores the record of `txId`, durably: on disk when this returns. Returns true when it was
   * stored, false when the same payload hash was already stored (the first record stays);
   * another payload hash under the same tx id is `conflict`.
   */
  put(txId: Uint8Array, record: PrivateRecord): boolean {
    this.assertOpen();
    checkTxId(txId);
    const value = encodeRecord(record);
    const key = txId.slice();
    return this.root.transactionSync(() => {
      const existing = this.payloads.get(key);
      if (existing !== undefined) {
        const stored = this.decode(key, existing);
        if (!equalBytes(stored.payloadHash, record.payloadHash)) {
          throw new PrivateDataError(
            'conflict',
            `tx ${toHex(key)} is stored with payload hash ${toHex(stored.payloadHash)}, not ${toHex(record.payloadHash)}`,
            { field: 'record.payloadHash' },
          );
        }
        return false;
      }
      this.payloads.putSync(key, value);
      return true;
    });
  }

  /** The record of `txId`, undefined if none. */
  get(txId: Uint8Array): PrivateRecord | undefined {
    this.assertOpen();
    checkTxId(txId);
    const value = this.payloads.get(txId);
    if (value === undefined) return undefined;
    const stored = this.decode(txId, value);
    return {
      payloadHash: stored.payloadHash,
      recipients: stored.recipients,
      plaintext: stored.plaintext,
      receivedAtMs: Number(stored.receivedAtMs),
    };
  }

  has(txId: Uint8Array): boolean {
    this.assertOpen();
    checkTxId(txId);
    return this.payloads.doesExist(txId);
  }

  /** Closes the environment; every later call throws `store-closed`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.close();
  }

  /** The directory this store lives in. */
  get path(): string {
    return this.opts.path;
  }

  private decode(txId: Uint8Array, value: Uint8Array): StoredRecord {
    try {
      // A copy: lmdb-js may hand out a view of a buffer it reuses.
      const stored = StoredRecordSchema.decode(new Uint8Array(value), MAX_PRIVATE_RECORD_BYTES);
      if (stored.version !== RECORD_VERSION) {
        throw new CodecError('invalid', `record version ${stored.version}`, 'version');
      }
      return stored;
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      throw new PrivateDataError(
        'store-corrupt',
        `the record of tx ${toHex(txId)} does not decode: ${error.message}`,
        { cause: error },
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new PrivateDataError(
        'store-closed',
        `the private store in ${this.opts.path} is closed`,
      );
    }
  }
}

function checkTxId(txId: unknown): asserts txId is Uint8Array {
  if (!isBytes(txId) || txId.length !== TX_ID_BYTES) {
    throw invalidArgument('txId', `expected ${TX_ID_BYTES} bytes`);
  }
}

/** Validates the record (naming the bad field) and encodes it. */
function encodeRecord(record: PrivateRecord): Uint8Array {
  if (typeof record !== 'object' || record === null) {
    throw invalidArgument(
      'record',
      'expected { payloadHash, recipients, plaintext, receivedAtMs }',
    );
  }
  const { payloadHash, recipients, plaintext, receivedAtMs } = record;
  if (isBytes(plaintext) && plaintext.length > MAX_PRIVATE_PAYLOAD_BYTES) {
    throw new PrivateDataError(
      'too-large',
      `${plaintext.length} bytes, over the ${MAX_PRIVATE_PAYLOAD_BYTES}-byte limit`,
      { field: 'record.plaintext' },
    );
  }
  if (!Number.isSafeInteger(receivedAtMs) || receivedAtMs < 0) {
    throw invalidArgument('record.receivedAtMs', 'expected a non-negative integer (ms)');
  }
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw invalidArgument('record.recipients', 'expected a non-empty array of organisation ids');
  }
  try {
    return StoredRecordSchema.encode({
      version: RECORD_VERSION,
      payloadHash,
      recipients,
      plaintext,
      receivedAtMs: BigInt(receivedAtMs),
    });
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    throw new PrivateDataError('invalid-argument', error.message, {
      field: `record${error.path.replace(/^PrivateRecord/, '')}`,
      cause: error,
    });
  }
}
