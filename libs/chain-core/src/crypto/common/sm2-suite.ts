/**
 * The SM2 suite on top of common/sm2.ts, for a given SM3 (node's or ours) and a given way of
 * turning public key bytes into a verifier key (the fast build caches them).
 */
import type { Implementation } from '../types';
import { bytesToBigIntBE } from './bytes';
import { SM2_N_BYTES, SM2_P_BYTES, Sm2Point, type EcPoint } from './curves';
import { isCompressedPointShape, scalarsInRange } from './ec-rules';
import {
  type HashFn,
  type HmacFn,
  isValidSm2Scalar,
  sm2Digest,
  sm2Sign,
  sm2VerifyDigest,
  sm2Za,
} from './sm2';
import type { SuiteCore } from './suite';

/** What verification needs of a public key: its point and its Z_A (both depend on the key only). */
export interface Sm2VerifierKey {
  readonly point: EcPoint;
  readonly za: Uint8Array;
}

export interface Sm2Platform {
  readonly implementation: Implementation;
  readonly hash: HashFn;
  readonly hmac: HmacFn;
  readonly randomBytes: (length: number) => Uint8Array;
  /** The verifier key of 33 bytes that passed the shape check, or undefined if not on the curve. */
  readonly verifierKey: (publicKey: Uint8Array) => Sm2VerifierKey | undefined;
}

/** Decodes a compressed key and computes its Z_A, without caching. */
export function sm2VerifierKey(hash: HashFn, publicKey: Uint8Array): Sm2VerifierKey | undefined {
  let point: EcPoint;
  try {
    point = Sm2Point.fromBytes(publicKey);
  } catch (_notOnCurve) {
    return undefined;
  }
  return { point, za: sm2Za(hash, point) };
}

export function sm2Core(platform: Sm2Platform): SuiteCore {
  const { hash } = platform;
  return {
    id: 'sm2',
    implementation: platform.implementation,
    hash,
    randomSecretKey() {
      // Rejection sampling: uniform over [1, n − 2].
      for (;;) {
        const candidate = platform.randomBytes(32);
        if (isValidSm2Scalar(bytesToBigIntBE(candidate))) return candidate;
      }
    },
    isValidSecretKey: (secretKey) => isValidSm2Scalar(bytesToBigIntBE(secretKey)),
    publicKeyFromSecretKey: (secretKey) =>
      Sm2Point.BASE.multiply(bytesToBigIntBE(secretKey)).toBytes(true),
    sign(secretKey, message) {
      const d = bytesToBigIntBE(secretKey);
      const za = sm2Za(hash, Sm2Point.BASE.multiply(d));
      return sm2Sign(platform.hmac, d, sm2Digest(hash, za, message));
    },
    verify(publicKey, message, signature) {
      if (!isCompressedPointShape(publicKey, SM2_P_BYTES)) return false;
      if (!scalarsInRange(signature, SM2_N_BYTES)) return false;
      const key = platform.verifierKey(publicKey);
      if (key === undefined) return false;
      const e = sm2Digest(hash, key.za, message);
      const r = bytesToBigIntBE(signature.subarray(0, 32));
      const s = bytesToBigIntBE(signature.subarray(32, 64));
      return sm2VerifyDigest(key.point, e, r, s);
    },
  };
}
