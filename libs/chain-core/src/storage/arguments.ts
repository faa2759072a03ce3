/**
 * Argument checks shared by the storage entry points. Each names the bad argument; none
 * copies. Names are built by the caller only when it reports, so hot loops stay cheap.
 */
import { invalidArgument } from './storage-error';

/** The largest u64: heights are stored as 8 big-endian bytes. */
export const MAX_HEIGHT = 2n ** 64n - 1n;
/** LMDB (as lmdb-js builds it) refuses keys over 1,978 bytes, and empty keys. */
export const MAX_KEY_BYTES = 1978;
/** Block hashes, batch digests and transaction ids are all 32-byte hashes. */
export const ID_BYTES = 32;

/** A Uint8Array (a Buffer counts: LMDB hands those back). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** `value` must be a Uint8Array, of exactly `length` bytes when given. */
export function checkBytes(field: string, value: unknown, length?: number): Uint8Array {
  if (!isBytes(value)) throw invalidArgument(field, `must be a Uint8Array, got ${typeName(value)}`);
  if (length !== undefined && value.length !== length) {
    throw invalidArgument(field, `must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

/** A key LMDB can store: 1..MAX_KEY_BYTES bytes. */
export function checkKey(field: string, value: unknown): Uint8Array {
  const key = checkBytes(field, value);
  if (key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw invalidArgument(field, `must be 1..${MAX_KEY_BYTES} bytes, got ${key.length}`);
  }
  return key;
}

/** A block height: a bigint in 0..2^64 - 1. */
export function checkHeight(field: string, value: unknown): bigint {
  if (typeof value !== 'bigint')
    throw invalidArgument(field, `must be a bigint, got ${typeName(value)}`);
  if (value < 0n || value > MAX_HEIGHT)
    throw invalidArgument(field, `must be in 0..2^64-1, got ${value}`);
  return value;
}

/** A non-negative safe integer (versions, limits, counts). */
export function checkCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(field, `must be a non-negative safe integer, got ${String(value)}`);
  }
  return value;
}

/** `value` must be an array. */
export function checkArray(field: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value))
    throw invalidArgument(field, `must be an array, got ${typeName(value)}`);
  return value;
}

/** `value` must be a non-null object. */
export function checkObject(field: string, value: unknown): object {
  if (typeof value !== 'object' || value === null) {
    throw invalidArgument(field, `must be an object, got ${typeName(value)}`);
  }
  return value;
}

/** Metadata keys are text of 1..256 UTF-8 bytes. */
export function checkMetaKey(field: string, value: unknown): string {
  if (typeof value !== 'string')
    throw invalidArgument(field, `must be a string, got ${typeName(value)}`);
  const length = Buffer.byteLength(value, 'utf8');
  if (length === 0 || length > 256) {
    throw invalidArgument(field, `must be 1..256 UTF-8 bytes, got ${length}`);
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}
