/**
 * The system contract's validator-set record, as a light client proves it: key
 * `meta/validator-set` of contract `system`, value `ValidatorSet { keys }` (a CBOR array
 * holding the list of the validators' consensus keys, in consensus order).
 *
 * This file is the record's one definition: the governance layer writes it through these
 * (re-exported there as `VALIDATOR_SET_KEY` and `ValidatorSetRecordSchema`), and it stays
 * here, in the pure proofs layer, because governance pulls in the identity layer (X.509 on
 * node:crypto), which a browser cannot load.
 */
import { HASH_TAGS, type HashFn, RecordSchema, bytes, list, taggedHash } from '../codec';
import { stateKey } from '../execution/state-key';
import { limits } from '../types';

export const SYSTEM_CONTRACT = 'system';
export const VALIDATOR_SET_RECORD_KEY: Uint8Array = new TextEncoder().encode('meta/validator-set');

export const ValidatorSetRecordSchema = new RecordSchema<{ readonly keys: readonly Uint8Array[] }>(
  'ValidatorSet',
  { keys: list(bytes(32, 65), limits.MAX_VALIDATORS) },
);

/** The record's value bytes for `keys`. */
export function encodeValidatorSetRecord(keys: readonly Uint8Array[]): Uint8Array {
  return ValidatorSetRecordSchema.encode({ keys });
}

/**
 * Where contract `contract`'s `key` sits in the sparse state tree:
 * `taggedHash(H, "trellis/state-key/v1", utf8(contract) ‖ 0x00 ‖ key)` (the execution
 * layer's full key, hashed as the block executor does).
 * @throws ExecutionError('invalid-argument') for a bad contract name or key length.
 */
export function stateTreeKey(hash: HashFn, contract: string, key: Uint8Array): Uint8Array {
  return taggedHash(hash, HASH_TAGS.stateKey, stateKey(contract, key));
}
