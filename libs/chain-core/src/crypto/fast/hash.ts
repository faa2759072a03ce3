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

/**
 * A plain Uint8Array over the digest's bytes. A digest Buffer has an ArrayBuffer of its own (not
 * a slice of node's shared pool): then it is viewed, not copied, which saves about a quarter of
 * the time of hashing 65 bytes; otherwise it is copied.
 */
function plain(digested: Buffer): Uint8Array {
  const { buffer, byteOffset, length } = digested;
  return byteOffset === 0 && buffer.byteLength === length
    ? new Uint8Array(buffer, 0, length)
    : new Uint8Array(digested);
}

/** OpenSSL's SHA-256 and SM3 through node:crypto, returned as plain Uint8Arrays. */
export const FAST_HASHES: Readonly<Record<HashId, (data: Uint8Array) => Uint8Array>> =
  Object.freeze({
    sha256: (data: Uint8Array) => plain(digest('sha256', data)),
    sm3: (data: Uint8Array) => plain(digest('sm3', data)),
  });

export function hmacSm3(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.createHmac('sm3', key).update(message).digest());
}
