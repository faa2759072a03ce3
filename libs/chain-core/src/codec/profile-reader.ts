/**
 * The decoder of the Trellis CBOR profile (docs/spec/encoding.md §1) for untrusted bytes: one
 * pass over the input that accepts exactly the deterministic encodings of profile values and
 * builds the value as it goes. cbor2's generic decoder followed by a conversion took ~60 µs for
 * a 460-byte invoice record, ~10 % of a validator's CPU. cbor2 stays the reference
 * (`referenceDecodeValue`): the tests check that both accept and reject the same inputs, with
 * the same values and the same error codes (ADR 0006).
 *
 * Error codes, as `decodeValue` has always given them:
 * - `malformed`: the input is not the deterministic CBOR encoding of one data item (truncated,
 *   trailing bytes, a non-shortest argument, indefinite lengths, reserved additional info,
 *   floats, `undefined` and other simple values, invalid UTF-8, unsorted or duplicate keys);
 * - `unsupported`: well-formed deterministic CBOR outside the profile (tags, map keys that are
 *   not text, the keys `__proto__`, `constructor`, `prototype`);
 * - `too-deep`: arrays, maps or tags nested deeper than the limit.
 * A `malformed` anywhere in the input wins over the others (the reference checks the whole
 * input's form before the profile), so the last two are kept until the end: the first of them
 * in the input's order is thrown once the whole input is known to be well-formed.
 */
import type { CborValue } from './cbor';
import { CodecError } from './errors';
import { FORBIDDEN_KEYS } from './profile-writer';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Past the caller's depth limit the input is still checked for its form (see above), by the
 * same recursion; this bound stops that. It is where cbor2's parser stops (its `maxDepth` of
 * 1024, an array's items counting two levels, a map's entries and a tag's content one), so
 * that the two decoders give the same code for any input, deeply nested garbage included.
 */
const HARD_LEVEL = 1024;

/** Text of at most this many bytes is checked for ASCII and built in place, not by TextDecoder. */
const ASCII_IN_PLACE = 32;

/**
 * Map keys decoded before, by a hash of their bytes: records of one kind repeat a few keys, and
 * building and interning their strings was ~40 % of decoding an invoice record. Only ASCII keys
 * of 1–23 bytes (one-byte heads); a slot holds the last key hashed to it, and a hit is checked
 * byte for byte, so the cache can make decoding slower, never different. Bounded: KEY_SLOTS
 * keys of at most 23 bytes.
 */
