/**
 * SM2 digital signatures, GB/T 32918.2-2016 (= GM/T 0003.2-2012), over the recommended
 * curve of GB/T 32918.5-2017, with the default user id of GM/T 0009-2012 §10. The hash (SM3)
 * and HMAC are passed in, so that the node (OpenSSL's SM3) and the portable build (our own
 * SM3) run the same algorithm. docs/spec/crypto.md §4.3 and §5.
 */
import { createHmacDrbg } from '@noble/curves/utils.js';
import { bigIntToBytesBE, bytesToBigIntBE, concatBytes } from './bytes';
import { SM2, Sm2Point, type EcPoint } from './curves';

export type HashFn = (data: Uint8Array) => Uint8Array;
export type HmacFn = (key: Uint8Array, message: Uint8Array) => Uint8Array;

/** ASCII "1234567812345678" (GM/T 0009-2012 §10): ENTL = 16 × 8 = 128 bits = 0x0080. */
export const SM2_DEFAULT_USER_ID = new TextEncoder().encode('1234567812345678');

const Fn = Sm2Point.Fn;
const G = Sm2Point.BASE;

/**
 * Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 §5.5): ENTL_A is the
 * bit length of ID_A as 2 bytes big-endian, field elements are 32 bytes big-endian.
 */
export function sm2Za(
  hash: HashFn,
  publicKey: EcPoint,
  userId: Uint8Array = SM2_DEFAULT_USER_ID,
): Uint8Array {
  const bits = userId.length * 8;
  if (bits > 0xffff) throw new RangeError('SM2 user id longer than 8191 bytes');
  const { x, y } = publicKey.toAffine();
  return hash(
    concatBytes(
      Uint8Array.of(bits >> 8, bits & 0xff),
      userId,
      ...[SM2.a, SM2.b, SM2.Gx, SM2.Gy, x, y].map((v) => bigIntToBytesBE(v, 32)),
    ),
  );
}

/** e = SM3(Z_A ‖ M) read as a big-endian integer (steps A1–A2 and B3–B4). */
export function sm2Digest(hash: HashFn, za: Uint8Array, message: Uint8Array): bigint {
  return bytesToBigIntBE(hash(concatBytes(za, message)));
}

/**
 * Steps B5–B7: t = (r + s) mod n ≠ 0, (x₁, y₁) = [s]G + [t]P_A ≠ O, accept iff
 * (e + x₁) mod n = r. The caller has checked r, s ∈ [1, n − 1] (steps B1–B2).
 */
export function sm2VerifyDigest(publicKey: EcPoint, e: bigint, r: bigint, s: bigint): boolean {
  const t = Fn.create(r + s);
  if (t === 0n) return false;
  const point = G.multiplyUnsafe(s).add(publicKey.multiplyUnsafe(t));
  if (point.is0()) return false;
  return Fn.create(e + point.toAffine().x) === r;
}

/**
 * Steps A3–A6 with a given nonce k ∈ [1, n − 1]: r = (e + x₁) mod n, s = (1 + d)⁻¹(k − r·d)
 * mod n. Undefined when the standard says to pick another k (r = 0, r + k = n, s = 0).
 * Exported for the standard's known-answer test, which fixes k.
 */
export function sm2SignWithNonce(d: bigint, e: bigint, k: bigint): Uint8Array | undefined {
  const x1 = G.multiply(k).toAffine().x;
  const r = Fn.create(e + x1);
  if (r === 0n || r + k === SM2.n) return undefined;
  const s = Fn.mul(Fn.inv(Fn.create(1n + d)), Fn.sub(Fn.create(k), Fn.mul(r, d)));
  if (s === 0n) return undefined;
  return concatBytes(bigIntToBytesBE(r, 32), bigIntToBytesBE(s, 32));
}

/**
 * Deterministic SM2 signing: k from the HMAC-DRBG of RFC 6979 §3.2 with HMAC-SM3, seeded
 * with int2octets(d) ‖ int2octets(e mod n); candidates outside [1, n − 1] or rejected by
 * A5/A6 draw the next k. GB/T 32918 asks for a random k; a verifier cannot tell the
 * difference, and no RNG failure can leak the key.
 */
export function sm2Sign(hmac: HmacFn, d: bigint, e: bigint): Uint8Array {
  const seed = concatBytes(bigIntToBytesBE(d, 32), bigIntToBytesBE(Fn.create(e), 32));
  const drbg = createHmacDrbg<Uint8Array>(32, 32, hmac);
  return drbg(seed, (candidate) => {
    const k = bytesToBigIntBE(candidate);
    return k >= 1n && k < SM2.n ? sm2SignWithNonce(d, e, k) : undefined;
  });
}

/** GB/T 32918.1 §6.1: a private key d is in [1, n − 2] (so that 1 + d is invertible). */
export function isValidSm2Scalar(d: bigint): boolean {
  return d >= 1n && d <= SM2.n - 2n;
}

/** Generic HMAC (RFC 2104) over a hash with 64-byte blocks (SM3, SHA-256). */
export function hmacWith(hash: HashFn): HmacFn {
  return (key, message) => {
    const block = new Uint8Array(64);
    block.set(key.length > 64 ? hash(key) : key);
    const inner = block.map((b) => b ^ 0x36);
    const outer = block.map((b) => b ^ 0x5c);
    return hash(concatBytes(outer, hash(concatBytes(inner, message))));
  };
}
