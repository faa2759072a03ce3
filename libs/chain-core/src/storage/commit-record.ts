/**
 * Everything one block commit writes, and its checks. Storage does not know the block
 * encoding: blocks, results, receipts and batches are opaque bytes chosen by the caller.
 */
import type { NodeBatch } from '../merkle';
import {
  checkArray,
  checkBytes,
  checkHeight,
  checkKey,
  checkMetaKey,
  checkObject,
  ID_BYTES,
  isBytes,
  MAX_KEY_BYTES,
} from './arguments';
import { checkNodeBatch } from './node-batch';
import type { StateWrite } from './state-reader';
import { invalidArgument } from './storage-error';

/** A metadata entry written with a block (commit QC, epoch records…); null deletes it. */
export interface MetaWrite {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** A batch of transactions the block includes, stored by its digest. */
export interface CommittedBatch {
  readonly digest: Uint8Array;
  readonly bytes: Uint8Array;
}

/** What `ChainStore.commitBlock` writes in one transaction. */
export interface CommitRecord {
  /** head.height + 1, or 0 on an empty store; anything else is refused. */
  readonly height: bigint;
  /** The 32-byte block hash. */
  readonly hash: Uint8Array;
  /** The encoded block. */
  readonly block: Uint8Array;
  /** The encoded execution result / metadata of the block. */
  readonly result: Uint8Array;
  /** Stored by digest, and removed from the pending batches. */
  readonly batches: readonly CommittedBatch[];
  /** Encoded receipts, in transaction order. */
  readonly receipts: readonly Uint8Array[];
  /** Transaction ids aligned with `receipts`: the tx index maps each to (height, index). */
  readonly txIds: readonly Uint8Array[];
  /** Flat world-state changes (full keys), applied in order. */
  readonly stateWrites: readonly StateWrite[];
  /** The sparse Merkle tree's nodes of this version (an overlay's `pendingBatch()`). */
  readonly nodeBatch?: NodeBatch;
  /** Extra metadata written in the same transaction. */
  readonly meta?: readonly MetaWrite[];
}

/** Checks every field of `record`, naming the first bad one (`record.stateWrites[3].key`). */
export function checkCommitRecord(record: unknown): CommitRecord {
  checkObject('record', record);
  const r = record as CommitRecord;
  checkHeight('record.height', r.height);
  checkBytes('record.hash', r.hash, ID_BYTES);
  checkBytes('record.block', r.block);
  checkBytes('record.result', r.result);
  checkArray('record.batches', r.batches);
  r.batches.forEach((batch, i) => {
    checkObject(`record.batches[${i}]`, batch);
    checkBytes(`record.batches[${i}].digest`, batch.digest, ID_BYTES);
    checkBytes(`record.batches[${i}].bytes`, batch.bytes);
  });
  checkArray('record.receipts', r.receipts);
  checkArray('record.txIds', r.txIds);
  if (r.txIds.length !== r.receipts.length) {
    throw invalidArgument(
      'record.txIds',
      `must align with record.receipts: ${r.txIds.length} ids for ${r.receipts.length} receipts`,
    );
  }
  if (r.receipts.length > 0xffffffff) {
    throw invalidArgument(
      'record.receipts',
      `at most 2^32 - 1 per block, got ${r.receipts.length}`,
    );
  }
  for (let i = 0; i < r.receipts.length; i++) {
    if (!isBytes(r.receipts[i])) checkBytes(`record.receipts[${i}]`, r.receipts[i]);
    const id = r.txIds[i];
    if (!isBytes(id) || id.length !== ID_BYTES) checkBytes(`record.txIds[${i}]`, id, ID_BYTES);
  }
  checkArray('record.stateWrites', r.stateWrites);
  for (let i = 0; i < r.stateWrites.length; i++)
    checkStateWrite(`record.stateWrites[${i}]`, r.stateWrites[i]);
  if (r.nodeBatch !== undefined) checkNodeBatch('record.nodeBatch', r.nodeBatch);
  if (r.meta !== undefined) {
    checkArray('record.meta', r.meta);
    r.meta.forEach((entry, i) => {
      checkObject(`record.meta[${i}]`, entry);
      checkMetaKey(`record.meta[${i}].key`, entry.key);
      if (entry.value !== null) checkBytes(`record.meta[${i}].value`, entry.value);
    });
  }
  return r;
}

function checkStateWrite(field: string, write: unknown): void {
  // Names are built only on failure: blocks carry thousands of writes.
  if (typeof write !== 'object' || write === null) checkObject(field, write);
  const { key, value } = write as StateWrite;
  if (!isBytes(key) || key.length === 0 || key.length > MAX_KEY_BYTES)
    checkKey(`${field}.key`, key);
  if (value !== null && !isBytes(value)) checkBytes(`${field}.value`, value);
}
