/**
 * A range scan's options reduced to one half-open interval of keys: `prefix`, `start`
 * (inclusive) and `end` (exclusive) all constrain the same byte order, so
 *
 *   lower = max(start, prefix)          upper = min(end, the first key after every prefix key)
 *
 * and a key is in the scan exactly when `lower <= key < upper`.
 */
import { isBytes } from '../codec';
import type { RangeOptions } from '../contract';
import { invalidArgument } from './execution-error';
import { compareBytes, copyBytes, prefixEnd } from '../codec';

/** `lower <= key < upper`; a missing bound is open. */
export interface KeyInterval {
  readonly lower: Uint8Array | undefined;
  readonly upper: Uint8Array | undefined;
}

/** A checked range request: its interval (null when provably empty), direction and limit. */
export interface CheckedRange {
  readonly interval: KeyInterval | null;
  readonly reverse: boolean;
  readonly limit: number;
}

/**
 * Checks `options` (each property read once) and reduces it to an interval.
 * @param field the argument's name for errors, e.g. `options`.
 * @param maxLimit the largest `limit` accepted; `defaultLimit` is used when it is absent.
 * @param maxBoundBytes the longest `prefix`, `start` or `end` accepted.
 * @throws ExecutionError('invalid-argument') naming the bad property.
 */
export function checkRange(
  options: unknown,
  field: string,
  maxLimit: number,
  defaultLimit?: number,
  maxBoundBytes = Number.MAX_SAFE_INTEGER,
): CheckedRange {
  if (options === undefined && defaultLimit !== undefined) {
    return {
      interval: { lower: undefined, upper: undefined },
      reverse: false,
      limit: defaultLimit,
    };
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(field, 'must be an object');
  }
  const { prefix, start, end, reverse, limit } = options as Record<keyof RangeOptions, unknown>;
  const bytesOrUndefined = (value: unknown, name: string): Uint8Array | undefined => {
    if (value === undefined) return undefined;
    if (!isBytes(value)) throw invalidArgument(`${field}.${name}`, 'must be a Uint8Array');
    const copy = copyBytes(value);
    if (copy.length > maxBoundBytes) {
      throw invalidArgument(`${field}.${name}`, `must be at most ${maxBoundBytes} bytes`);
    }
    return copy;
  };
  const p = bytesOrUndefined(prefix, 'prefix');
  const s = bytesOrUndefined(start, 'start');
  const e = bytesOrUndefined(end, 'end');
  if (reverse !== undefined && typeof reverse !== 'boolean') {
    throw invalidArgument(`${field}.reverse`, 'must be a boolean');
  }
  const n = limit === undefined ? defaultLimit : limit;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > maxLimit) {
    throw invalidArgument(`${field}.limit`, `must be an integer in 0..${maxLimit}`);
  }
  return { interval: intervalOf(p, s, e), reverse: reverse === true, limit: n };
}

/** The interval of keys with `prefix` in [start, end); null when it is empty. */
export function intervalOf(
  prefix: Uint8Array | undefined,
  start: Uint8Array | undefined,
  end: Uint8Array | undefined,
): KeyInterval | null {
  let lower = start;
  let upper = end;
  if (prefix !== undefined && prefix.length > 0) {
    if (lower === undefined || compareBytes(lower, prefix) < 0) lower = prefix;
    const after = prefixEnd(prefix);
    if (after !== undefined && (upper === undefined || compareBytes(after, upper) < 0)) {
      upper = after;
    }
  }
  if (lower !== undefined && lower.length === 0) lower = undefined;
  if (upper !== undefined && upper.length === 0) return null;
  if (lower !== undefined && upper !== undefined && compareBytes(lower, upper) >= 0) return null;
  return { lower, upper };
}

/**
 * The smallest key greater than every key starting with `prefix`: the prefix with trailing
 * 0xff bytes dropped and its last byte incremented; undefined when no such key exists (all 0xff).
 */
/** The smallest key greater than `key`: `key ‖ 0x00`. */
export function successor(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key, 0);
  return out;
}
