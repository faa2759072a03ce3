/**
 * An insert-only ordered collection of entries keyed by byte strings, for an overlay's buffered
 * writes. A block overlay takes one insert per new key of every committed transaction and is
 * range-scanned between them, so both must stay cheap at tens of thousands of keys: entries are
 * held in sorted chunks of at most `MAX_CHUNK` (insert is a binary search plus a splice of one
 * short chunk; a scan seeks in O(log n) and then walks). Keys are never removed — an overlay
 * records a delete as a tombstone entry.
 */
/**
 * Anything with a byte-string key, given as its id: the string of one UTF-16 unit (0..255) per
 * byte. Strings compare unit by unit, a prefix first, so ids compare exactly as their keys
 * do in unsigned byte order — and the engine's string comparison is much cheaper than a loop
 * over bytes (keys of one contract share long prefixes).
 */
export interface Keyed {
  readonly id: string;
}

const MAX_CHUNK = 512;

/** Entries in unsigned byte order of their keys (ids); see the file comment for the layout. */
export class SortedSlots<T extends Keyed> {
  private readonly chunks: T[][] = [];
  private count = 0;

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** Adds `entry`; its key must not be present already (the caller keeps a map of keys). */
  insert(entry: T): void {
    if (this.chunks.length === 0) {
      this.chunks.push([entry]);
      this.count = 1;
      return;
    }
    const c = Math.min(this.chunkAtOrAfter(entry.id), this.chunks.length - 1);
    const chunk = this.chunks[c]!;
    chunk.splice(lowerBound(chunk, entry.id), 0, entry);
    if (chunk.length > MAX_CHUNK) {
      const half = chunk.length >> 1;
      this.chunks.splice(c, 1, chunk.slice(0, half), chunk.slice(half));
    }
    this.count++;
  }

  /** Entries with `lower <= key < upper` (a missing bound is open), lowest key first. */
  *ascending(lower?: string, upper?: string): Generator<T, void, undefined> {
    let [c, i] = lower === undefined ? [0, 0] : this.seek(lower);
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]!;
      for (; i < chunk.length; i++) {
        const entry = chunk[i]!;
        if (upper !== undefined && entry.id >= upper) return;
        yield entry;
      }
    }
  }

  /** Entries with `lower <= key < upper` (a missing bound is open), highest key first. */
  *descending(lower?: string, upper?: string): Generator<T, void, undefined> {
    // Start just before the first key >= upper (or at the very last entry).
    let [c, i] = upper === undefined ? [this.chunks.length, 0] : this.seek(upper);
    i--;
    for (; c >= 0; c--) {
      const chunk = this.chunks[c];
      if (chunk === undefined) {
        i = (this.chunks[c - 1]?.length ?? 0) - 1;
        continue;
      }
      for (; i >= 0; i--) {
        const entry = chunk[i]!;
        if (lower !== undefined && entry.id < lower) return;
        yield entry;
      }
      i = (this.chunks[c - 1]?.length ?? 0) - 1;
    }
  }

  /** The position (chunk, index) of the first entry whose id is >= `bound`. */
  private seek(bound: string): [number, number] {
    const c = this.chunkAtOrAfter(bound);
    const chunk = this.chunks[c];
    return chunk === undefined ? [c, 0] : [c, lowerBound(chunk, bound)];
  }

  /** The first chunk whose last id is >= `id`; `chunks.length` if there is none. */
  private chunkAtOrAfter(id: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (chunk[chunk.length - 1]!.id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The index of the first entry of `chunk` whose id is >= `id`. */
function lowerBound<T extends Keyed>(chunk: readonly T[], id: string): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
