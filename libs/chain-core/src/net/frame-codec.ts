/**
 * Framing of the byte stream between two peers: each frame is a 4-byte big-endian unsigned
 * length followed by that many payload bytes. Length 0 is a valid (empty) frame.
 *
 * `FrameDecoder` reassembles frames from arbitrary chunks (a frame split across many reads,
 * many frames in one read) and checks the announced length against the limit as soon as the
 * header is complete, before buffering the payload: a peer cannot make us allocate more than
 * `maxFrameBytes` for one frame.
 */
import { frameTooLarge, invalidArgument } from './net-error';

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Largest length the prefix can express. */
const MAX_ENCODABLE = 0xffff_ffff;

/** The 4-byte big-endian length prefix of a payload of `length` bytes. */
export function frameHeader(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_ENCODABLE) {
    throw invalidArgument('length', `${length} is not an integer in 0..${MAX_ENCODABLE}`);
  }
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  new DataView(header.buffer).setUint32(0, length, false);
  return header;
}

/**
 * Incremental decoder of length-prefixed frames. Invariants between calls: at most
 * `FRAME_HEADER_BYTES - 1` header bytes are held, or one partly filled payload of at most
 * `maxFrameBytes`. After it has thrown, the decoder is poisoned (the stream is unusable).
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  private body: Uint8Array | undefined;
  private bodyFilled = 0;
  private failed = false;

  constructor(opts: { readonly maxFrameBytes: number }) {
    if (typeof opts !== 'object' || opts === null) {
      throw invalidArgument('opts', 'expected { maxFrameBytes }');
    }
    const max = opts.maxFrameBytes;
    if (!Number.isSafeInteger(max) || max < 0 || max > MAX_ENCODABLE) {
      throw invalidArgument(
        'opts.maxFrameBytes',
        `${String(max)} is not an integer in 0..${MAX_ENCODABLE}`,
      );
    }
    this.maxFrameBytes = max;
  }

  /** Bytes received but not yet returned as a complete frame. */
  get bufferedBytes(): number {
    return this.headerFilled + this.bodyFilled;
  }

  /**
   * Consumes `chunk` and returns the frames it completes, in stream order, each in its own
   * buffer of its exact size (the caller may keep them; `chunk` is not referenced afterwards).
   * Throws `frame-too-large` for an oversize length prefix.
   */
  push(input: Uint8Array): Uint8Array[] {
    if (!(input instanceof Uint8Array)) throw invalidArgument('chunk', 'expected a Uint8Array');
    // A plain Uint8Array view: Buffer#slice would not copy.
    const chunk = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (this.failed) throw invalidArgument('chunk', 'the decoder failed earlier on this stream');
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.body === undefined) {
        offset = this.readHeader(chunk, offset, frames);
      } else {
        const take = Math.min(this.body.length - this.bodyFilled, chunk.length - offset);
        this.body.set(chunk.subarray(offset, offset + take), this.bodyFilled);
        this.bodyFilled += take;
        offset += take;
        if (this.bodyFilled === this.body.length) {
          frames.push(this.body);
          this.body = undefined;
          this.bodyFilled = 0;
        }
      }
    }
    return frames;
  }

  /** Reads header bytes from `offset`; returns the new offset (past a whole in-chunk frame if any). */
  private readHeader(chunk: Uint8Array, offset: number, frames: Uint8Array[]): number {
    if (this.headerFilled === 0 && chunk.length - offset >= FRAME_HEADER_BYTES) {
      const length = this.checkedLength(chunk, offset);
      const start = offset + FRAME_HEADER_BYTES;
      if (chunk.length - start >= length) {
        // A copy, not a view: a small frame kept for long must not pin the whole read buffer.
        frames.push(chunk.slice(start, start + length));
        return start + length;
      }
      this.startBody(length);
      return start;
    }
    const take = Math.min(FRAME_HEADER_BYTES - this.headerFilled, chunk.length - offset);
    this.header.set(chunk.subarray(offset, offset + take), this.headerFilled);
    this.headerFilled += take;
    if (this.headerFilled === FRAME_HEADER_BYTES) {
      this.headerFilled = 0;
      const length = this.checkedLength(this.header, 0);
      if (length === 0) frames.push(new Uint8Array(0));
      else this.startBody(length);
    }
    return offset + take;
  }

  private checkedLength(bytes: Uint8Array, offset: number): number {
    const length = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, false);
    if (length > this.maxFrameBytes) {
      this.failed = true;
      throw frameTooLarge(length, this.maxFrameBytes);
    }
    return length;
  }

  private startBody(length: number): void {
    this.body = new Uint8Array(length);
    this.bodyFilled = 0;
  }
}
