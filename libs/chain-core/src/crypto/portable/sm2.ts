import { randomBytes } from '@noble/hashes/utils.js';
import { hmacWith } from '../common/sm2';
import { sm2Core, sm2VerifierKey } from '../common/sm2-suite';
import type { SuiteCore } from '../common/suite';
import { sm3 } from './sm3';

/** SM2 with our SM3 (GB/T 32905) and no caches: what a browser or an independent verifier runs. */
export const portableSm2: SuiteCore = sm2Core({
  implementation: 'portable',
  hash: sm3,
  hmac: hmacWith(sm3),
  randomBytes: (length) => randomBytes(length),
  verifierKey: (publicKey) => sm2VerifierKey(sm3, publicKey),
});
