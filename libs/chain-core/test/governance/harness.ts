// A small in-memory runtime for the system contract: a Map-backed ContractState with range
// scans, a context factory, and a `call` that does what the execution layer does around a
// method (role check from `access`, discard every write and event of a failed transaction).
import { createHash } from 'node:crypto';
import {
  type Caller,
  type ContractContext,
  type ContractDefinition,
  type ContractEvent,
  type ContractState,
  type RangeOptions,
  type StateEntry,
  ContractError,
  MAX_RANGE_ENTRIES,
} from '../../src/contract';
import { toHex } from '../../src/codec';
import { type GenesisEntry, systemContract } from '../../src/governance';
import { Event } from '../../src/types';

/** A sorted key space over a Map (hex of a key sorts as the key's bytes do). */
export class MemoryState implements ContractState {
  private entries = new Map<string, StateEntry>();

  constructor(initial: readonly GenesisEntry[] = []) {
    for (const { key, value } of initial) this.put(key, value);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const value = this.entries.get(toHex(key))?.value;
    return value === undefined ? undefined : Uint8Array.from(value);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.entries.set(toHex(key), { key: Uint8Array.from(key), value: Uint8Array.from(value) });
  }

  delete(key: Uint8Array): void {
    this.entries.delete(toHex(key));
  }

  range(options: RangeOptions = {}): readonly StateEntry[] {
    const prefix = options.prefix === undefined ? '' : toHex(options.prefix);
    const start = options.start === undefined ? undefined : toHex(options.start);
    const end = options.end === undefined ? undefined : toHex(options.end);
    const selected = [...this.entries.keys()]
      .filter((k) => k.startsWith(prefix))
      .filter((k) => (start === undefined || k >= start) && (end === undefined || k < end))
      .sort();
    if (options.reverse === true) selected.reverse();
    return selected
      .slice(0, Math.min(options.limit ?? MAX_RANGE_ENTRIES, MAX_RANGE_ENTRIES))
      .map((k) => this.entries.get(k)!);
  }

  /** Every entry as hex, in key order: what determinism tests compare. */
  dump(): string[] {
    return [...this.entries.keys()].sort().map((k) => `${k}=${toHex(this.entries.get(k)!.value)}`);
  }

  snapshot(): Map<string, StateEntry> {
    return new Map(this.entries);
  }

  restore(snapshot: Map<string, StateEntry>): void {
    this.entries = snapshot;
  }
}

/** A member of `org`: an admin unless other roles are given. */
export function member(
  org: string,
  name = `${org}-admin`,
  roles: readonly string[] = ['admin'],
): Caller {
  const certificate = createHash('sha256').update(`${org}/${name}`).digest();
  return { org, name, kind: 'user', roles, certificate: new Uint8Array(certificate) };
}

export type CallResult =
  | { readonly ok: true; readonly txId: Uint8Array; readonly events: readonly ContractEvent[] }
  | { readonly ok: false; readonly txId: Uint8Array; readonly error: ContractError };

type Method = keyof typeof systemContract.methods;

/** The chain as the contract sees it: one state, a height, and transactions one by one. */
export class Harness {
  readonly state: MemoryState;
  height = 1n;
  private transactions = 0;

  constructor(genesis: readonly GenesisEntry[]) {
    this.state = new MemoryState(genesis);
  }

  /** Runs one transaction at the current height; a failure changes nothing. */
  call(method: Method, args: unknown, caller: Caller): CallResult {
    this.transactions += 1;
    const txId = new Uint8Array(createHash('sha256').update(`tx-${this.transactions}`).digest());
    const access: ContractDefinition['access'] = systemContract.access;
    const roles = access?.[method];
    if (roles !== undefined && !caller.roles.some((r) => roles.includes(r))) {
      const error = new ContractError('forbidden', `${method} needs one of ${roles.join(', ')}`);
      return { ok: false, txId, error };
    }
    const events: ContractEvent[] = [];
    const ctx: ContractContext = {
      caller,
      block: { height: this.height, timeMs: 1_750_000_000_000n + this.height * 1000n },
      txId,
      state: this.state,
      emit: (event) => {
        // What the execution layer requires of every event (type pattern, CBOR-profile data).
        Event.validateBasic({ contract: systemContract.name, ...event });
        events.push(event);
      },
    };
    const before = this.state.snapshot();
    try {
      const fn = systemContract.methods[method] as (c: ContractContext, a: unknown) => unknown;
      fn(ctx, args);
      return { ok: true, txId, events };
    } catch (error) {
      this.state.restore(before);
      if (error instanceof ContractError) return { ok: false, txId, error };
      throw error;
    }
  }

  /** `call` that must succeed; returns its events and tx id. */
  ok(
    method: Method,
    args: unknown,
    caller: Caller,
  ): { txId: Uint8Array; events: readonly ContractEvent[] } {
    const result = this.call(method, args, caller);
    if (!result.ok)
      throw new Error(`${method} failed: ${result.error.code}: ${result.error.message}`);
    return result;
  }

  /** `call` that must fail; returns the error. */
  fails(method: Method, args: unknown, caller: Caller): ContractError {
    const result = this.call(method, args, caller);
    if (result.ok) throw new Error(`${method} succeeded, expected a failure`);
    return result.error;
  }
}
