/**
 * The contract API: what a vertical's on-chain rules see (docs/architecture.md, "contract").
 *
 * A contract is `{ name, version, methods }`; each method is a pure function of (ctx, args).
 * Only the shape and its validation live here for now: the execution engine that builds a
 * real `ContractContext` (caller certificate, block, state overlay, events) comes with the
 * node (issue 5). Contracts must be deterministic: no clock, no randomness, no I/O.
 */

/** Who signed the transaction being executed. */
export interface Caller {
  /** Organisation identifier of the signer's certificate issuer. */
  readonly org: string;
  /** Roles carried by the signer's certificate. */
  readonly roles: readonly string[];
}

/** The block a transaction executes in: the only source of time for a contract. */
export interface BlockInfo {
  readonly height: bigint;
  /** Block time in milliseconds since the Unix epoch, agreed by consensus. */
  readonly timeMs: bigint;
}

/** The contract's view of world state, scoped to its own key space. */
export interface ContractState {
  get(key: Uint8Array): Uint8Array | undefined;
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** An event emitted by a method; projected into read models once its block commits. */
export interface ContractEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ContractContext {
  readonly caller: Caller;
  readonly block: BlockInfo;
  readonly state: ContractState;
  emit(event: ContractEvent): void;
}

export type ContractMethod<Args = never, Result = void> = (
  ctx: ContractContext,
  args: Args,
) => Result;

export interface ContractDefinition {
  /** Lower-case identifier, also the vertical's URL segment, e.g. `invoice`. */
  readonly name: string;
  /** Positive integer, raised on every change of the rules. */
  readonly version: number;
  readonly methods: Readonly<Record<string, ContractMethod<never, unknown>>>;
}

/** A contract definition failed validation; `field` names the offending part. */
export class ContractDefinitionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`invalid contract definition: ${field} ${message}`);
    this.name = 'ContractDefinitionError';
  }
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const METHOD = /^[a-z][A-Za-z0-9]{0,62}$/;

/** Validates and freezes a contract definition, naming the first bad field. */
export function defineContract<T extends ContractDefinition>(definition: T): Readonly<T> {
  if (!NAME.test(definition.name)) {
    throw new ContractDefinitionError(
      'name',
      `must match ${NAME.source}, got ${JSON.stringify(definition.name)}`,
    );
  }
  if (!Number.isSafeInteger(definition.version) || definition.version < 1) {
    throw new ContractDefinitionError(
      'version',
      `must be a positive integer, got ${String(definition.version)}`,
    );
  }
  for (const [method, fn] of Object.entries(definition.methods)) {
    if (!METHOD.test(method)) {
      throw new ContractDefinitionError(`methods.${method}`, `name must match ${METHOD.source}`);
    }
    if (typeof fn !== 'function') {
      throw new ContractDefinitionError(`methods.${method}`, 'must be a function');
    }
  }
  return Object.freeze({ ...definition, methods: Object.freeze({ ...definition.methods }) });
}
