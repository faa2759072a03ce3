/** Byte helpers and argument checks shared by both implementations (no Buffer, no node:). */
import { CryptoError, CryptoErrorCode } from '../errors';

/** A Uint8Array (or Buffer) from any realm (worker, vm context, iframe): `instanceof` is not enough. */
export function isBytes(value: unknown): value is Uint8Array {
  // This realm's Uint8Arrays (Buffers too) by the cheap test first: the encoder asks for every
  // byte string it writes. Other realms' by their tag.
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
  );
}

/**
 * Throws `invalid-argument` unless `value` is a Uint8Array, and `invalid-length` unless its
 * length is one of `lengths` (any length when none are given).
 * @param where the call and argument for the message, e.g. `p256.verify: signature`.
 */
export function assertBytes(
  value: unknown,
  where: string,
  argument: string,
  ...lengths: number[]
): asserts value is Uint8Array {
  if (!isBytes(value)) {
    throw new CryptoError(
      CryptoErrorCode.InvalidArgument,
      `${where}: ${argument} must be a Uint8Array, got ${describe(value)}`,
      { argument, expected: 'Uint8Array', actual: describe(value) },
    );
  }
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    const expected = lengths.join(' or ');
    throw new CryptoError(
      CryptoErrorCode.InvalidLength,
      `${where}: ${argument} must be ${expected} bytes, got ${value.length}`,
      { argument, expected, actual: value.length },
    );
  }
}

export function assertString(
  value: unknown,
  where: string,
  argument: string,
): asserts value is string {
  if (typeof value !== 'string') {
    throw new CryptoError(
      CryptoErrorCode.InvalidArgument,
      `${where}: ${argument} must be a string, got ${describe(value)}`,
      { argument, expected: 'string', actual: describe(value) },
    );
  }
}

/** A short name for the type of a bad argument, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The two lower-case hex digits of each byte value. */
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).padStart(2, '0'),
);

/** Each character code's hex digit value, -1 for a character that is not one. */
const HEX_VALUES: Int8Array = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let d = 0; d < 16; d++) {
    values[d.toString(16).charCodeAt(0)] = d;
    values[d.toString(16).toUpperCase().charCodeAt(0)] = d;
  }
  return values;
})();

/** Lower-case hex. Looked up per byte: event data goes through this on every block. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!];
  return out;
}

/** Lower- or upper-case hex of even length. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new TypeError('not an even-length hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = HEX_VALUES[hex.charCodeAt(2 * i)] ?? -1;
    const low = HEX_VALUES[hex.charCodeAt(2 * i + 1)] ?? -1;
    if (high < 0 || low < 0) throw new TypeError('not an even-length hex string');
    out[i] = (high << 4) | low;
  }
  return out;
}

export function bytesToBigIntBE(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

export function bytesToBigIntLE(bytes: Uint8Array): bigint {
  return bytesToBigIntBE(Uint8Array.from(bytes).reverse());
}

/** `value` as exactly `length` big-endian bytes; throws RangeError if it does not fit. */
export function bigIntToBytesBE(value: bigint, length: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * length)) {
    throw new RangeError(`integer does not fit in ${length} bytes`);
  }
  return fromHex(value.toString(16).padStart(2 * length, '0'));
}

/** A copy that is a plain Uint8Array (not a Buffer, not a view into someone else's memory). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** Unsigned lexicographic order (shorter first on a common prefix): the order of stored keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** The smallest key above every key starting with `prefix`; undefined when there is none (all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return undefined;
  const out = copyBytes(prefix.subarray(0, n));
  out[n - 1] = out[n - 1]! + 1;
  return out;
}
