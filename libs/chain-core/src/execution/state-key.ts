/**
 * World-state keys. Every contract owns the key space `utf8(contract) ‖ 0x00`: a full key is
 *
 *   fullKey = utf8(contract) ‖ 0x00 ‖ contractKey      (contractKey: 1..256 bytes)
 *
 * Contract names match `^[a-z][a-z0-9-]{0,62}$` and so never contain 0x00: the first 0x00 of
 * a full key ends the name, the split is unambiguous, and no contract's space is a prefix of
 * another's ("a\0…" vs "ab\0…"). Within one contract the order of full keys is the order of
 * contract keys, so a contract's range scan is a range scan of the full key space.
 */
import { copyBytes, isBytes } from '../codec';
import { MAX_STATE_KEY_BYTES } from '../contract';
import { limits } from '../types';
import { invalidArgument } from './execution-error';

/** The longest full key: a 63-character contract name, the separator and a 256-byte key. */
export const MAX_FULL_KEY_BYTES = 63 + 1 + MAX_STATE_KEY_BYTES;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
/** Each contract's prefix, encoded once. */
const prefixes = new Map<string, Uint8Array>();

/** `a ‖ b` in a fresh array. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * The key space of `contract`: `utf8(contract) ‖ 0x00`. Every full key of the contract starts
 * with it, so it is also the prefix for scanning all of a contract's state.
 * @throws ExecutionError('invalid-argument') if `contract` is not a contract name.
 */
export function contractKeyPrefix(contract: string): Uint8Array {
  const known = prefixes.get(contract);
  if (known !== undefined) return copyBytes(known);
  if (typeof contract !== 'string' || !limits.NAME.test(contract)) {
    throw invalidArgument('contract', `must match ${limits.NAME.source}, got ${String(contract)}`);
  }
  const name = encoder.encode(contract);
  const prefix = new Uint8Array(name.length + 1);
  prefix.set(name, 0);
  prefixes.set(contract, prefix);
  return copyBytes(prefix);
}

/**
 * The full world-state key of `key` in `contract`'s space: `utf8(contract) ‖ 0x00 ‖ key`.
 * @throws ExecutionError('invalid-argument') naming `contract` or `key`.
 */
export function stateKey(contract: string, key: Uint8Array): Uint8Array {
  const prefix = contractKeyPrefix(contract);
  if (!isBytes(key) || key.length < 1 || key.length > MAX_STATE_KEY_BYTES) {
    throw invalidArgument('key', `must be a Uint8Array of 1..${MAX_STATE_KEY_BYTES} bytes`);
  }
  return concat(prefix, key);
}

/**
 * The contract and contract key of a full key (the inverse of `stateKey`).
 * @throws ExecutionError('invalid-argument') naming `fullKey` when it is not a valid full key.
 */
export function splitStateKey(fullKey: Uint8Array): { contract: string; key: Uint8Array } {
  if (!isBytes(fullKey)) throw invalidArgument('fullKey', 'must be a Uint8Array');
  const zero = fullKey.indexOf(0);
  if (zero < 1) throw invalidArgument('fullKey', 'has no contract name before a 0x00 separator');
  let contract: string;
  try {
    contract = decoder.decode(fullKey.subarray(0, zero));
  } catch {
    throw invalidArgument('fullKey', 'contract name is not UTF-8');
  }
  if (!limits.NAME.test(contract)) {
    throw invalidArgument('fullKey', `contract name must match ${limits.NAME.source}`);
  }
  const keyLength = fullKey.length - zero - 1;
  if (keyLength < 1 || keyLength > MAX_STATE_KEY_BYTES) {
    throw invalidArgument(
      'fullKey',
      `contract key must be 1..${MAX_STATE_KEY_BYTES} bytes, got ${keyLength}`,
    );
  }
  return { contract, key: copyBytes(fullKey.subarray(zero + 1)) };
}
