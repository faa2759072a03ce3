// Framing and backoff on their own: reassembly across and within chunks, the size limit, and
// the bounds of the jittered exponential delays.
import { equalBytes } from '../../src/codec';
import { Backoff, FRAME_HEADER_BYTES, FrameDecoder, frameHeader, NetError } from '../../src/net';
import { patternFrame, seededRandom } from './support';

/** Length prefix + payload of each frame, concatenated. */
function encode(frames: readonly Uint8Array[]): Uint8Array {
  const total = frames.reduce((sum, f) => sum + FRAME_HEADER_BYTES + f.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const frame of frames) {
    out.set(frameHeader(frame.length), offset);
    out.set(frame, offset + FRAME_HEADER_BYTES);
    offset += FRAME_HEADER_BYTES + frame.length;
  }
  return out;
}

/** The decoded frames equal `expected` (byte-wise; Jest's deep equality is slow on 70 kB). */
function expectFrames(actual: readonly Uint8Array[], expected: readonly Uint8Array[]): void {
  expect(actual.map((f) => f.length)).toEqual(expected.map((f) => f.length));
  expect(actual.every((frame, i) => equalBytes(frame, expected[i]!))).toBe(true);
}

const FRAMES = [0, 1, 3, 4, 5, 300, 0, 70_000, 2, 0].map((size, seq) => patternFrame(seq, size));

test('frameHeader_isBigEndianLength', () => {
  expect(frameHeader(0)).toEqual(new Uint8Array([0, 0, 0, 0]));
  expect(frameHeader(0x01020304)).toEqual(new Uint8Array([1, 2, 3, 4]));
  expect(frameHeader(0xffff_ffff)).toEqual(new Uint8Array([255, 255, 255, 255]));
  expect(() => frameHeader(2 ** 32)).toThrow(
    'net: length: 4294967296 is not an integer in 0..4294967295',
  );
  expect(() => frameHeader(-1)).toThrow(NetError);
});

test('decoder_whenFedOneByteAtATime_reassemblesEveryFrame', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 100_000 });
  const bytes = encode(FRAMES);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 1) out.push(...decoder.push(bytes.subarray(i, i + 1)));
  expectFrames(out, FRAMES);
  expect(decoder.bufferedBytes).toBe(0);
});

test('decoder_whenAllFramesArriveInOneChunk_returnsThemInOrder_asCopies', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 100_000 });
  const chunk = Buffer.from(encode(FRAMES));
  const frames = decoder.push(chunk);
  expectFrames(frames, FRAMES);
  // No frame is a view into the chunk (a kept vote must not pin a 64 KiB read buffer).
  expect(frames.some((frame) => frame.buffer === chunk.buffer)).toBe(false);
});

test('decoder_whenChunksAreCutAtRandom_reassemblesEveryFrame', () => {
  const random = seededRandom(11);
  const bytes = encode(FRAMES);
  for (let round = 0; round < 50; round += 1) {
    const decoder = new FrameDecoder({ maxFrameBytes: 100_000 });
    const out: Uint8Array[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const size = 1 + Math.floor(random() * 9_000);
      out.push(...decoder.push(bytes.subarray(offset, offset + size)));
      offset += size;
    }
    expectFrames(out, FRAMES);
  }
});

test('decoder_whenALengthExceedsTheLimit_throwsBeforeBufferingAndStaysFailed', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 1_000 });
  const bytes = encode([patternFrame(1, 10), patternFrame(2, 1_001)]);
  // The header arrives split; the payload is never buffered.
  expect(decoder.push(bytes.subarray(0, 16))).toEqual([patternFrame(1, 10)]);
  let error: unknown;
  try {
    decoder.push(bytes.subarray(16, 20));
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(NetError);
  expect((error as NetError).code).toBe('frame-too-large');
  expect((error as NetError<'frame-too-large'>).meta).toEqual({
    bytes: 1_001,
    maxFrameBytes: 1_000,
  });
  expect(decoder.bufferedBytes).toBe(0);
  expect(() => decoder.push(new Uint8Array(1))).toThrow('the decoder failed earlier');
});

test('decoder_atExactlyTheLimit_acceptsTheFrame', () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 1_000 });
  expect(decoder.push(encode([patternFrame(3, 1_000)]))).toEqual([patternFrame(3, 1_000)]);
});

test('decoder_withBadArguments_namesThem', () => {
  expect(() => new FrameDecoder({ maxFrameBytes: -1 })).toThrow('net: opts.maxFrameBytes: -1');
  expect(() => new FrameDecoder({ maxFrameBytes: 10 }).push('x' as unknown as Uint8Array)).toThrow(
    'net: chunk: expected a Uint8Array',
  );
});

test('backoff_delaysDoubleUpToTheCap_withinHalfToFullOfTheBase', () => {
  const low = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 0);
  const high = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 0.999_999);
  const lows = Array.from({ length: 7 }, () => low.next());
  const highs = Array.from({ length: 7 }, () => high.next());
  expect(lows).toEqual([50, 100, 200, 400, 500, 500, 500]);
  expect(highs).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  expect(low.attempts).toBe(7);
  low.reset();
  expect(low.next()).toBe(50);
});

test('backoff_withBadOptions_namesThem', () => {
  expect(() => new Backoff({ initialMs: 0, maxMs: 10 })).toThrow(
    'net: opts.initialMs: 0 is not a positive number',
  );
  expect(() => new Backoff({ initialMs: 10, maxMs: 5 })).toThrow(
    'net: opts.maxMs: 5 is not a number >= initialMs 10',
  );
});
