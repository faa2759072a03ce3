import * as nodeCrypto from 'node:crypto';
import type { HashId } from '../types';

/**
 * One-shot hashing where node has it (`crypto.hash`, Node ≥ 20.12): about 40 % less time than
 * `createHash().update().digest()` for the 33–65-byte inputs of the Merkle trees, which hash
 * several times per state write. Older Node falls back to `createHash`; the digests are OpenSSL's
 * either way.
 */
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer })
  .hash;
const digest: (algorithm: string, data: Uint8Array) => Buffer =
  oneShot !== undefined
    ? (algorithm, data) => oneShot(algorithm, data, 'buffer')
    : (algorithm, data) => nodeCrypto.createHash(algorithm).update(data).digest();

/** OpenSSL's SHA-256 and SM3 through node:crypto, returned as plain Uint8Arrays. */
export const FAST_HASHES: Readonly<Record<HashId, (data: Uint8Array) => Uint8Array>> =
  Object.freeze({
    sha256: (data: Uint8Array) => new Uint8Array(digest('sha256', data)),
    sm3: (data: Uint8Array) => new Uint8Array(digest('sm3', data)),
  });

export function hmacSm3(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.createHmac('sm3', key).update(message).digest());
}
