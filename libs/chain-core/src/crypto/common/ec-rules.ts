/**
 * Byte-level checks on raw P-256 / SM2 signatures (r‖s, 32-byte big-endian halves) and
 * compressed SEC1 keys, applied identically before either implementation does any curve
 * arithmetic (docs/spec/crypto.md §4.2, §4.3). They compare bytes, not BigInts: they sit on
 * the fast path of every verification.
 */

/** Compares the 32 bytes of `a` at `offset` with `b` as big-endian integers. */
function compare32(a: Uint8Array, offset: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const diff = a[offset + i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return 0;
}

function isZero32(a: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 32; i++) if (a[offset + i] !== 0) return false;
  return true;
}

/** Rule: r and s are both in [1, n − 1]. */
export function scalarsInRange(signature: Uint8Array, nBytes: Uint8Array): boolean {
  return (
    !isZero32(signature, 0) &&
    !isZero32(signature, 32) &&
    compare32(signature, 0, nBytes) < 0 &&
    compare32(signature, 32, nBytes) < 0
  );
}

/** Rule (P-256 only): s ≤ ⌊n/2⌋ (low-S, as Bitcoin's BIP 62 and noble's `lowS`). */
export function isLowS(signature: Uint8Array, halfNBytes: Uint8Array): boolean {
  return compare32(signature, 32, halfNBytes) <= 0;
}

/** Rule: a raw public key is 33 bytes, 0x02 or 0x03 then x < p (on-curve is checked later). */
export function isCompressedPointShape(publicKey: Uint8Array, pBytes: Uint8Array): boolean {
  return (
    publicKey.length === 33 &&
    (publicKey[0] === 0x02 || publicKey[0] === 0x03) &&
    compare32(publicKey, 1, pBytes) < 0
  );
}
