/**
 * The stateless and cheap rules of admission, one function each, in the order admission applies
 * them: a transaction that breaks a cheap rule never costs a certificate check or a signature.
 */
import { type CborValue, CodecError } from '../codec';
import type { ContractDefinition } from '../contract';
import { Transaction, limits } from '../types';
import { AdmissionError } from './admission-error';

const SYSTEM_CONTRACT = 'system';
const REGISTER_CERTIFICATE = 'registerCertificate';

/** Untrusted bytes → a transaction of the encoding (total: any other input is refused). */
export function decodeTransaction(bytes: Uint8Array): Transaction {
  if (bytes.length > limits.MAX_TRANSACTION_BYTES) {
    throw new AdmissionError(
      'oversized',
      `transaction of ${bytes.length} bytes is over the ${limits.MAX_TRANSACTION_BYTES}-byte limit`,
    );
  }
  try {
    return Transaction.decode(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    throw codecRefusal(error);
  }
}

/** A codec refusal as admission reports it: size limits are `oversized`, the rest `malformed`. */
export function codecRefusal(error: CodecError): AdmissionError {
  const tooLarge = error.code === 'too-large' || /more than \d+ bytes/.test(error.message);
  return new AdmissionError(
    tooLarge ? 'oversized' : 'malformed',
    `not a transaction: ${error.message}`,
    { field: error.path, cause: error },
  );
}

export function requireChain(chainId: string, expected: string, field: string): void {
  if (chainId !== expected) {
    throw new AdmissionError(
      'wrong-chain',
      `chain id ${JSON.stringify(chainId)} is not this chain's ${JSON.stringify(expected)}`,
      { field },
    );
  }
}

/** The contract called, which must exist and have the method. */
export function requireMethod(
  tx: Transaction,
  contracts: ReadonlyMap<string, ContractDefinition>,
): ContractDefinition {
  const { contract, method } = tx.body;
  const definition = contracts.get(contract);
  if (definition === undefined) {
    throw new AdmissionError('unknown-contract', `no contract named ${contract} on this chain`, {
      field: 'body.contract',
    });
  }
  if (!Object.hasOwn(definition.methods, method)) {
    throw new AdmissionError(
      'unknown-method',
      `contract ${contract} (version ${definition.version}) has no method ${method}`,
      { field: 'body.method' },
    );
  }
  return definition;
}

/**
 * `committedHeight + 1 ≤ expiryHeight ≤ committedHeight + maxTtlBlocks`: the next block is the
 * first that could include it, and a bounded TTL bounds how long replay protection must remember
 * an id (a committed id need only be remembered until its expiry passes).
 */
export function requireExpiryInWindow(
  tx: Transaction,
  committedHeight: bigint,
  maxTtlBlocks: bigint,
): void {
  const { expiryHeight } = tx.body;
  if (expiryHeight <= committedHeight) {
    throw new AdmissionError(
      'expired',
      `expiry height ${expiryHeight} is not above the committed height ${committedHeight}`,
      { field: 'body.expiryHeight' },
    );
  }
  const latest = committedHeight + maxTtlBlocks;
  if (expiryHeight > latest) {
    throw new AdmissionError(
      'ttl-too-long',
      `expiry height ${expiryHeight} is beyond ${latest} (committed height ${committedHeight} + at most ${maxTtlBlocks} blocks)`,
      { field: 'body.expiryHeight' },
    );
  }
}

/** The member must hold one of the roles `access` lists for the method (none listed: open). */
export function requireRole(
  tx: Transaction,
  definition: ContractDefinition,
  roles: readonly string[],
): void {
  const { method, contract } = tx.body;
  const required =
    definition.access !== undefined && Object.hasOwn(definition.access, method)
      ? definition.access[method]
      : undefined;
  if (required === undefined || required.some((role) => roles.includes(role))) return;
  throw new AdmissionError(
    'forbidden',
    `${contract}.${method} requires one of the roles ${required.join(', ')}; the signer holds ${roles.join(', ') || 'none'}`,
    { field: 'body.method' },
  );
}

/** Whether the transaction is `system.registerCertificate`, which carries its own certificate. */
export function isRegisterCertificate(tx: Transaction): boolean {
  return tx.body.contract === SYSTEM_CONTRACT && tx.body.method === REGISTER_CERTIFICATE;
}

/** The DER certificate in the args of `system.registerCertificate { certificate }`. */
export function carriedCertificate(tx: Transaction): Uint8Array {
  const args = tx.body.args;
  const value =
    typeof args === 'object' &&
    args !== null &&
    !(args instanceof Uint8Array) &&
    !Array.isArray(args)
      ? (args as { readonly [key: string]: CborValue })['certificate']
      : undefined;
  if (!(value instanceof Uint8Array)) {
    throw new AdmissionError(
      'malformed',
      'system.registerCertificate needs args { certificate: DER bytes }',
      { field: 'body.args.certificate' },
    );
  }
  return value;
}
