/**
 * The crypto layer (docs/spec/crypto.md): signature suites chosen per chain in genesis
 * (Ed25519, ECDSA P-256 + SHA-256, SM2 + SM3), each in a fast (node) and a portable
 * (browser) implementation with one contract; hashes; batch and multi-threaded verification.
 */
export { CryptoError, CryptoErrorCode } from './errors';
export type { CryptoErrorMeta } from './errors';
export { HASH_IDS, IMPLEMENTATIONS, SUITE_HASH, SUITE_IDS } from './types';
export type { BatchItem, HashId, Implementation, KeyPair, SignatureSuite, SuiteId } from './types';
export { getSuite, hash, verifyBatch } from './suites';
export { portableHash } from './portable';
export { signatureFromDer, signatureToDer } from './common/signature-der';
export { SM2_DEFAULT_USER_ID } from './common/sm2';
export { LruCache } from './common/lru';
export { VerifierPool } from './pool/verifier-pool';
export type { VerifierPoolOptions } from './pool/verifier-pool';
