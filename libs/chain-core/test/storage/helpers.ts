/** Test helpers for the storage layer: temp stores, hashing, a seeded PRNG, error capture. */
import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HashFn } from '../../src/codec';
import { ChainStore, StorageError, type StorageErrorCode } from '../../src/storage';

export const sha256: HashFn = (data) => new Uint8Array(hash('sha256', data, 'buffer'));
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A 32-byte id derived from a label: block hashes, tx ids, digests. */
export const id32 = (label: string): Uint8Array => sha256(utf8(label));

/** Temporary directories for stores, removed (with the stores closed) by `dispose`. */
export class Scratch {
  private readonly root = mkdtempSync(join(tmpdir(), 'trellis-storage-'));
  private readonly stores: ChainStore[] = [];
  private count = 0;

  /** A fresh directory path (not yet created). */
  dir(): string {
    return join(this.root, `store-${this.count++}`);
  }

  /** Opens a store in `path` (a fresh directory by default); closed by `dispose`. */
  open(path = this.dir()): ChainStore {
    const store = ChainStore.open({ path });
    this.stores.push(store);
    return store;
  }

  async dispose(): Promise<void> {
    for (const store of this.stores) await store.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The StorageError `run` throws; fails the test if it throws nothing or something else. */
export function storageError(run: () => unknown): StorageError {
  try {
    run();
  } catch (error) {
    if (error instanceof StorageError) return error;
    throw error;
  }
  throw new Error('expected a StorageError');
}

/** Expects `run` to throw a StorageError with `code` whose message contains `text`. */
export function expectStorageError(
  run: () => unknown,
  code: StorageErrorCode,
  text?: string,
): void {
  const error = storageError(run);
  expect(error.code).toBe(code);
  if (text !== undefined) expect(error.message).toContain(text);
}

/** Deterministic xorshift32: the same sequence on every run. */
export function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % below;
  };
}

/** Unsigned lexicographic order, written independently of the store's. */
export const byteOrder = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);
