/**
 * Ed25519 in pure JavaScript with exactly libsodium's acceptance rules (docs/spec/crypto.md
 * §4.1). noble's own `verify` checks the cofactored equation, which accepts signatures
 * libsodium rejects (a torsion component in A or R), so the equation is written out here.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToBigIntLE, concatBytes, equalBytes } from '../common/bytes';
import { ED25519, Ed25519Point } from '../common/curves';
import {
  decodeEd25519PublicKey,
  hasSmallOrderEncoding,
  isCanonicalScalar,
} from '../common/ed25519-rules';
import type { SuiteCore } from '../common/suite';
import { PORTABLE_HASHES } from './hash';

/**
 * RFC 8032 §5.1.7 with libsodium's rules: S < L; R not a small-order encoding; A canonical,
 * not small order, on the curve; then the cofactorless equation [S]B − [k]A = R compared as
 * encodings, k = SHA-512(R ‖ A ‖ M) mod L.
 */
export function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const r = signature.subarray(0, 32);
  const s = signature.subarray(32, 64);
  if (!isCanonicalScalar(s) || hasSmallOrderEncoding(r)) return false;
  const a = decodeEd25519PublicKey(publicKey);
  if (a === undefined) return false;
  const k = bytesToBigIntLE(sha512(concatBytes(r, publicKey, message))) % ED25519.L;
  const check = Ed25519Point.BASE.multiplyUnsafe(bytesToBigIntLE(s)).subtract(a.multiplyUnsafe(k));
  return equalBytes(check.toBytes(), r);
}

export const portableEd25519: SuiteCore = {
  id: 'ed25519',
  implementation: 'portable',
  hash: PORTABLE_HASHES.sha256,
  randomSecretKey: () => randomBytes(32),
  isValidSecretKey: () => true,
  publicKeyFromSecretKey: (secretKey) => ed25519.getPublicKey(secretKey),
  sign: (secretKey, message) => ed25519.sign(message, secretKey),
  verify: verifyEd25519,
};
