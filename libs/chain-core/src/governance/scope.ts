/**
 * The bridge between world state (full keys `contract ‖ 0x00 ‖ key`, docs/spec/governance.md
 * §2) and the system contract's own key space, for the node: reading membership from the
 * committed store, and learning whether a block changed the validator set.
 */
import { type RangeOptions, type StateEntry } from '../contract';
import { isBytes } from '../codec';
import type { StateReader, StateWrite } from '../storage';
import { GovernanceError } from './governance-error';
import { PREFIX } from './layout';
import type { SystemStateReader } from './readers';
import { SYSTEM_CONTRACT_NAME } from './system-contract';

const encoder = new TextEncoder();
/** `system ‖ 0x00`: the first bytes of every full key of the system contract. */
const SCOPE = Uint8Array.from([...encoder.encode(SYSTEM_CONTRACT_NAME), 0]);
const VALIDATORS = Uint8Array.from([...SCOPE, ...encoder.encode(PREFIX.validator)]);

function withScope(key: Uint8Array): Uint8Array {
  const full = new Uint8Array(SCOPE.length + key.length);
  full.set(SCOPE);
  full.set(key, SCOPE.length);
  return full;
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/**
 * The system contract's key space of a world-state reader (the committed store or an overlay),
 * as the contract sees it: keys relative to the contract.
 */
export function scopeSystemState(reader: StateReader): SystemStateReader {
  if (typeof reader?.get !== 'function' || typeof reader.range !== 'function') {
    throw new GovernanceError(
      'invalid-args',
      'reader must have get(key) and range(options)',
      'reader',
    );
  }
  return {
    get: (key) => reader.get(withScope(key)),
    range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[] {
      const scoped = reader.range({
        prefix: withScope(options.prefix ?? new Uint8Array(0)),
        ...(options.start === undefined ? {} : { start: withScope(options.start) }),
        ...(options.end === undefined ? {} : { end: withScope(options.end) }),
        ...(options.reverse === undefined ? {} : { reverse: options.reverse }),
        limit: options.limit,
      });
      return scoped.map((e) => ({ key: e.key.subarray(SCOPE.length), value: e.value }));
    },
  };
}

/**
 * Whether a block's writes (full world-state keys, as the execution layer reports them) change
 * the validator list. The node reads `readValidators` after such a block and ends the epoch
 * there (docs/spec/consensus.md §4: `nextValidators`).
 */
export function validatorsChanged(writes: readonly StateWrite[]): boolean {
  if (!Array.isArray(writes)) {
    throw new GovernanceError(
      'invalid-args',
      'writes must be an array of { key, value }',
      'writes',
    );
  }
  return writes.some((write, i) => {
    if (!isBytes(write?.key)) {
      throw new GovernanceError(
        'invalid-args',
        `writes[${i}].key must be bytes`,
        `writes[${i}].key`,
      );
    }
    return startsWith(write.key, VALIDATORS);
  });
}
