/**
 * The small, strict subset of DER (ITU-T X.690 §10) that key and signature encodings need:
 * one-byte tags, definite minimal lengths, minimal non-negative INTEGERs, BIT STRINGs with no
 * unused bits. Anything else is refused: a key or signature has exactly one encoding.
 */

/** Thrown by the parser; callers turn it into a `CryptoError` that names their argument. */
export class DerError extends Error {
  override name = 'DerError';
}

export const TAG = Object.freeze({
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  /** [0] constructed (EXPLICIT), [1] constructed, [1] primitive (IMPLICIT). */
  CONTEXT_0_CONSTRUCTED: 0xa0,
  CONTEXT_1_CONSTRUCTED: 0xa1,
  CONTEXT_1_PRIMITIVE: 0x81,
});

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

/** Largest value length accepted: keys and signatures are far smaller. */
const MAX_LENGTH = 0xffff;

/** Reads one TLV at `offset`; returns it and the offset just past it. */
function readTlv(bytes: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  if (offset + 2 > bytes.length) throw new DerError(`truncated at byte ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at byte ${offset}`);
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length === 0x80) throw new DerError(`indefinite length at byte ${offset}`);
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 2) throw new DerError(`length of ${count} bytes at byte ${offset}`);
    if (start + count > bytes.length) throw new DerError(`truncated length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | bytes[start + i]!;
    // Minimal: the long form only from 128 on, and no leading zero byte.
    if (length < 0x80 || (count === 2 && length < 0x100)) {
      throw new DerError(`non-minimal length at byte ${offset}`);
    }
    start += count;
  }
  if (length > MAX_LENGTH || start + length > bytes.length) {
    throw new DerError(`value of ${length} bytes overruns the input at byte ${offset}`);
  }
  return { tlv: { tag, value: bytes.subarray(start, start + length) }, next: start + length };
}

/** The only TLV of `bytes`, which must have the given tag; trailing bytes are refused. */
export function readSingle(bytes: Uint8Array, tag: number): Uint8Array {
  const { tlv, next } = readTlv(bytes, 0);
  if (next !== bytes.length) throw new DerError(`${bytes.length - next} trailing bytes`);
  if (tlv.tag !== tag) throw new DerError(`expected tag 0x${hex(tag)}, got 0x${hex(tlv.tag)}`);
  return tlv.value;
}

/** The TLVs that make up a constructed value's contents, in order. */
export function readChildren(contents: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < contents.length) {
    const { tlv, next } = readTlv(contents, offset);
    out.push(tlv);
    offset = next;
  }
  return out;
}

/** Checks `tlv` has `tag` and returns its contents. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Uint8Array {
  if (tlv === undefined) throw new DerError(`${what} is missing`);
  if (tlv.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${hex(tag)}, got 0x${hex(tlv.tag)}`);
  }
  return tlv.value;
}

/** The magnitude bytes of a minimal, non-negative INTEGER (leading 0x00 sign byte removed). */
export function readUnsignedInteger(contents: Uint8Array, what: string): Uint8Array {
  if (contents.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (contents[0]! & 0x80) throw new DerError(`${what}: negative INTEGER`);
  if (contents.length > 1 && contents[0] === 0 && !(contents[1]! & 0x80)) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  return contents[0] === 0 && contents.length > 1 ? contents.subarray(1) : contents;
}

/** A small INTEGER (a version field). */
export function readSmallInteger(contents: Uint8Array, what: string): number {
  const magnitude = readUnsignedInteger(contents, what);
  if (magnitude.length > 1) throw new DerError(`${what}: INTEGER too large`);
  return magnitude[0]!;
}

/** BIT STRING contents without the unused-bits byte, which must be 0. */
export function readBitString(contents: Uint8Array, what: string): Uint8Array {
  if (contents.length === 0 || contents[0] !== 0) {
    throw new DerError(`${what}: BIT STRING with unused bits`);
  }
  return contents.subarray(1);
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length < 0x100) return [0x81, length];
  return [0x82, length >> 8, length & 0xff];
}

export function encodeTlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of contents) length += part.length;
  const header = [tag, ...encodeLength(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let offset = header.length;
  for (const part of contents) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A non-negative INTEGER from big-endian magnitude bytes (leading zeros dropped). */
export function encodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const value = trimmed.length > 0 && trimmed[0]! & 0x80 ? [Uint8Array.of(0), trimmed] : [trimmed];
  return encodeTlv(TAG.INTEGER, ...(trimmed.length === 0 ? [Uint8Array.of(0)] : value));
}

export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(TAG.BIT_STRING, Uint8Array.of(0), bytes);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