const KEY_SLOTS = 1024;
const cachedKeyBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEY_SLOTS);
const cachedKeys: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS);

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class ProfileReader {
  private pos = 0;
  /** The first `unsupported` or `too-deep` found, thrown if the input proves well-formed. */
  private violation: CodecError | undefined = undefined;

  private constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
    private readonly sizes: WeakMap<object, number> | undefined,
  ) {}

  /**
   * Decodes one profile value that must fill `input`.
   * @param maxDepth deepest nesting of arrays and maps (a scalar at the top is depth 0).
   * @param sizes where to note the encoded size of every array and map read, nested ones
   *   included (only a deterministic encoding decodes, so a value's bytes are its encoding).
   * @throws CodecError `malformed`, `unsupported` or `too-deep`, naming the byte offset.
   */
  static decode(input: Uint8Array, maxDepth: number, sizes?: WeakMap<object, number>): CborValue {
    // A plain view of the input: `slice` on a Buffer (a Uint8Array subclass) would give views
    // of the input, and byte strings must be copies.
    const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const reader = new ProfileReader(bytes, maxDepth, sizes);
    const value = reader.item(0, 0);
    if (reader.pos !== bytes.length) {
      throw malformed(reader.pos, `${bytes.length - reader.pos} trailing bytes after the value`);
    }
    if (reader.violation !== undefined) throw reader.violation;
    return value;
  }

  /**
   * One data item at `this.pos`.
   * @param depth arrays and maps around it, as the caller's limit counts them.
   * @param level the nesting as cbor2 counts it (see HARD_LEVEL).
   */
  private item(depth: number, level: number): CborValue {
    const bytes = this.bytes;
    const start = this.pos;
    if (level > HARD_LEVEL) {
      throw new CodecError('too-deep', `nesting too deep to read at byte ${start}`);
    }
    if (start >= bytes.length) throw truncated(start);
    const initial = bytes[start]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    this.pos = start + 1;
    if (major === 7) return simple(info, start);
    const argument = info < 24 ? info : this.argument(info, start);

    switch (major) {
      case 0:
        return argument <= MAX_SAFE ? BigInt(argument) : this.wideArgument(start);
      case 1:
        return argument <= MAX_SAFE ? BigInt(-1 - argument) : -1n - this.wideArgument(start);
      case 2: {
        const from = this.pos;
        const end = this.end(start, argument, 'byte string');
        this.pos = end;
        return bytes.slice(from, end); // a copy, never a view of the input
      }
      case 3: {
        const from = this.pos;
        const end = this.end(start, argument, 'text string');
        this.pos = end;
        return this.text(from, end, start);
      }
      case 4: {
        const items = this.array(argument, depth, level, start);
        this.sizes?.set(items, this.pos - start);
        return items;
      }
      case 5: {
        const entries = this.map(argument, depth, level, start);
        this.sizes?.set(entries, this.pos - start);
        return entries;
      }
      default: {
        // Major type 6, a tag: outside the profile whatever it holds, which is still read for
        // its form. The reference refuses it as too deep when it sits at the depth limit.
        if (depth >= this.maxDepth) this.tooDeep(start);
        else this.unsupported(start, `tag ${argument}`);
        this.item(depth + 1, level + 1);
        return null;
      }
    }
  }

  /** An argument in 1, 2, 4 or 8 bytes after the initial byte, which must be its shortest form. */
  private argument(info: number, start: number): number {
    const bytes = this.bytes;
    const at = start + 1;
    if (info > 27) {
      throw malformed(
        start,
        info === 31 ? 'indefinite length' : `reserved additional info ${info}`,
      );
    }
    const size = 1 << (info - 24);
    if (at + size > bytes.length) throw truncated(start);
    this.pos = at + size;
    let value: number;
    let shortest: boolean;
    if (size === 1) {
      value = bytes[at]!;
      shortest = value >= 24;
    } else if (size === 2) {
      value = (bytes[at]! << 8) | bytes[at + 1]!;
      shortest = value > 0xff;
    } else if (size === 4) {
      value = readUint32(bytes, at);
      shortest = value > 0xffff;
    } else {
      const high = readUint32(bytes, at);
      // Exact up to 2^53; above, only compared against lengths (always too long) or re-read
      // exactly by wideArgument.
      value = high * 0x1_0000_0000 + readUint32(bytes, at + 4);
      shortest = high !== 0;
    }
    if (!shortest) throw malformed(start, `argument ${value} not in its shortest form`);
    return value;
  }

  /** The 8-byte argument of the head at `start`, exactly (it is above 2^53). */
  private wideArgument(start: number): bigint {
    const bytes = this.bytes;
    return (BigInt(readUint32(bytes, start + 1)) << 32n) | BigInt(readUint32(bytes, start + 5));
  }

  /** The end of a string of `length` bytes after the head; checked before anything is read. */
  private end(start: number, length: number, what: string): number {
    const left = this.bytes.length - this.pos;
    if (length > left) {
      throw malformed(start, `${what} of ${length} bytes runs past the end (${left} left)`);
    }
    return this.pos + length;
  }

  private text(from: number, to: number, start: number): string {
    const bytes = this.bytes;
    if (to - from <= ASCII_IN_PLACE) {
      let text = '';
      let i = from;
      for (; i < to; i++) {
        const byte = bytes[i]!;
        if (byte > 0x7f) break;
        text += String.fromCharCode(byte);
      }
      if (i === to) return text;
    }
    try {
      return utf8.decode(bytes.subarray(from, to));
    } catch {
      throw malformed(start, 'text string is not valid UTF-8');
    }
  }

  private array(count: number, depth: number, level: number, start: number): CborValue[] {
    // Every item takes at least a byte: a longer count cannot be honest, and is refused before
    // anything is allocated or looped over.
    const left = this.bytes.length - this.pos;
    if (count > left) {
      throw malformed(start, `array of ${count} items runs past the end (${left} bytes left)`);
    }
    if (depth >= this.maxDepth) this.tooDeep(start);
    const items: CborValue[] = [];
    for (let i = 0; i < count; i++) items.push(this.item(depth + 1, level + 2));
    return items;
  }

  private map(
    count: number,
    depth: number,
    level: number,
    start: number,
  ): { [key: string]: CborValue } {
    const bytes = this.bytes;
    const left = bytes.length - this.pos;
    if (count * 2 > left) {
      throw malformed(start, `map of ${count} entries runs past the end (${left} bytes left)`);
    }
    if (depth >= this.maxDepth) this.tooDeep(start);
    const out = Object.create(null) as { [key: string]: CborValue };
    let previousStart = -1;
    let previousEnd = -1;
    // The reference finds misordered keys only once the whole map is read.
    let misordered = -1;
    for (let i = 0; i < count; i++) {
      const keyStart = this.pos;
      // Before the key is read: nothing inside a non-text key is the first violation.
      if (keyStart < bytes.length && bytes[keyStart]! >> 5 !== 3) {
        this.unsupported(keyStart, 'a map key that is not a text string');
      }
      const key = this.key(depth + 1, level + 1);
      const keyEnd = this.pos;
      if (
        misordered < 0 &&
        previousStart >= 0 &&
        !follows(bytes, previousStart, previousEnd, keyStart, keyEnd)
      ) {
        misordered = keyStart;
      }
      previousStart = keyStart;
      previousEnd = keyEnd;
      const usable = typeof key === 'string' && !isForbidden(key);
      if (!usable && typeof key === 'string') {
        this.unsupported(keyStart, `the map key ${JSON.stringify(key)}`);
      }
      const value = this.item(depth + 1, level + 1);
      if (usable) out[key] = value;
    }
    if (misordered >= 0) {
      throw malformed(misordered, 'map key not after the previous one in bytewise order');
    }
    return out;
  }

  /** A map key: `item`, with short ASCII text keys looked up in the cache first. */
  private key(depth: number, level: number): CborValue {
    const bytes = this.bytes;
    const from = this.pos + 1;
    const initial = bytes[this.pos];
    // Text of 1-23 bytes, within the input and the nesting bound; anything else is read by item.
    if (initial === undefined || initial < 0x61 || initial > 0x77 || level > HARD_LEVEL) {
      return this.item(depth, level);
    }
    const length = initial - 0x60;
    const to = from + length;
    if (to > bytes.length) return this.item(depth, level);
    let hash = length;
    for (let i = from; i < to; i++) {
      const byte = bytes[i]!;
      if (byte > 0x7f) return this.item(depth, level);
      hash = (Math.imul(hash, 31) + byte) | 0;
    }
    const slot = hash & (KEY_SLOTS - 1);
    this.pos = to;
    const known = cachedKeyBytes[slot];
    if (known?.length === length) {
      let i = 0;
      while (i < length && known[i] === bytes[from + i]) i++;
      if (i === length) return cachedKeys[slot]!;
    }
    let key = '';
    for (let i = from; i < to; i++) key += String.fromCharCode(bytes[i]!);
    cachedKeyBytes[slot] = bytes.slice(from, to);
    cachedKeys[slot] = key;
    return key;
  }

  private tooDeep(start: number): void {
    this.violation ??= new CodecError(
      'too-deep',
      `nesting deeper than ${this.maxDepth} at byte ${start}`,
    );
  }

  private unsupported(start: number, what: string): void {
    this.violation ??= new CodecError(
      'unsupported',
      `${what} is outside the Trellis CBOR profile, at byte ${start}`,
    );
  }
}

