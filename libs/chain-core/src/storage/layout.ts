/**
 * The on-disk layout of the chain store: LMDB sub-databases (tables), their key encodings and
 * the few fixed-shape records. All integers are big-endian so that LMDB's byte order (memcmp)
 * is numeric order: receipts of a height are one contiguous range, stale entries come oldest
 * first.
 *
 * | table       | key                                   | value                                   |
 * | ----------- | ------------------------------------- | --------------------------------------- |
 * | `sys`       | ASCII name (`head`, `safety`, …)      | see SYS_KEYS                            |
 * | `meta`      | UTF-8 caller key                      | caller bytes                            |
 * | `blocks`    | u64 height                            | hash(32) ‖ u32 blockLength ‖ block ‖ result |
 * | `heights`   | block hash(32)                        | u64 height                              |
 * | `receipts`  | u64 height ‖ u32 index                | receipt bytes                           |
 * | `txs`       | tx id(32)                             | u64 height ‖ u32 index                  |
 * | `batches`   | digest(32)                            | batch bytes (committed)                 |
 * | `pending`   | digest(32)                            | batch bytes (not yet committed)         |
 * | `state`     | full state key                        | value                                   |
 * | `smt-nodes` | encodeNodeKey(key)                    | encodeSmtNode(node)                     |
 * | `smt-stale` | u64 staleSinceVersion ‖ encodeNodeKey | 0x00                                    |
 */
import { StorageError } from './storage-error';

/**
 * Version of this layout, stored in `sys/schema`; a store of another layout is refused.
 * 2: sparse-tree nodes are radix-16 (docs/spec/proofs.md §4); 1 stored binary nodes.
 */
export const SCHEMA_VERSION = 2;

/** The sub-databases of the environment (the table above). */
export const TABLES = [
  'sys',
  'meta',
  'blocks',
  'heights',
  'receipts',
  'txs',
  'batches',
  'pending',
  'state',
  'smt-nodes',
  'smt-stale',
] as const;
/** The name of one sub-database. */
export type TableName = (typeof TABLES)[number];

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Keys of the `sys` table. */
export const SYS_KEYS = {
  /** u32 SCHEMA_VERSION. */
  schema: ascii('schema'),
  /** u64 height ‖ hash(32) of the last committed block. */
  head: ascii('head'),
  /** u64 latest sparse-tree version. */
  smtLatest: ascii('smt-latest'),
  /** The consensus safety data, opaque. */
  safety: ascii('safety'),
} as const;

/** The value of a `smt-stale` entry: LMDB needs one, the key says everything. */
export const STALE_MARK = Uint8Array.of(0);

/** 4 big-endian bytes. */
export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** The big-endian u32 at `offset`. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

/** 8 big-endian bytes: a height, or a sparse-tree version. */
export function u64(value: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** The big-endian u64 at `offset`. */
export function readU64(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset);
}

/** The `receipts` key of receipt `index` of block `height`, also a `txs` value. */
export function locationKey(height: bigint, index: number): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, height);
  view.setUint32(8, index);
  return out;
}

/** A `txs` value back to (height, index); `corrupt` unless 12 bytes. */
export function decodeLocation(bytes: Uint8Array): { height: bigint; index: number } {
  expectLength('a tx location', bytes, 12);
  return { height: readU64(bytes, 0), index: readU32(bytes, 8) };
}

/** A committed block as stored: its hash, encoded block and result, all opaque bytes. */
export interface StoredBlock {
  readonly hash: Uint8Array;
  readonly block: Uint8Array;
  readonly result: Uint8Array;
}

/** The `blocks` value: hash(32) ‖ u32 blockLength ‖ block ‖ result. */
export function encodeBlockRecord(record: StoredBlock): Uint8Array {
  const out = new Uint8Array(36 + record.block.length + record.result.length);
  out.set(record.hash, 0);
  out.set(u32(record.block.length), 32);
  out.set(record.block, 36);
  out.set(record.result, 36 + record.block.length);
  return out;
}

/** Decodes a `blocks` value; the parts are views into `bytes`, which must be the caller's own. */
export function decodeBlockRecord(height: bigint, bytes: Uint8Array): StoredBlock {
  const blockLength = bytes.length >= 36 ? readU32(bytes, 32) : -1;
  if (blockLength < 0 || 36 + blockLength > bytes.length) {
    throw new StorageError(
      'corrupt',
      `the record of block ${height} is ${bytes.length} bytes, too short for its block length ${blockLength}`,
    );
  }
  return {
    hash: bytes.subarray(0, 32),
    block: bytes.subarray(36, 36 + blockLength),
    result: bytes.subarray(36 + blockLength),
  };
}

/** The `sys/head` value: u64 height ‖ hash(32). */
export function encodeHead(height: bigint, hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(40);
  out.set(u64(height), 0);
  out.set(hash, 8);
  return out;
}

/** The head's hash is a view into `bytes`, which must be the caller's own. */
export function decodeHead(bytes: Uint8Array): { height: bigint; hash: Uint8Array } {
  expectLength('the head record', bytes, 40);
  return { height: readU64(bytes, 0), hash: bytes.subarray(8) };
}

/** Throws `corrupt` unless `bytes` is exactly `length` long. */
export function expectLength(what: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) {
    throw new StorageError('corrupt', `${what} is ${bytes.length} bytes, expected ${length}`);
  }
}

/** A plain Uint8Array copy of what LMDB returned (a Buffer): the caller owns it. */
export function own(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
