/**
 * Curve parameters and point arithmetic (@noble/curves, pure JavaScript) shared by both
 * implementations: the portable one computes with them, the fast one uses them off the hot
 * path (key import, SM2, signing).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { weierstrass, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { fromHex } from './bytes';

/** NIST P-256 (FIPS 186-5 / SEC 2 secp256r1). */
export const P256 = Object.freeze({
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  /** ⌊n/2⌋ = (n−1)/2: the largest s a low-S signature may carry. */
  halfN: 0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8n,
});

/** The recommended SM2 curve, GB/T 32918.5-2017 §3 (sm2p256v1, OID 1.2.156.10197.1.301). */
export const SM2 = Object.freeze({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});

/** Ed25519 (RFC 8032 §5.1): field prime p = 2^255 − 19 and group order L. */
export const ED25519 = Object.freeze({
  p: (1n << 255n) - 19n,
  L: (1n << 252n) + 27742317777372353535851937790883648493n,
});

export const P256Point = p256.Point;
export const Ed25519Point = ed25519.Point;
export const Sm2Point = weierstrass<bigint>({
  p: SM2.p,
  n: SM2.n,
  h: 1n,
  a: SM2.a,
  b: SM2.b,
  Gx: SM2.Gx,
  Gy: SM2.Gy,
});

export type EcPoint = WeierstrassPoint<bigint>;

/** 32-byte big-endian forms of the constants the byte-level checks compare against. */
export const P256_N_BYTES = fromHex(P256.n.toString(16));
export const P256_HALF_N_BYTES = fromHex(P256.halfN.toString(16).padStart(64, '0'));
export const P256_P_BYTES = fromHex(P256.p.toString(16));
export const SM2_N_BYTES = fromHex(SM2.n.toString(16));
export const SM2_P_BYTES = fromHex(SM2.p.toString(16));
