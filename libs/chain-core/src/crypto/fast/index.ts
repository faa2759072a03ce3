/**
 * The fast implementation, node only: libsodium for Ed25519, OpenSSL for P-256 verification
 * and both hashes, cached per-key work for SM2. Same contract and answers as the portable one.
 */
import { defineSuite } from '../common/suite';
import type { SignatureSuite, SuiteId } from '../types';
import { fastEd25519 } from './ed25519';
import { fastP256 } from './p256';
import { fastSm2 } from './sm2';

export const FAST_SUITES: Readonly<Record<SuiteId, SignatureSuite>> = Object.freeze({
  ed25519: defineSuite(fastEd25519),
  p256: defineSuite(fastP256),
  sm2: defineSuite(fastSm2),
});

export { FAST_HASHES } from './hash';
