/** Test helpers for the execution layer: a reference state store, transactions, callers. */
import { createHash } from 'node:crypto';
import {
  type Caller,
  type HashFn,
  type RangeOptions,
  type ResolvedTransaction,
  type StateEntry,
  type StateReader,
  type StateWrite,
  Transaction,
  type TransactionBody,
} from '@trellis/chain-core';

export const sha256: HashFn = (data) => new Uint8Array(createHash('sha256').update(data).digest());
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const bytesOf = (...values: number[]): Uint8Array => new Uint8Array(values);
const byteOrder = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

export const CHAIN = 'trellis-test';

/** A state model: hex(full key) → value. */
export type Model = Map<string, Uint8Array>;

/**
 * The obviously-correct range: sort everything, filter by each option, cut. The reference the
 * overlays are checked against.
 */
export function referenceRange(
  model: Model,
  options: RangeOptions & { readonly limit: number },
): StateEntry[] {
  const { prefix, start, end, reverse, limit } = options;
  const entries = [...model]
    .map(([key, value]) => ({ key: unhex(key), value }))
    .filter(({ key }) => prefix === undefined || hex(key).startsWith(hex(prefix)))
    .filter(({ key }) => start === undefined || byteOrder(key, start) >= 0)
    .filter(({ key }) => end === undefined || byteOrder(key, end) < 0)
    .sort((a, b) => byteOrder(a.key, b.key));
  if (reverse === true) entries.reverse();
  return entries.slice(0, limit);
}

/** The committed-store stand-in: a StateReader over a model, counting what it serves. */
export class MemoryState implements StateReader {
  readonly model: Model;
  rangeCalls = 0;
  entriesServed = 0;

  constructor(entries: Iterable<readonly [Uint8Array, Uint8Array]> = []) {
    this.model = new Map([...entries].map(([k, v]) => [hex(k), new Uint8Array(v)]));
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.model.get(hex(key));
  }

  range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[] {
    this.rangeCalls++;
    const out = referenceRange(this.model, options);
    this.entriesServed += out.length;
    return out;
  }

  /** Applies a block's writes, as a commit would. */
  apply(writes: readonly StateWrite[]): this {
    for (const { key, value } of writes) {
      if (value === null) this.model.delete(hex(key));
      else this.model.set(hex(key), new Uint8Array(value));
    }
    return this;
  }
}

/** A member with the given roles. */
export function member(roles: readonly string[] = ['member'], name = 'alice'): Caller {
  return { org: 'org-a', name, kind: 'user', roles, certificate: new Uint8Array(32).fill(7) };
}

let nonce = 0n;

/** A resolved transaction calling `contract.method(args)`; a fresh nonce (so a fresh id) each time. */
export function call(
  contract: string,
  method: string,
  args: TransactionBody['args'] = {},
  options: { readonly caller?: ResolvedTransaction['caller']; readonly chainId?: string } = {},
): ResolvedTransaction {
  nonce++;
  const tx: Transaction = {
    body: {
      chainId: options.chainId ?? CHAIN,
      contract,
      method,
      args,
      nonce,
      expiryHeight: 1_000n,
      signer: { org: 'org-a', cert: new Uint8Array(32).fill(7) },
    },
    signature: new Uint8Array(64),
  };
  return { tx, id: Transaction.id(sha256, tx), caller: options.caller ?? member() };
}

/** hex → hex of a list of writes, for comparisons. */
export const writesHex = (writes: readonly StateWrite[]): [string, string | null][] =>
  writes.map(({ key, value }) => [hex(key), value === null ? null : hex(value)]);
