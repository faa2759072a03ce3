/**
 * The encoder of the Trellis CBOR profile's deterministic form (RFC 8949 §4.2.1). It checks
 * each part of a value against the profile as it writes it, by the rules of `toProfileValue`
 * (cbor.ts), and at the first part outside the profile throws `OutsideProfile`, which carries
 * no path: building a path for every element was most of the cost of checking first, and
 * `encodeValue` asks `toProfileValue` for the precise error only when there is one.
 *
 * cbor2 stays the reference encoding (as it is the reference decoding for ProfileReader): on
 * this profile — integers, byte and text strings, arrays, maps with text keys, booleans, null —
 * its generic encoder took ~60 µs for a 130-byte transaction, and encoding was a third of a
 * validator's CPU (ADR 0014). The tests check every vector and thousands of random profile
 * values byte for byte against cbor2, and that random values outside the profile are refused
 * here exactly when `toProfileValue` refuses them.
 */
import { compareBytes, isBytes } from './bytes';

const utf8 = new TextEncoder();

export const U64_MAX = (1n << 64n) - 1n;
export const NEG_MIN = -(1n << 64n);
/** Keys that would reach Object.prototype if a decoded map were ever copied carelessly. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** A plain object of any realm: its prototype is null or a realm's Object.prototype. */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return (
    proto === null ||
    (Object.getPrototypeOf(proto) === null &&
      Object.prototype.toString.call(value) === '[object Object]')
  );
}

/**
 * What the writer throws at the first part of a value outside the profile. Internal to the
 * codec: `encodeValue` turns it into `toProfileValue`'s CodecError, with the path.
 */
export class OutsideProfile extends Error {
  constructor() {
    super('the value is outside the Trellis CBOR profile');
    this.name = 'OutsideProfile';
  }
}
/** One instance, thrown each time: the rejection path needs no stack, only the type. */
const OUTSIDE = new OutsideProfile();

/**
 * A typed array's own element count (%TypedArray%.prototype.length), which `set` copies: an
 * own `length` property on a Uint8Array would otherwise give a head that disagrees with the
 * bytes after it.
 */
const typedArrayLength = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  'length',
)!.get as (this: Uint8Array) => number;

type SortedKeys = readonly { key: string; head: Uint8Array }[];

/**
 * Map keys in encoding order, by the keys' list as `Object.keys` gives it: records of one kind
 * (transactions, receipts, a contract's state records and events) repeat a few key sets, and
 * sorting them by their encodings for every map was most of this encoder's time. A tree with a
 * node per key list prefix: finding a list takes one lookup per key (property names are
 * interned strings with their hashes kept), where joining the keys into one id to look up was
 * about a quarter of encoding a record. Bounded: once full, maps with new key lists take the
 * slow path. Only key lists that passed the checks (no forbidden key, no lone surrogate) are
 * kept, so a list found needs no check again.
 */
interface KeyListNode {
  /** The lists that go on with each key. */
  next: Map<string, KeyListNode> | undefined;
  /** The list that ends here, sorted. */
  sorted: SortedKeys | undefined;
}
const keyLists: KeyListNode = { next: undefined, sorted: undefined };
let keyListNodes = 0;
const KEY_LIST_NODES_MAX = 16_384;

/**
 * The keys of a map with their encoded heads (text string head + UTF-8 bytes), in CBOR order.
 * @throws OutsideProfile for a forbidden key or one with a lone surrogate.
 */
function keysInOrder(keys: readonly string[]): SortedKeys {
  let node: KeyListNode | undefined = keyLists;
  for (let i = 0; i < keys.length && node !== undefined; i++) node = node.next?.get(keys[i]!);
  if (node?.sorted !== undefined) return node.sorted;
  const sorted = keys.map((key) => {
    if (FORBIDDEN_KEYS.has(key)) throw OUTSIDE;
    return { key, head: ProfileWriter.encodeText(key) };
  });
  // Bytewise order of the encodings: shorter UTF-8 first (a longer text has a head at least as
  // long), then the bytes.
  sorted.sort((a, b) => a.head.length - b.head.length || compareBytes(a.head, b.head));
  keepKeyList(keys, sorted);
  return sorted;
}

function keepKeyList(keys: readonly string[], sorted: SortedKeys): void {
  if (keyListNodes + keys.length > KEY_LIST_NODES_MAX) return;
  let node = keyLists;
  for (const key of keys) {
    node.next ??= new Map();
    let child = node.next.get(key);
    if (child === undefined) {
      child = { next: undefined, sorted: undefined };
      node.next.set(key, child);
      keyListNodes++;
    }
    node = child;
  }
  node.sorted = sorted;
}

