/**
 * Following validator-set changes from genesis (docs/spec/proofs.md §6.3). Epoch e's set is
 * proven by epoch e − 1's: a header chain of epoch e − 1, certified by a quorum of its
 * validators, whose last header's state root holds the system contract's validator-set record
 * with the new set. A validator change ends its epoch in the block that makes it, and every
 * later block of that epoch is empty (consensus §4), so any committed state of epoch e − 1
 * holding another set than e − 1's holds epoch e's.
 */
import { equalBytes, toHex } from '../codec';
import { ValidatorSet } from '../consensus/validator-set';
import { MerkleError, decodeSparseProof, verifySparseProof } from '../merkle';
import type { EpochChange } from './format';
import { type ChainContext, type CertifiedChain, checkHeaderChain } from './header-chain';
import { ProofError, refuse } from './proof-error';
import {
  SYSTEM_CONTRACT,
  VALIDATOR_SET_RECORD_KEY,
  encodeValidatorSetRecord,
  stateTreeKey,
} from './validator-set-record';

/** Digest length of both chain hashes (SHA-256, SM3): sparse proofs carry L-byte hashes. */
const HASH_BYTES = 32;

/**
 * Checks each epoch change against the sets before it and returns every epoch's set, index =
 * epoch number (index 0: genesis). Signatures are queued in `ctx.signatures`.
 * @throws ProofError naming the epoch change (`epochs[2].…`).
 */
export function followEpochChanges(
  ctx: Omit<ChainContext, 'epochs'>,
  genesis: ValidatorSet,
  changes: readonly EpochChange[],
): ValidatorSet[] {
  const sets: ValidatorSet[] = [genesis];
  changes.forEach((change, i) => {
    const path = `epochs[${i}]`;
    const epoch = BigInt(i + 1);
    if (change.epoch !== epoch) {
      refuse(
        'bad-epoch-change',
        `${path}.epoch`,
        `is ${change.epoch}: epoch changes must be consecutive from 1, this one must be ${epoch}`,
      );
    }
    const previous = sets[i]!;
    const chainEpoch = change.chain.headers[0]?.epoch;
    if (chainEpoch !== undefined && chainEpoch !== epoch - 1n) {
      refuse(
        'bad-epoch-change',
        `${path}.chain.headers[0].epoch`,
        `is ${chainEpoch}: epoch ${epoch} is proven by a chain of epoch ${epoch - 1n}`,
      );
    }
    const chain = checkHeaderChain({ ...ctx, epochs: sets }, change.chain, `${path}.chain`);
    const record = checkNewSet(change.validators, previous, `${path}.validators`);
    checkSetProof(ctx, chain, record, change.setProof, `${path}.setProof`);
    sets.push(new ValidatorSet(epoch, change.validators));
  });
  return sets;
}

/** A non-empty set without repeats that is not the previous one; its record's bytes. */
function checkNewSet(
  validators: readonly Uint8Array[],
  previous: ValidatorSet,
  path: string,
): Uint8Array {
  if (validators.length === 0) refuse('bad-epoch-change', path, 'an epoch needs validators');
  const seen = new Map<string, number>();
  validators.forEach((key, i) => {
    const first = seen.get(toHex(key));
    if (first !== undefined) {
      refuse('bad-epoch-change', `${path}[${i}]`, `is the same key as ${path}[${first}]`);
    }
    seen.set(toHex(key), i);
  });
  const record = encodeValidatorSetRecord(validators);
  if (equalBytes(record, encodeValidatorSetRecord(previous.publicKeys))) {
    refuse(
      'bad-epoch-change',
      path,
      `is epoch ${previous.epoch}'s set unchanged: a proven state holding it proves no change`,
    );
  }
  return record;
}

/** The sparse proof shows `record` at the validator-set key under the last header's root. */
function checkSetProof(
  ctx: Omit<ChainContext, 'epochs'>,
  chain: CertifiedChain,
  record: Uint8Array,
  encoded: Uint8Array,
  path: string,
): void {
  const proof = decodeProof(encoded, path);
  const key = stateTreeKey(ctx.hash, SYSTEM_CONTRACT, VALIDATOR_SET_RECORD_KEY);
  if (!verifySparseProof(ctx.hash, chain.last.stateRoot, key, record, proof)) {
    refuse(
      'bad-merkle-proof',
      path,
      `does not prove these validators at ${SYSTEM_CONTRACT}/meta/validator-set in the state root of block ${chain.last.height}`,
    );
  }
}

/** Decodes a sparse proof (§3.5); a proof that does not decode proves nothing. */
export function decodeProof(encoded: Uint8Array, path: string) {
  try {
    return decodeSparseProof(encoded, HASH_BYTES);
  } catch (error) {
    if (!(error instanceof MerkleError)) throw error;
    throw new ProofError('bad-merkle-proof', `does not decode: ${error.message}`, path);
  }
}
