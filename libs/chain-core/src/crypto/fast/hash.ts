import { createHash, createHmac } from 'node:crypto';
import type { HashId } from '../types';

/** OpenSSL's SHA-256 and SM3 through node:crypto, returned as plain Uint8Arrays. */
export const FAST_HASHES: Readonly<Record<HashId, (data: Uint8Array) => Uint8Array>> =
  Object.freeze({
    sha256: (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
    sm3: (data: Uint8Array) => new Uint8Array(createHash('sm3').update(data).digest()),
  });

export function hmacSm3(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sm3', key).update(message).digest());
}