export class ProfileWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  /** Deepest nesting of arrays and maps written (a scalar at the top is at depth 0). */
  private maxDepth = 0;

  /**
   * A writer between encodings, to write the next one in its buffer: allocating and growing a
   * buffer for each value was about a third of encoding a record. Taken while in use, so an
   * encoding started during another (by a getter) gets a writer of its own.
   */
  private static idle: ProfileWriter | undefined;
  /** A buffer that grew past this is not kept. */
  private static readonly IDLE_BUFFER_MAX = 64 * 1024;

  private constructor() {}

  /**
   * A text string's encoding (head and UTF-8 bytes).
   * @throws OutsideProfile if the text has a lone surrogate.
   */
  static encodeText(text: string): Uint8Array {
    const writer = ProfileWriter.take(0);
    try {
      writer.text(text);
      return writer.buffer.slice(0, writer.length);
    } finally {
      ProfileWriter.release(writer);
    }
  }

  /**
   * The deterministic encoding of a profile value, checked as it is written; each property and
   * element is read once, so the bytes are those of what was checked.
   * @throws OutsideProfile at the first part outside the profile (nothing is returned).
   */
  static encode(value: unknown, maxDepth: number): Uint8Array {
    const writer = ProfileWriter.take(maxDepth);
    try {
      writer.value(value, 0);
      // A copy: the buffer is written over by the next encoding.
      return writer.buffer.slice(0, writer.length);
    } finally {
      ProfileWriter.release(writer);
    }
  }

  private static take(maxDepth: number): ProfileWriter {
    const writer = ProfileWriter.idle ?? new ProfileWriter();
    ProfileWriter.idle = undefined;
    writer.length = 0;
    writer.maxDepth = maxDepth;
    return writer;
  }

  private static release(writer: ProfileWriter): void {
    if (writer.buffer.length <= ProfileWriter.IDLE_BUFFER_MAX) ProfileWriter.idle = writer;
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  /** A head: major type and argument in its shortest form. */
  private head(major: number, argument: number | bigint): void {
    this.reserve(9);
    const m = major << 5;
    if (typeof argument === 'number' && argument < 2 ** 32) {
      if (argument < 24) {
        this.buffer[this.length++] = m | argument;
      } else if (argument < 0x100) {
        this.buffer[this.length++] = m | 24;
        this.buffer[this.length++] = argument;
      } else if (argument < 0x10000) {
        this.buffer[this.length++] = m | 25;
        this.view.setUint16(this.length, argument);
        this.length += 2;
      } else {
        this.buffer[this.length++] = m | 26;
        this.view.setUint32(this.length, argument);
        this.length += 4;
      }
      return;
    }
    const big = BigInt(argument);
    if (big < 0x1_0000_0000n) {
      this.head(major, Number(big));
      return;
    }
    this.buffer[this.length++] = m | 27;
    this.view.setBigUint64(this.length, big);
    this.length += 8;
  }

  private bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A byte string, from bytes as `toProfileValue` takes them (`isBytes`). */
  private byteString(value: Uint8Array): void {
    // As toProfileValue: a plain Uint8Array as it is, anything else (a Buffer, another realm's
    // Uint8Array, a typed array calling itself one) through the Uint8Array constructor.
    const bytes =
      value instanceof Uint8Array && value.constructor === Uint8Array
        ? value
        : new Uint8Array(value);
    const n = typedArrayLength.call(bytes);
    this.head(2, n);
    this.reserve(n);
    this.buffer.set(bytes, this.length);
    this.length += n;
  }

  private text(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n && text.charCodeAt(i) < 0x80) i++;
    // ASCII, the usual case: one byte per UTF-16 unit, written in place.
    if (i === n && n < 256) {
      this.head(3, n);
      this.reserve(n);
      for (let j = 0; j < n; j++) this.buffer[this.length++] = text.charCodeAt(j);
      return;
    }
    // UTF-8 has no form for a lone surrogate (TextEncoder would write U+FFFD): from the first
    // non-ASCII unit on, every surrogate must be a high one followed by a low one.
    for (; i < n; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0xd800 || unit > 0xdfff) continue;
      const next = text.charCodeAt(i + 1); // NaN past the end
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) throw OUTSIDE;
      i++;
    }
    const encoded = utf8.encode(text);
    this.head(3, encoded.length);
    this.bytes(encoded);
  }

  /**
   * Writes `value` if it is a profile value, with the checks of `toProfileValue` in its order
   * (bytes before the depth limit, the depth limit before arrays, maps and the rest).
   */
  private value(value: unknown, depth: number): void {
    if (value === null) {
      this.head(7, 22);
    } else if (value === false) {
      this.head(7, 20);
    } else if (value === true) {
      this.head(7, 21);
    } else if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw OUTSIDE;
      if (value >= 0) this.head(0, value);
      else this.head(1, -1 - value);
    } else if (typeof value === 'bigint') {
      if (value > U64_MAX || value < NEG_MIN) throw OUTSIDE;
      if (value >= 0n) this.head(0, value);
      else this.head(1, -1n - value);
    } else if (typeof value === 'string') {
      this.text(value);
    } else if (typeof value !== 'object') {
      throw OUTSIDE; // undefined, a symbol, a function
    } else if (isBytes(value)) {
      this.byteString(value);
    } else if (depth >= this.maxDepth) {
      throw OUTSIDE;
    } else if (Array.isArray(value)) {
      // Any realm's array. The length is read once: the head counts what is written.
      const items = value as readonly unknown[];
      const n = items.length;
      this.head(4, n);
      for (let i = 0; i < n; i++) this.value(items[i], depth + 1);
    } else if (isPlainObject(value)) {
      const map = value as { readonly [key: string]: unknown };
      // Keys sorted by the bytewise order of their encodings: shorter UTF-8 first, then bytes.
      const keys = keysInOrder(Object.keys(map));
      this.head(5, keys.length);
      for (const { key, head } of keys) {
        this.bytes(head);
        this.value(map[key], depth + 1);
      }
    } else {
      throw OUTSIDE; // a Date, a Map, a class instance, …
    }
  }
}
