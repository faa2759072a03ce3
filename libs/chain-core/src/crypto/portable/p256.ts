/**
 * ECDSA P-256 with SHA-256 in pure JavaScript (@noble/curves), low-S only
 * (docs/spec/crypto.md §4.2). Signing is deterministic: RFC 6979 nonces, s normalised to n − s
 * when above n/2.
 */
import { p256 } from '@noble/curves/nist.js';
import { P256_HALF_N_BYTES, P256_N_BYTES, P256_P_BYTES } from '../common/curves';
import { isCompressedPointShape, isLowS, scalarsInRange } from '../common/ec-rules';
import type { SuiteCore } from '../common/suite';
import { PORTABLE_HASHES } from './hash';

/** The rules every implementation checks before any curve arithmetic. */
export function p256Preconditions(publicKey: Uint8Array, signature: Uint8Array): boolean {
  return (
    isCompressedPointShape(publicKey, P256_P_BYTES) &&
    scalarsInRange(signature, P256_N_BYTES) &&
    isLowS(signature, P256_HALF_N_BYTES)
  );
}

export const portableP256: SuiteCore = {
  id: 'p256',
  implementation: 'portable',
  hash: PORTABLE_HASHES.sha256,
  randomSecretKey: () => p256.utils.randomSecretKey(),
  isValidSecretKey: (secretKey) => p256.utils.isValidSecretKey(secretKey),
  publicKeyFromSecretKey: (secretKey) => p256.getPublicKey(secretKey, true),
  sign: (secretKey, message) =>
    p256.sign(message, secretKey, {
      prehash: true,
      lowS: true,
      extraEntropy: false,
      format: 'compact',
    }),
  verify: (publicKey, message, signature) =>
    p256Preconditions(publicKey, signature) &&
    p256.verify(signature, message, publicKey, { prehash: true, lowS: true, format: 'compact' }),
};
