/**
 * Ed25519 through libsodium (sodium-native's prebuilt binary): `crypto_sign_verify_detached`
 * is the reference for the rules the portable verifier reproduces (docs/spec/crypto.md §4.1).
 */
import { sodium } from './sodium';
import { equalBytes } from '../common/bytes';
import type { SuiteCore } from '../common/suite';
import { FAST_HASHES } from './hash';

/**
 * libsodium signs with the 64-byte seed ‖ public key. Expanding the seed costs a scalar
 * multiplication, so the expansion is kept per secret-key array (weakly, and checked against
 * the array's current bytes, so a reused and rewritten array cannot sign with a stale key).
 */
const expanded = new WeakMap<Uint8Array, { seed: Uint8Array; secretKey: Uint8Array }>();

function keypair(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const publicKey = new Uint8Array(32);
  const secretKey = new Uint8Array(64);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
  return { publicKey, secretKey };
}

function expandedSecretKey(seed: Uint8Array): Uint8Array {
  const cached = expanded.get(seed);
  if (cached !== undefined && equalBytes(cached.seed, seed)) return cached.secretKey;
  const { secretKey } = keypair(seed);
  expanded.set(seed, { seed: new Uint8Array(seed), secretKey });
  return secretKey;
}

export const fastEd25519: SuiteCore = {
  id: 'ed25519',
  implementation: 'fast',
  hash: FAST_HASHES.sha256,
  randomSecretKey() {
    const seed = new Uint8Array(32);
    sodium.randombytes_buf(seed);
    return seed;
  },
  isValidSecretKey: () => true,
  publicKeyFromSecretKey: (secretKey) => keypair(secretKey).publicKey,
  sign(secretKey, message) {
    const signature = new Uint8Array(64);
    sodium.crypto_sign_detached(signature, message, expandedSecretKey(secretKey));
    return signature;
  },
  verify: (publicKey, message, signature) =>
    sodium.crypto_sign_verify_detached(signature, message, publicKey),
};
