/**
 * The encoder of the Trellis CBOR profile's deterministic form (RFC 8949 §4.2.1) for values
 * `toProfileValue` has already checked. cbor2 stays the reference encoding (as it is the
 * reference decoding for ProfileReader): on this profile — integers, byte and text strings,
 * arrays, maps with text keys, booleans, null — its generic encoder took ~60 µs for a 130-byte
 * transaction, and encoding was a third of a validator's CPU (ADR 0014). The tests check every
 * vector and thousands of random profile values byte for byte against cbor2.
 */
import type { CborValue } from './cbor';

const utf8 = new TextEncoder();

/**
 * Map keys in encoding order, by the keys' list as `Object.keys` gives it: records of one kind
 * (transactions, receipts, a contract's state records and events) repeat a few key sets, and
 * sorting them by their encodings for every map was most of this encoder's time. Bounded: an
 * argument map with keys of its own takes the slow path once the cache is full.
 */
const sortedKeys = new Map<string, readonly { key: string; head: Uint8Array }[]>();
const SORTED_KEYS_MAX = 4096;

/** The keys of a map with their encoded heads (text string head + UTF-8 bytes), in CBOR order. */
function keysInOrder(keys: readonly string[]): readonly { key: string; head: Uint8Array }[] {
  // Each key prefixed by its length: no two key lists share an id.
  let id = '';
  for (const key of keys) id += `${key.length}:${key}`;
  const known = sortedKeys.get(id);
  if (known !== undefined) return known;
  const sorted = keys.map((key) => ({ key, head: ProfileWriter.encodeText(key) }));
  // Bytewise order of the encodings: shorter UTF-8 first (a longer text has a head at least as
  // long), then the bytes.
  sorted.sort((a, b) => a.head.length - b.head.length || compare(a.head, b.head));
  if (sortedKeys.size < SORTED_KEYS_MAX) sortedKeys.set(id, sorted);
  return sorted;
}

export class ProfileWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  /** A text string's encoding (head and UTF-8 bytes). */
  static encodeText(text: string): Uint8Array {
    const writer = new ProfileWriter();
    writer.text(text);
    return writer.buffer.slice(0, writer.length);
  }

  /** The deterministic encoding of a checked profile value. */
  static encode(value: CborValue): Uint8Array {
    const writer = new ProfileWriter();
    writer.value(value);
    return writer.buffer.slice(0, writer.length);
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

  private text(text: string): void {
    const n = text.length;
    // ASCII, the usual case: one byte per UTF-16 unit, written in place.
    if (n < 256) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (text.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.head(3, n);
        this.reserve(n);
        for (let i = 0; i < n; i++) this.buffer[this.length++] = text.charCodeAt(i);
        return;
      }
    }
    const encoded = utf8.encode(text);
    this.head(3, encoded.length);
    this.bytes(encoded);
  }

  private value(value: CborValue): void {
    if (value === null) {
      this.head(7, 22);
    } else if (value === false) {
      this.head(7, 20);
    } else if (value === true) {
      this.head(7, 21);
    } else if (typeof value === 'number') {
      if (value >= 0) this.head(0, value);
      else this.head(1, -1 - value);
    } else if (typeof value === 'bigint') {
      if (value >= 0n) this.head(0, value);
      else this.head(1, -1n - value);
    } else if (typeof value === 'string') {
      this.text(value);
    } else if (value instanceof Uint8Array) {
      this.head(2, value.length);
      this.bytes(value);
    } else if (Array.isArray(value)) {
      const items = value as readonly CborValue[];
      this.head(4, items.length);
      for (const item of items) this.value(item);
    } else {
      const map = value as { readonly [key: string]: CborValue };
      // Keys sorted by the bytewise order of their encodings: shorter UTF-8 first, then bytes.
      const keys = keysInOrder(Object.keys(map));
      this.head(5, keys.length);
      for (const { key, head } of keys) {
        this.bytes(head);
        this.value(map[key]!);
      }
    }
  }
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
