import { sha256 } from '@noble/hashes/sha2.js';
import type { HashId } from '../types';
import { sm3 } from './sm3';

/** The portable hash functions: @noble/hashes SHA-256 and our SM3. Inputs are validated by the caller. */
export const PORTABLE_HASHES: Readonly<Record<HashId, (data: Uint8Array) => Uint8Array>> =
  Object.freeze({
    sha256: (data: Uint8Array) => sha256(data),
    sm3,
  });
