/**
 * The one error type of the storage layer. `code` says what went wrong; the message carries
 * the numbers and names ("height 7 is not the next height 5").
 *
 * Wrong input is an error value (`invalid-argument`, `height-not-next`, …) and leaves the store
 * unchanged. `corrupt` means bytes on disk do not decode: the node should stop, not guess.
 */
export type StorageErrorCode =
  /** An argument is missing, of the wrong type or length, or out of range; the message names it. */
  | 'invalid-argument'
  /** A block was committed at a height other than head + 1 (or 0 on an empty store). */
  | 'height-not-next'
  /** A sparse-tree node batch whose version is not above the latest stored version. */
  | 'version-not-increasing'
  /** An `OverlayNodeStore` was given a second version: chain a new overlay instead. */
  | 'overlay-full'
  /** The operation is not offered by this store (pruning an overlay). */
  | 'unsupported'
  /** The store was used after `close()`. */
  | 'closed'
  /** The LMDB environment could not be opened (path, permissions, map size). */
  | 'open-failed'
  /** The store was written by an incompatible layout version. */
  | 'schema-mismatch'
  /** Stored bytes do not decode: a damaged store. */
  | 'corrupt';

/** The storage layer's only error; the message starts with `storage:`. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(`storage: ${message}`);
    this.name = 'StorageError';
  }
}

/** `invalid-argument` naming `field`: "storage: record.hash: must be 32 bytes, got 31". */
export function invalidArgument(field: string, problem: string): StorageError {
  return new StorageError('invalid-argument', `${field}: ${problem}`);
}
