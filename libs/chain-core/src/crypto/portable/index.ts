/**
 * The portable implementation: pure JavaScript (@noble/curves, @noble/hashes, our SM3), no
 * `node:` module and no native code (lint enforces it), so it runs in a browser. Same
 * contract and same answers as the fast one. This file is also the browser entry point: it
 * re-exports what a browser or an independent verifier needs without pulling in node code.
 */
import { checkedHash } from '../common/hash';
import { defineSuite } from '../common/suite';
import type { HashId, SignatureSuite, SuiteId } from '../types';
import { portableEd25519 } from './ed25519';
import { PORTABLE_HASHES } from './hash';
import { portableP256 } from './p256';
import { portableSm2 } from './sm2';

export const PORTABLE_SUITES: Readonly<Record<SuiteId, SignatureSuite>> = Object.freeze({
  ed25519: defineSuite(portableEd25519),
  p256: defineSuite(portableP256),
  sm2: defineSuite(portableSm2),
});

/** SHA-256 (@noble/hashes) or SM3 (ours, GB/T 32905) of `data`. */
export const portableHash: (id: HashId, data: Uint8Array) => Uint8Array = checkedHash(
  PORTABLE_HASHES,
  'portableHash',
);

export { CryptoError, CryptoErrorCode } from '../errors';
export type { CryptoErrorMeta } from '../errors';
export { HASH_IDS, SUITE_HASH, SUITE_IDS } from '../types';
export type { BatchItem, HashId, KeyPair, SignatureSuite, SuiteId } from '../types';
export { signatureFromDer, signatureToDer } from '../common/signature-der';
