/**
 * The Ed25519 acceptance rules of libsodium's `crypto_sign_verify_detached`
 * (crypto_sign/ed25519/ref10/open.c), written out so that the portable verifier and key
 * import apply exactly what the fast path (libsodium) applies. docs/spec/crypto.md §4.1.
 *
 * Encodings are 32 bytes little-endian; bit 255 of a point encoding is the sign of x.
 */
import { bytesToBigIntLE, fromHex } from './bytes';
import { ED25519, Ed25519Point } from './curves';

const MASK_255 = (1n << 255n) - 1n;

/**
 * y-coordinates (as 255-bit integers, sign bit ignored) whose encodings libsodium refuses as
 * small order (`ge25519_has_small_order`): the eight points of order 1, 2, 4 and 8 have
 * y ∈ {1, −1, 0, y₈, −y₈… }, plus the non-canonical aliases p (≡ 0) and p + 1 (≡ 1).
 * The two order-8 y values are given as their little-endian encodings.
 */
const SMALL_ORDER_Y: ReadonlySet<bigint> = new Set([
  0n,
  1n,
  ED25519.p - 1n,
  ED25519.p,
  ED25519.p + 1n,
  bytesToBigIntLE(fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')),
  bytesToBigIntLE(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')),
]);

/** Rule: the encoding is not one of the small-order encodings above (applies to A and R). */
export function hasSmallOrderEncoding(encoding: Uint8Array): boolean {
  return SMALL_ORDER_Y.has(bytesToBigIntLE(encoding) & MASK_255);
}

/** Rule: the y-coordinate of a public key is reduced, y < p (`ge25519_is_canonical`). */
export function isCanonicalPointEncoding(encoding: Uint8Array): boolean {
  return (bytesToBigIntLE(encoding) & MASK_255) < ED25519.p;
}

/** Rule: S < L (`sc25519_is_canonical`), S read little-endian. */
export function isCanonicalScalar(encoding: Uint8Array): boolean {
  return bytesToBigIntLE(encoding) < ED25519.L;
}

export type Ed25519PointValue = InstanceType<typeof Ed25519Point>;

/**
 * The point of an acceptable public key A, or undefined: canonical, not small order and on
 * the curve. Keys with a torsion component (mixed order) are acceptable, as in libsodium.
 */
export function decodeEd25519PublicKey(encoding: Uint8Array): Ed25519PointValue | undefined {
  if (!isCanonicalPointEncoding(encoding) || hasSmallOrderEncoding(encoding)) return undefined;
  try {
    // zip215 = false: RFC 8032 decoding (y < p, no x = 0 with sign bit set).
    return Ed25519Point.fromBytes(encoding, false);
  } catch (_notOnCurve) {
    return undefined;
  }
}
