/**
 * A transaction as the executor receives it: the node has decoded it, computed its id and
 * resolved its signer from the certificate registered at this block. Checked here at the
 * entry point (a malformed one is the node's bug, not the transaction's failure).
 */
import { isBytes } from '../codec';
import type { Caller } from '../contract';
import { type Transaction, limits } from '../types';
import { invalidArgument } from './execution-error';
import { copyBytes } from '../codec';

/** A transaction with its id and its signer, resolved by the node. */
export interface ResolvedTransaction {
  readonly tx: Transaction;
  /** `Transaction.id(hash, tx)` (32 bytes); the executor does not recompute it. */
  readonly id: Uint8Array;
  /** The signer, resolved by the node from its registered certificate at this block, or why it could not be. */
  readonly caller: Caller | { readonly error: { readonly code: string; readonly message: string } };
}

/** The parts of a resolved transaction the executor uses, checked; the caller frozen and copied. */
export interface CheckedTransaction {
  readonly id: Uint8Array;
  readonly chainId: string;
  readonly contract: string;
  readonly method: string;
  readonly args: unknown;
  readonly caller: Caller | { readonly error: { readonly code: string; readonly message: string } };
}

const KINDS: readonly string[] = ['user', 'service', 'node'];

/**
 * Checks `value` as a ResolvedTransaction, naming the first bad part under `field`
 * (e.g. `transactions[3].caller.roles`).
 * @throws ExecutionError('invalid-argument').
 */
export function checkResolved(value: unknown, field: string): CheckedTransaction {
  if (typeof value !== 'object' || value === null)
    throw invalidArgument(field, 'must be an object');
  const { tx, id, caller } = value as Record<keyof ResolvedTransaction, unknown>;
  if (!isBytes(id) || id.length !== 32) {
    throw invalidArgument(`${field}.id`, 'must be a 32-byte Uint8Array');
  }
  const body = typeof tx === 'object' && tx !== null ? (tx as { body?: unknown }).body : undefined;
  if (typeof body !== 'object' || body === null) {
    throw invalidArgument(`${field}.tx.body`, 'must be an object');
  }
  const { chainId, contract, method, args } = body as Record<string, unknown>;
  for (const [name, text] of [
    ['chainId', chainId],
    ['contract', contract],
    ['method', method],
  ] as const) {
    if (typeof text !== 'string')
      throw invalidArgument(`${field}.tx.body.${name}`, 'must be a string');
  }
  return {
    id: copyBytes(id),
    chainId: chainId as string,
    contract: contract as string,
    method: method as string,
    args,
    caller: checkCaller(caller, `${field}.caller`),
  };
}

function checkCaller(value: unknown, field: string): CheckedTransaction['caller'] {
  if (typeof value !== 'object' || value === null)
    throw invalidArgument(field, 'must be an object');
  if ('error' in value) {
    const { error } = value as { error: unknown };
    const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as Record<
      string,
      unknown
    >;
    if (typeof code !== 'string' || !limits.ERROR_CODE.test(code)) {
      throw invalidArgument(`${field}.error.code`, `must match ${limits.ERROR_CODE.source}`);
    }
    if (typeof message !== 'string') {
      throw invalidArgument(`${field}.error.message`, 'must be a string');
    }
    return Object.freeze({ error: Object.freeze({ code, message }) });
  }
  const { org, name, kind, roles, certificate } = value as Record<keyof Caller, unknown>;
  if (typeof org !== 'string') throw invalidArgument(`${field}.org`, 'must be a string');
  if (typeof name !== 'string') throw invalidArgument(`${field}.name`, 'must be a string');
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    throw invalidArgument(`${field}.kind`, `must be one of ${KINDS.join(', ')}`);
  }
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw invalidArgument(`${field}.roles`, 'must be an array of strings');
  }
  if (!isBytes(certificate) || certificate.length !== 32) {
    throw invalidArgument(`${field}.certificate`, 'must be a 32-byte Uint8Array');
  }
  // A copy per transaction: what one contract call could change is never seen by another.
  return Object.freeze({
    org,
    name,
    kind: kind as Caller['kind'],
    roles: Object.freeze([...(roles as string[])]),
    certificate: copyBytes(certificate),
  });
}
