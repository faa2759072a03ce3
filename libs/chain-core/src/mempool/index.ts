// Public face of the mempool layer (docs/architecture.md): admission of client transactions
// (cheap checks first, each signature verified once per node), the bounded fair pool they wait
// in, and the pool of batches proposals pick digests from.
export { Admission } from './admission';
export type { AdmissionDeps, AdmissionOptions, AdmittedTransaction } from './admission';
export { AdmissionError } from './admission-error';
export type { AdmissionErrorCode, AdmissionErrorDetails } from './admission-error';
export { BatchPool } from './batch-pool';
export type { BatchPoolOptions, PruneOptions, StoredBatch } from './batch-pool';
export { MemberCache } from './member-cache';
export type { MembershipView } from './member-cache';
export { Mempool } from './mempool';
export type { MempoolOptions } from './mempool';
