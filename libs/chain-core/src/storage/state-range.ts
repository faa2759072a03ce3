/**
 * Range scans over the flat world state (the StateReader contract): keys in unsigned byte
 * order, `prefix` and `start` (inclusive) / `end` (exclusive) intersected, `reverse`, `limit`.
 */
import type { RangeOptions as LmdbRange } from 'lmdb';
import type { RangeOptions, StateEntry } from '../contract';
import { checkBytes, checkCount, checkObject } from './arguments';
import type { Table } from './lmdb-node-store';
import { compareBytes, prefixEnd } from '../codec';
import { own } from './layout';
import { invalidArgument } from './storage-error';

/** The smallest key LMDB can hold (keys are never empty). */
const LOWEST_KEY = Uint8Array.of(0);

/** The key interval [lower, upper) of a scan; undefined bounds are open. */
export interface KeyBounds {
  readonly lower: Uint8Array | undefined;
  readonly upper: Uint8Array | undefined;
}

/**
 * The interval `options` describe, or undefined when it is empty. An empty `start` is no
 * bound (no key is empty); an empty `end` excludes every key.
 */
export function keyBounds(options: RangeOptions): KeyBounds | undefined {
  let lower = options.start !== undefined && options.start.length > 0 ? options.start : undefined;
  let upper = options.end;
  if (options.prefix !== undefined && options.prefix.length > 0) {
    if (lower === undefined || compareBytes(options.prefix, lower) > 0) lower = options.prefix;
    const prefixUpper = prefixEnd(options.prefix);
    if (
      prefixUpper !== undefined &&
      (upper === undefined || compareBytes(prefixUpper, upper) < 0)
    ) {
      upper = prefixUpper;
    }
  }
  if (
    upper !== undefined &&
    (upper.length === 0 || (lower !== undefined && compareBytes(lower, upper) >= 0))
  ) {
    return undefined;
  }
  return { lower, upper };
}

/** Checks a scan's options, naming the bad one; `limit` is required and may be any count. */
export function checkRangeOptions(options: unknown): RangeOptions & { readonly limit: number } {
  checkObject('options', options);
  const { prefix, start, end, reverse, limit } = options as RangeOptions;
  if (prefix !== undefined) checkBytes('options.prefix', prefix);
  if (start !== undefined) checkBytes('options.start', start);
  if (end !== undefined) checkBytes('options.end', end);
  if (reverse !== undefined && typeof reverse !== 'boolean') {
    throw invalidArgument('options.reverse', `must be a boolean, got ${typeof reverse}`);
  }
  checkCount('options.limit', limit);
  return options as RangeOptions & { readonly limit: number };
}

/** The entries of `table` in the range, as fresh arrays the caller owns. */
export function scanTable(
  table: Table,
  options: RangeOptions & { readonly limit: number },
): StateEntry[] {
  const bounds = keyBounds(options);
  if (bounds === undefined || options.limit === 0) return [];
  const { lower, upper } = bounds;
  // lmdb-js walks from `start` towards `end`: in reverse, start is the upper bound. Bounds
  // are only set when present (an explicit undefined is not an open bound everywhere). A
  // reverse scan always gets a lower bound: without one, lmdb-js 3.5 stops at an exclusive
  // default key and skips the key 0x00; [0x00] inclusive is the true open bound (no key is empty).
  const range: LmdbRange = { limit: options.limit };
  if (options.reverse === true) {
    range.reverse = true;
    if (upper !== undefined) Object.assign(range, { start: upper, exclusiveStart: true });
    Object.assign(range, { end: lower ?? LOWEST_KEY, inclusiveEnd: true });
  } else {
    if (lower !== undefined) range.start = lower;
    if (upper !== undefined) range.end = upper;
  }
  const out: StateEntry[] = [];
  for (const { key, value } of table.getRange(range))
    out.push({ key: own(key), value: own(value) });
  return out;
}
