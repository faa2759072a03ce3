// Records of the private-store tests, computed the same way by the test and by its child writer.
import { createHash } from 'node:crypto';
import type { PrivateRecord } from '../../src/private';

/** The tx id of the writer's record `i`. */
export function writerTxId(i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`private-store/tx/${i}`).digest());
}

/** The writer's record `i`: a plaintext of 1..4 KiB and its (SHA-256) hash. */
export function writerRecord(i: number): PrivateRecord {
  const length = 1024 * (1 + (i % 4));
  const plaintext = new Uint8Array(length).map((_, j) => (i * 31 + j) & 0xff);
  return {
    payloadHash: new Uint8Array(createHash('sha256').update(plaintext).digest()),
    recipients: ['org-a', 'supervisor'],
    plaintext,
    receivedAtMs: 1_780_000_000_000 + i,
  };
}
