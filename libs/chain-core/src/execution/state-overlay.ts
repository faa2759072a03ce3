/**
 * Buffered writes over a parent `StateReader`. Used at three levels, each over the one before:
 * a transaction's overlay (committed into its block's on success, dropped on failure), a
 * block's overlay (its writes become the block's state updates) and, in the node, chains of
 * executed but not yet committed blocks (the next block's overlay over the previous one's).
 *
 * Invariants:
 * - reads see this overlay's own writes first, then the parent's state;
 * - no caller ever shares a buffer with the overlay: keys and values are copied in on write and
 *   out on read, so nothing a caller keeps can change state afterwards;
 * - the parent is never written; a committed overlay accepts no more writes.
 */
import { isBytes } from '../codec';
import { MAX_STATE_VALUE_BYTES, type RangeOptions, type StateEntry } from '../contract';
import type { StateReader, StateWrite } from '../storage';
import { ExecutionError, invalidArgument } from './execution-error';
import { checkRange, successor } from './key-range';
import { SortedSlots } from './sorted-slots';
import { compareBytes, copyBytes } from '../codec';
import { MAX_FULL_KEY_BYTES } from './state-key';

/** A buffered write: the latest value of `key`, or null for a delete (a tombstone). */
interface Slot {
  readonly key: Uint8Array;
  /** `keyId(key)`, kept so that a commit into the parent does not build it again. */
  readonly id: string;
  value: Uint8Array | null;
}

/** What an overlay is built over. */
export interface StateOverlayOptions {
  /** The state this overlay reads through to: the committed store or another overlay. */
  readonly parent: StateReader;
}

/** Buffered writes over a parent state; see the file comment for the invariants. */
export class StateOverlay implements StateReader {
  /** The state under this overlay. */
  readonly parent: StateReader;
  private readonly slots = new Map<string, Slot>();
  private readonly order = new SortedSlots<Slot>();
  private committed = false;

  constructor(opts: StateOverlayOptions) {
    if (typeof opts !== 'object' || opts === null)
      throw invalidArgument('opts', 'must be an object');
    const { parent } = opts;
    if (
      typeof parent !== 'object' ||
      parent === null ||
      typeof parent.get !== 'function' ||
      typeof parent.range !== 'function'
    ) {
      throw invalidArgument('opts.parent', 'must be a StateReader (get and range)');
    }
    this.parent = parent;
  }

  /** Number of keys written (puts and deletes) in this overlay. */
  get size(): number {
    return this.slots.size;
  }

  /** The value of `key`: this overlay's latest write of it if any, else the parent's. */
  get(key: Uint8Array): Uint8Array | undefined {
    checkKey(key);
    const value = this.lookup(key, keyId(key));
    return value === undefined ? undefined : copyBytes(value);
  }

  /**
   * The value of `key` (`id` is its `keyId`) as held here or below: NOT a copy — a buffer of
   * this overlay, of an overlay under it or of the parent store. For `get` and the transaction
   * host, which copy it once before it leaves them (rather than once per overlay level); the
   * key is not checked again.
   */
  lookup(key: Uint8Array, id = keyId(key)): Uint8Array | undefined {
    const slot = this.slots.get(id);
    if (slot !== undefined) return slot.value === null ? undefined : slot.value;
    const parent = this.parent;
    return parent instanceof StateOverlay ? parent.lookup(key, id) : parent.get(key);
  }

  /** Buffers `key = value` (both copied). */
  put(key: Uint8Array, value: Uint8Array): void {
    checkKey(key);
    if (!isBytes(value) || value.length > MAX_STATE_VALUE_BYTES) {
      throw invalidArgument(
        'value',
        `must be a Uint8Array of at most ${MAX_STATE_VALUE_BYTES} bytes`,
      );
    }
    this.write(copyBytes(key), copyBytes(value));
  }

  /** Buffers the deletion of `key` (a tombstone hiding the parent's value). */
  delete(key: Uint8Array): void {
    checkKey(key);
    this.write(copyBytes(key), null);
  }

  /**
   * `put` (a `null` value: `delete`) of buffers the caller has just made and hands over: it
   * keeps no reference to them, so they are not copied again, and it has checked them (for the
   * transaction host, whose keys are built by prefixing a checked contract key and whose values
   * are its own copies).
   */
  writeOwned(key: Uint8Array, value: Uint8Array | null): void {
    this.write(key, value, keyId(key));
  }