/** Major type 7: only false, true and null are in the profile. */
function simple(info: number, start: number): CborValue {
  switch (info) {
    case 20:
      return false;
    case 21:
      return true;
    case 22:
      return null;
    case 23:
      throw malformed(start, 'undefined is not allowed');
    case 25:
    case 26:
    case 27:
      throw malformed(start, 'floating-point numbers are not allowed');
    case 31:
      throw malformed(start, 'unexpected break (indefinite lengths are not allowed)');
    default:
      if (info > 27) throw malformed(start, `reserved additional info ${info}`);
      throw malformed(start, 'simple values other than false, true and null are not allowed');
  }
}

/** Whether the encoding at [from, to) sorts strictly after the one at [prevFrom, prevTo). */
function follows(
  bytes: Uint8Array,
  prevFrom: number,
  prevTo: number,
  from: number,
  to: number,
): boolean {
  const n = Math.min(prevTo - prevFrom, to - from);
  for (let i = 0; i < n; i++) {
    const a = bytes[prevFrom + i]!;
    const b = bytes[from + i]!;
    if (a !== b) return b > a;
  }
  // Equal, or one a prefix of the other (which well-formed items never are): not after.
  return false;
}

/** FORBIDDEN_KEYS.has, with the lengths first: most keys are none of 9 or 11 characters. */
function isForbidden(key: string): boolean {
  return (key.length === 9 || key.length === 11) && FORBIDDEN_KEYS.has(key);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (
    bytes[at]! * 0x100_0000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)
  );
}

function truncated(start: number): CodecError {
  return malformed(start, 'input ends inside a data item');
}

function malformed(at: number, message: string): CodecError {
  return new CodecError('malformed', `${message} at byte ${at}`);
}
