/**
 * ECDSA P-256 verification through OpenSSL (node:crypto) with a cache of KeyObjects: parsing
 * a key on every call halves the rate (STACK.md). The low-S and range rules are checked on
 * the bytes first, since OpenSSL accepts high-S signatures. Signing and key generation are
 * the portable ones (deterministic RFC 6979 nonces; OpenSSL 3.0 only has random ones),
 * with OpenSSL's SHA-256 for the message digest.
 */
import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { fromHex } from '../common/bytes';
import { LruCache } from '../common/lru';
import type { SuiteCore } from '../common/suite';
import { p256Preconditions, portableP256 } from '../portable/p256';
import { FAST_HASHES } from './hash';

/** SubjectPublicKeyInfo header for a compressed P-256 point (RFC 5480): the 33 key bytes follow. */
const SPKI_COMPRESSED_HEADER = fromHex('3039301306072a8648ce3d020106082a8648ce3d030107032200');

const KEY_CACHE_SIZE = 4096;
const keys = new LruCache<string, KeyObject>(KEY_CACHE_SIZE);

function keyObject(publicKey: Uint8Array): KeyObject | undefined {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString(
    'latin1',
  );
  let key = keys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({
        key: Buffer.concat([SPKI_COMPRESSED_HEADER, publicKey]),
        format: 'der',
        type: 'spki',
      });
    } catch (_notOnCurve) {
      return undefined;
    }
    keys.set(id, key);
  }
  return key;
}

export const fastP256: SuiteCore = {
  ...portableP256,
  implementation: 'fast',
  hash: FAST_HASHES.sha256,
  sign: (secretKey, message) =>
    p256.sign(FAST_HASHES.sha256(message), secretKey, {
      prehash: false,
      lowS: true,
      extraEntropy: false,
      format: 'compact',
    }),
  verify(publicKey, message, signature) {
    if (!p256Preconditions(publicKey, signature)) return false;
    const key = keyObject(publicKey);
    return (
      key !== undefined && verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature)
    );
  },
};
