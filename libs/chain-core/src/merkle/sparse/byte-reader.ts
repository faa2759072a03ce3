/** A bounds-checked cursor for the merkle decoders: every failure is a `malformed` MerkleError. */
import { copyBytes } from '../bytes';
import { MerkleError, type MerkleErrorMeta } from '../merkle-error';

type What = MerkleErrorMeta['malformed']['what'];

export class ByteReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: What,
  ) {
    if (!(bytes instanceof Uint8Array)) throw this.fail('input is not a Uint8Array');
  }

  fail(problem: string): MerkleError<'malformed'> {
    return new MerkleError(
      'malformed',
      { what: this.what, offset: this.offset },
      `merkle: malformed ${this.what} at byte ${this.offset}: ${problem}`,
    );
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    const b = this.take(2);
    return (b[0]! << 8) | b[1]!;
  }

  /** A big-endian u64 that must be a safe integer (versions). */
  u64(): number {
    const b = this.take(8);
    const view = new DataView(b.buffer, b.byteOffset, 8);
    const high = view.getUint32(0);
    if (high > 0x1fffff) throw this.fail('u64 above 2^53 - 1');
    return high * 2 ** 32 + view.getUint32(4);
  }

  /** A copy of the next `length` bytes. */
  bytesOf(length: number): Uint8Array {
    return copyBytes(this.take(length));
  }

  /** `bitLength` (≤ 256) bits stored in ⌈bitLength / 8⌉ bytes, widened to 32 bytes. */
  bits(bitLength: number, name: string): Uint8Array {
    const stored = this.take(Math.ceil(bitLength / 8));
    if (bitLength & 7 && (stored[stored.length - 1]! & (0xff >> (bitLength & 7))) !== 0) {
      this.offset--; // point at the offending byte
      throw this.fail(`the ${name}'s bits from bit ${bitLength} on are not zero`);
    }
    const out = new Uint8Array(32);
    out.set(stored);
    return out;
  }

  rest(): Uint8Array {
    return this.bytesOf(this.bytes.length - this.offset);
  }

  end(): void {
    if (this.offset !== this.bytes.length) {
      throw this.fail(`${this.bytes.length - this.offset} trailing bytes`);
    }
  }

  private take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) {
      throw this.fail(`needs ${length} more bytes, ${this.bytes.length - this.offset} left`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

/**
 * Appends big-endian integers and byte strings; `finish` returns exactly what was written.
 * Writes into one growing buffer (node keys and nodes are encoded several times per state
 * write, and a part per field made this a visible share of a validator's CPU).
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  /**
   * `capacity`: the expected size; the buffer grows past it when needed. With an `arena`, the
   * buffer is a view of the arena's memory (see ByteArena).
   */
  constructor(capacity = 64, arena?: ByteArena) {
    this.buffer = arena === undefined ? new Uint8Array(capacity) : arena.take(capacity);
  }

  u8(value: number): this {
    this.reserve(1)[this.length++] = value & 0xff;
    return this;
  }

  u16(value: number): this {
    const b = this.reserve(2);
    b[this.length++] = (value >>> 8) & 0xff;
    b[this.length++] = value & 0xff;
    return this;
  }

  /** A safe integer as 8 big-endian bytes. */
  u64(value: number): this {
    const b = this.reserve(8);
    const high = Math.floor(value / 2 ** 32);
    const low = value >>> 0;
    b[this.length++] = (high >>> 24) & 0xff;
    b[this.length++] = (high >>> 16) & 0xff;
    b[this.length++] = (high >>> 8) & 0xff;
    b[this.length++] = high & 0xff;
    b[this.length++] = (low >>> 24) & 0xff;
    b[this.length++] = (low >>> 16) & 0xff;
    b[this.length++] = (low >>> 8) & 0xff;
    b[this.length++] = low & 0xff;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  finish(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }

  private reserve(n: number): Uint8Array {
    if (this.length + n > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    return this.buffer;
  }
}

/**
 * Memory for many short-lived encodings at once (a block's sparse-tree rows, written to the
 * store and dropped): views of a few large buffers instead of a buffer each, which costs an
 * allocation and a later collection per row. A view keeps its whole chunk alive, so an arena
 * is for encodings that are dropped together.
 */
export class ByteArena {
  private chunk = new Uint8Array(0);
  private used = 0;

  constructor(private readonly chunkBytes = 256 * 1024) {}

  /** `n` zero bytes, a view no other `take` overlaps. */
  take(n: number): Uint8Array {
    if (n > this.chunkBytes / 4) return new Uint8Array(n);
    if (this.used + n > this.chunk.length) {
      this.chunk = new Uint8Array(this.chunkBytes);
      this.used = 0;
    }
    const view = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }
}
