/**
 * The encoder of the Trellis CBOR profile's deterministic form (RFC 8949 §4.2.1) for values
 * `toProfileValue` has already checked. cbor2 stays the decoder of untrusted bytes and the
 * reference encoding: on this profile — integers, byte and text strings, arrays, maps with text
 * keys, booleans, null — its generic encoder took ~60 µs for a 130-byte transaction, and
 * encoding was a third of a validator's CPU (ADR 0014). The tests check every vector and
 * thousands of random profile values byte for byte against cbor2.
 */
import type { CborValue } from './cbor';

const utf8 = new TextEncoder();

export class ProfileWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

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
      const keys = Object.keys(map).map((key) => ({ key, bytes: utf8.encode(key) }));
      keys.sort((a, b) => a.bytes.length - b.bytes.length || compare(a.bytes, b.bytes));
      this.head(5, keys.length);
      for (const { key, bytes } of keys) {
        this.head(3, bytes.length);
        this.bytes(bytes);
        this.value(map[key]!);
      }
    }
  }
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