  /**
   * Entries of the merged view (parent's state under this overlay's writes) in key order, or
   * reverse, at most `limit`. The parent is asked page by page from where the merge stopped:
   * the first page is `limit` entries, each next one twice the last, so tombstones hiding many
   * parent entries cost a few extra pages, never a scan of everything.
   */
  range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[] {
    const { interval, reverse, limit } = checkRange(options, 'options', Number.MAX_SAFE_INTEGER);
    if (interval === null || limit === 0) return [];
    const out: StateEntry[] = [];
    const lowerId = interval.lower === undefined ? undefined : keyId(interval.lower);
    const upperId = interval.upper === undefined ? undefined : keyId(interval.upper);
    const own = reverse
      ? this.order.descending(lowerId, upperId)
      : this.order.ascending(lowerId, upperId);
    let next = own.next();
    /** Emits an own slot (a put; a tombstone emits nothing); true when `out` is full. */
    const emitOwn = (slot: Slot): boolean => {
      if (slot.value !== null) out.push({ key: copyBytes(slot.key), value: copyBytes(slot.value) });
      return out.length >= limit;
    };
    // Whether `a` comes before `b` in scan order.
    const before = (a: Uint8Array, b: Uint8Array) =>
      reverse ? compareBytes(a, b) > 0 : compareBytes(a, b) < 0;
    let { lower, upper } = interval;
    let page = limit;
    for (;;) {
      const fetched = this.parent.range(pageOptions(lower, upper, reverse, page));
      for (const entry of fetched) {
        while (!next.done && before(next.value.key, entry.key)) {
          if (emitOwn(next.value)) return out;
          next = own.next();
        }
        if (!next.done && compareBytes(next.value.key, entry.key) === 0) {
          // This overlay's write shadows the parent's entry.
          const full = emitOwn(next.value);
          next = own.next();
          if (full) return out;
        } else {
          out.push({ key: copyBytes(entry.key), value: copyBytes(entry.value) });
          if (out.length >= limit) return out;
        }
      }
      if (fetched.length < page) break;
      const last = fetched[fetched.length - 1]!.key;
      if (reverse) upper = last;
      else lower = successor(last);
      page = Math.min(page * 2, Number.MAX_SAFE_INTEGER);
    }
    // The parent has nothing more in the interval: the rest is this overlay's own.
    for (; !next.done; next = own.next()) {
      if (emitOwn(next.value)) return out;
    }
    return out;
  }

  /** Every buffered write, sorted by key, one per key (the latest). Fresh copies. */
  writes(): StateWrite[] {
    const out: StateWrite[] = [];
    for (const slot of this.order.ascending()) {
      out.push({
        key: copyBytes(slot.key),
        value: slot.value === null ? null : copyBytes(slot.value),
      });
    }
    return out;
  }

  /** A nested overlay reading through this one (a transaction's over its block's). */
  child(): StateOverlay {
    return new StateOverlay({ parent: this });
  }

  /**
   * Applies this overlay's writes to `parent` — which must be the overlay it was made over —
   * and seals this one: it stays readable but accepts no more writes. To discard an overlay,
   * drop it.
   * @throws ExecutionError('invalid-argument') when `parent` is not this overlay's parent,
   *   ('overlay-committed') when this overlay was committed already.
   */
  commitInto(parent: StateOverlay): void {
    if (!(parent instanceof StateOverlay) || parent !== this.parent) {
      throw invalidArgument('parent', 'must be the overlay this one was made over');
    }
    this.checkOpen();
    // Buffers move, not copies: this overlay never changes them again once sealed, and
    // both hand out only copies.
    for (const slot of this.order.ascending()) parent.write(slot.key, slot.value, slot.id);
    this.committed = true;
  }

  /** Records a write of buffers this overlay now owns; `id` is `keyId(key)`. */
  private write(key: Uint8Array, value: Uint8Array | null, id = keyId(key)): void {
    this.checkOpen();
    const slot = this.slots.get(id);
    if (slot !== undefined) {
      slot.value = value;
      return;
    }
    const created: Slot = { key, id, value };
    this.slots.set(id, created);
    this.order.insert(created);
  }

  private checkOpen(): void {
    if (this.committed) {
      throw new ExecutionError(
        'overlay-committed',
        {},
        'execution: this overlay was committed into its parent and accepts no more writes',
      );
    }
  }
}

function checkKey(key: unknown): asserts key is Uint8Array {
  if (!isBytes(key) || key.length < 1 || key.length > MAX_FULL_KEY_BYTES) {
    throw invalidArgument('key', `must be a Uint8Array of 1..${MAX_FULL_KEY_BYTES} bytes`);
  }
}

/** A map key for a byte string: one UTF-16 unit per byte (cheaper than hex). */
function keyId(key: Uint8Array): string {
  if (key.length <= KEY_ID_CHUNK) {
    return String.fromCharCode.apply(null, key as unknown as number[]);
  }
  // A range bound may be longer than any key: built in pieces, under the engines' limit on
  // the number of arguments of one call.
  let id = '';
  for (let at = 0; at < key.length; at += KEY_ID_CHUNK) {
    id += String.fromCharCode.apply(
      null,
      key.subarray(at, at + KEY_ID_CHUNK) as unknown as number[],
    );
  }
  return id;
}

const KEY_ID_CHUNK = 8192;

/** The parent request for one page; bounds that are open are left out, not set to undefined. */
function pageOptions(
  lower: Uint8Array | undefined,
  upper: Uint8Array | undefined,
  reverse: boolean,
  limit: number,
): RangeOptions & { readonly limit: number } {
  return {
    ...(lower === undefined ? {} : { start: lower }),
    ...(upper === undefined ? {} : { end: upper }),
    ...(reverse ? { reverse } : {}),
    limit,
  };
}
