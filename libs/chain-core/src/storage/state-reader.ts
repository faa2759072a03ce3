import type { RangeOptions, StateEntry } from '../contract';

/**
 * Read access to world state by full key (`contract name ‖ 0x00 ‖ contract key`, unsigned byte
 * order). The committed store implements it; so does each overlay of an executed but not yet
 * committed block, which reads through to its parent.
 */
export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries in key order (reverse if asked), at most `limit` (required here). */
  range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[];
}

/** One change of world state: a put, or a delete when `value` is null. */
export interface StateWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}
