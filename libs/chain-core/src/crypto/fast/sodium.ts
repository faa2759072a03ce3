/**
 * The few sodium-native (libsodium) functions the fast path uses, typed here: sodium-native
 * ships no types and @types/sodium-native is not a dependency. Loaded through a typed
 * require so that no ambient `declare module` leaks into the rest of the program.
 * Signatures from sodium-native 5's index.js.
 */
import { createRequire } from 'node:module';

export interface SodiumNative {
  /** pk (32) and sk (64 = seed ‖ pk) from a 32-byte seed. */
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  /** sig (64) of m under sk (64). */
  crypto_sign_detached(sig: Uint8Array, m: Uint8Array, sk: Uint8Array): void;
  crypto_sign_verify_detached(sig: Uint8Array, m: Uint8Array, pk: Uint8Array): boolean;
  randombytes_buf(buffer: Uint8Array): void;
}

export const sodium = createRequire(__filename)('sodium-native') as SodiumNative;
