// Public face of the storage layer (docs/architecture.md): the validator's durable store on
// LMDB, and the in-memory overlay of the sparse Merkle tree for blocks not yet committed.
export type { StateReader, StateWrite } from './state-reader';
export { ChainStore } from './chain-store';
export type { ChainHead, ChainStoreOptions, TxLocation } from './chain-store';
export type { CommitRecord, CommittedBatch, MetaWrite } from './commit-record';
export type { StoredBlock } from './layout';
export { OverlayNodeStore } from './overlay-node-store';
export { StorageError } from './storage-error';
export type { StorageErrorCode } from './storage-error';
