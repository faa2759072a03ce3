/**
 * SM2 for the node: the same algorithm as the portable build (common/sm2.ts) with OpenSSL's
 * SM3, and verifier keys cached. node:crypto cannot verify GB/T 32918 SM2 with the standard
 * user id (STACK.md), so the curve arithmetic stays in JavaScript; what makes this path
 * faster is per-key work done once: the decompressed point, its Z_A, and — for a key in
 * steady use — a precomputed window table for [t]P_A.
 */
import { randomBytes } from 'node:crypto';
import { LruCache } from '../common/lru';
import { type Sm2VerifierKey, sm2Core, sm2VerifierKey } from '../common/sm2-suite';
import type { SuiteCore } from '../common/suite';
import { FAST_HASHES, hmacSm3 } from './hash';

/**
 * A window table costs ~80 ms (about 50 verifications' worth of savings) and ~200 KB per
 * key, so a key gets one from its PRECOMPUTE_AFTER-th use on: a validator's steady signers.
 */
const KEY_CACHE_SIZE = 256;
const WINDOW_BITS = 6;
const PRECOMPUTE_AFTER = 32;

const keys = new LruCache<string, { key: Sm2VerifierKey; uses: number }>(KEY_CACHE_SIZE);

function cachedVerifierKey(publicKey: Uint8Array): Sm2VerifierKey | undefined {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString(
    'latin1',
  );
  const entry = keys.get(id);
  if (entry !== undefined) {
    if (++entry.uses === PRECOMPUTE_AFTER) entry.key.point.precompute(WINDOW_BITS, false);
    return entry.key;
  }
  const key = sm2VerifierKey(FAST_HASHES.sm3, publicKey);
  if (key !== undefined) keys.set(id, { key, uses: 1 });
  return key;
}

export const fastSm2: SuiteCore = sm2Core({
  implementation: 'fast',
  hash: FAST_HASHES.sm3,
  hmac: hmacSm3,
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
  verifierKey: cachedVerifierKey,
});
