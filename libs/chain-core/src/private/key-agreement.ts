/**
 * Key agreement and key derivation per suite (docs/spec/private-data.md §3): how a sender and a
 * validator, from an ephemeral key pair and the validator's consensus key, reach the same
 * key-encryption key.
 *
 * | suite     | agreement                                             | shared secret Z       | KDF                          |
 * | --------- | ----------------------------------------------------- | --------------------- | ---------------------------- |
 * | `ed25519` | X25519 (RFC 7748) on the keys mapped to Curve25519    | u (32 bytes)          | HKDF-SHA-256 (RFC 5869)      |
 * | `p256`    | ECDH on P-256 (SEC 1 §3.3.1)                          | x (32 bytes)          | HKDF-SHA-256                 |
 * | `sm2`     | ECDH on the SM2 curve (GB/T 32918.5)                  | x₂ ‖ y₂ (64 bytes)    | SM3 KDF of GB/T 32918.4 §5.4.3 |
 *
 * The Ed25519 → X25519 map is the birational one of RFC 7748 §4.1 (u = (1 + y)/(1 − y)) for
 * public keys, and the clamped SHA-512 half of RFC 8032 §5.1.5 for the seed: the scalar the
 * Ed25519 key already uses, so one consensus key serves both.
 */
import { createECDH, hkdfSync } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { ecdh } from '@noble/curves/abstract/weierstrass.js';
import { p256 } from '@noble/curves/nist.js';
import { hash, type SuiteId } from '../crypto';
import { concatBytes } from '../crypto/common/bytes';
import { Sm2Point } from '../crypto/common/curves';
import type { AeadId } from './aead';

/** Cryptographically secure random bytes (node:crypto's, unless a test fixes them). */
export type RandomBytes = (length: number) => Uint8Array;

export interface EphemeralKeyPair {
  readonly secretKey: Uint8Array;
  /** What goes on the wire: X25519 u (32 bytes), or a compressed SEC1 point (33 bytes). */
  readonly publicKey: Uint8Array;
}

/** One suite's agreement, KDF and AEAD. Every method throws on a key that is not a point. */
export interface KeyAgreement {
  readonly suite: SuiteId;
  readonly aead: AeadId;
  /** Length of the wire form of an ephemeral public key. */
  readonly ephemeralKeyLength: number;
  ephemeral(random: RandomBytes): EphemeralKeyPair;
  /** Sender side: Z from the ephemeral secret and the recipient's consensus public key. */
  senderSecret(ephemeralSecret: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array;
  /** Recipient side: Z from the validator's consensus secret key and the ephemeral key. */
  recipientSecret(consensusSecretKey: Uint8Array, ephemeralPublicKey: Uint8Array): Uint8Array;
  /** `length` bytes of key from Z and the context `info`. */
  derive(z: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

/** HKDF-SHA-256 (RFC 5869) with an empty salt (§3.1: the salt is optional; Z is uniform enough). */
export function hkdfSha256(ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, length));
}

/**
 * The key derivation function of GB/T 32918.4-2016 §5.4.3 (= GM/T 0003.4-2012) over SM3:
 * K = H(Z ‖ ct₁) ‖ H(Z ‖ ct₂) ‖ … truncated to `length` bytes, with ct a 32-bit big-endian
 * counter starting at 1. The envelope context is appended to Z (as the SM2 key exchange of
 * GB/T 32918.3 §6.1 appends Z_A ‖ Z_B to the shared point).
 */
export function sm3Kdf(z: Uint8Array, length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > 32 * 0xffff) {
    throw new RangeError(`sm3Kdf: length ${length} out of range`);
  }
  const out = new Uint8Array(length);
  const input = new Uint8Array(z.length + 4);
  input.set(z);
  const counter = new DataView(input.buffer, z.length, 4);
  for (let offset = 0, ct = 1; offset < length; offset += 32, ct++) {
    counter.setUint32(0, ct);
    out.set(hash('sm3', input).subarray(0, Math.min(32, length - offset)), offset);
  }
  return out;
}

/** A scalar in the curve's range from `random` (rejection sampling: almost never a retry). */
function randomScalar(random: RandomBytes, isValid: (secretKey: Uint8Array) => boolean) {
  for (let attempt = 0; attempt < 64; attempt++) {
    const candidate = random(32);
    if (candidate.length === 32 && isValid(candidate)) return candidate;
  }
  throw new RangeError('randomBytes gave no valid scalar in 64 attempts');
}

const x25519Agreement: KeyAgreement = {
  suite: 'ed25519',
  aead: 'aes-256-gcm',
  ephemeralKeyLength: 32,
  ephemeral(random) {
    const secretKey = randomScalar(random, () => true);
    return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
  },
  // noble's getSharedSecret refuses low-order points (an all-zero result, RFC 7748 §6.1).
  senderSecret: (secret, recipient) =>
    x25519.getSharedSecret(secret, ed25519.utils.toMontgomery(recipient)),
  recipientSecret: (seed, ephemeral) =>
    x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(seed), ephemeral),
  derive: hkdfSha256,
};

/** P-256 through OpenSSL: it checks the peer point is on the curve (SEC 1 §3.2.2.1). */
function p256Shared(secretKey: Uint8Array, peer: Uint8Array): Uint8Array {
  const agreement = createECDH('prime256v1');
  agreement.setPrivateKey(secretKey);
  return new Uint8Array(agreement.computeSecret(peer));
}

const p256Agreement: KeyAgreement = {
  suite: 'p256',
  aead: 'aes-256-gcm',
  ephemeralKeyLength: 33,
  ephemeral(random) {
    const secretKey = randomScalar(random, p256.utils.isValidSecretKey);
    return { secretKey, publicKey: p256.getPublicKey(secretKey, true) };
  },
  senderSecret: p256Shared,
  recipientSecret: p256Shared,
  derive: hkdfSha256,
};

/** ECDH over the SM2 curve: noble's weierstrass with the crypto layer's SM2 parameters. */
const sm2Ecdh = ecdh(Sm2Point);

/** x₂ ‖ y₂ of [d]P (GB/T 32918.4 §6.1 A5/B3: the point's coordinates, 32 bytes each). */
function sm2Shared(secretKey: Uint8Array, peer: Uint8Array): Uint8Array {
  // Uncompressed SEC1: 0x04 ‖ x ‖ y. noble refuses a peer that is not on the curve and a
  // product at infinity (h = 1: every point of the curve is in the prime-order group).
  return sm2Ecdh.getSharedSecret(secretKey, peer, false).subarray(1);
}

const sm2Agreement: KeyAgreement = {
  suite: 'sm2',
  aead: 'sm4-ctr-hmac-sm3',
  ephemeralKeyLength: 33,
  ephemeral(random) {
    const secretKey = randomScalar(random, sm2Ecdh.utils.isValidSecretKey);
    return { secretKey, publicKey: sm2Ecdh.getPublicKey(secretKey, true) };
  },
  senderSecret: sm2Shared,
  recipientSecret: sm2Shared,
  derive: (z, info, length) => sm3Kdf(concatBytes(z, info), length),
};

export const KEY_AGREEMENTS: Readonly<Record<SuiteId, KeyAgreement>> = Object.freeze({
  ed25519: x25519Agreement,
  p256: p256Agreement,
  sm2: sm2Agreement,
});
