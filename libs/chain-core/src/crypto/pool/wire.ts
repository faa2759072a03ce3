/**
 * A batch packed into one ArrayBuffer, so that handing it to a worker thread is a transfer
 * (no copy, no structured clone of thousands of small arrays):
 *
 *   u32 count, u32 publicKeyLength, u32 messageEnd[count]    (little-endian, header)
 *   publicKey[count] ‖ signature[count] (64 bytes each) ‖ message bytes, back to back
 */
import type { BatchItem } from '../types';

export function packBatch(items: readonly BatchItem[], publicKeyLength: number): ArrayBuffer {
  const count = items.length;
  const headerBytes = 4 * (2 + count);
  let messageBytes = 0;
  for (const item of items) messageBytes += item.message.length;
  const buffer = new ArrayBuffer(headerBytes + count * (publicKeyLength + 64) + messageBytes);
  const header = new Uint32Array(buffer, 0, 2 + count);
  const bytes = new Uint8Array(buffer);
  header[0] = count;
  header[1] = publicKeyLength;
  let keys = headerBytes;
  let signatures = keys + count * publicKeyLength;
  const messagesStart = signatures + count * 64;
  let messages = messagesStart;
  items.forEach((item, i) => {
    bytes.set(item.publicKey, keys);
    bytes.set(item.signature, signatures);
    bytes.set(item.message, messages);
    keys += publicKeyLength;
    signatures += 64;
    messages += item.message.length;
    header[2 + i] = messages - messagesStart;
  });
  return buffer;
}

/** Views into `buffer` (no copies). */
export function unpackBatch(buffer: ArrayBuffer): BatchItem[] {
  const head = new Uint32Array(buffer, 0, 2);
  const count = head[0]!;
  const publicKeyLength = head[1]!;
  const ends = new Uint32Array(buffer, 8, count);
  const bytes = new Uint8Array(buffer);
  const keys = 4 * (2 + count);
  const signatures = keys + count * publicKeyLength;
  const messages = signatures + count * 64;
  const items: BatchItem[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = ends[i]!;
    items.push({
      publicKey: bytes.subarray(keys + i * publicKeyLength, keys + (i + 1) * publicKeyLength),
      signature: bytes.subarray(signatures + i * 64, signatures + (i + 1) * 64),
      message: bytes.subarray(messages + start, messages + end),
    });
    start = end;
  }
  return items;
}

/** Parent → worker. */
export interface VerifyTask {
  readonly id: number;
  readonly suite: string;
  readonly buffer: ArrayBuffer;
}

/** Worker → parent: ready once loaded; then per task `results[i]` = 1 if item i verifies, or the failure. */
export type VerifyReply =
  | { readonly ready: true }
  | { readonly id: number; readonly results: Uint8Array }
  | { readonly id: number; readonly error: string };
