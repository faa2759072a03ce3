/**
 * The contract API: what a vertical's on-chain rules see (docs/architecture.md, "contract").
 *
 * A contract is `{ name, version, methods }`; each method is a pure function of (ctx, args).
 * The execution layer builds the `ContractContext` (caller, block, scoped state, events) for
 * each transaction. Contracts must be deterministic: no clock, no randomness, no I/O, no
 * floating point in anything stored; the block time and the transaction id are the only time
 * and entropy.
 */

/** Who signed the transaction being executed (resolved from its registered certificate). */
export interface Caller {
  /** Organisation identifier of the signer's certificate issuer. */
  readonly org: string;
  /** The subject common name of the signer's certificate. */
  readonly name: string;
  /** `user`, `service` or `node` (docs/spec/identity.md §2.2). */
  readonly kind: 'user' | 'service' | 'node';
  /** Roles carried by the signer's certificate. */
  readonly roles: readonly string[];
  /** SHA-256 of the certificate's tbsCertificate (32 bytes): what `SignerRef.cert` names. */
  readonly certificate: Uint8Array;
}

/** The block a transaction executes in: the only source of time for a contract. */
export interface BlockInfo {
  readonly height: bigint;
  /** Block time in milliseconds since the Unix epoch, agreed by consensus. */
  readonly timeMs: bigint;
}

/** A range of keys, in unsigned byte order. */
export interface RangeOptions {
  /** Only keys starting with these bytes. */
  readonly prefix?: Uint8Array;
  /** Inclusive lower bound. */
  readonly start?: Uint8Array;
  /** Exclusive upper bound. */
  readonly end?: Uint8Array;
  /** Highest keys first. */
  readonly reverse?: boolean;
  /** At most this many entries (default and maximum: `MAX_RANGE_ENTRIES`). */
  readonly limit?: number;
}

export interface StateEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** The most entries one range scan returns. */
export const MAX_RANGE_ENTRIES = 1000;
/** State keys are 1..256 bytes. */
export const MAX_STATE_KEY_BYTES = 256;
/** A state value is at most 64 KiB. */
export const MAX_STATE_VALUE_BYTES = 64 * 1024;

/**
 * The contract's view of world state, scoped to its own key space: a key of one contract can
 * never be read or written by another. Reads see the transaction's own earlier writes.
 */
export interface ContractState {
  get(key: Uint8Array): Uint8Array | undefined;
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  /** Entries in key order (or reverse), at most `limit`. */
  range(options?: RangeOptions): readonly StateEntry[];
}

/**
 * An event emitted by a method; projected into read models once its block commits. `type` is
 * dotted lower-case words (`invoice.issued`); `data` a CBOR value of the profile
 * (docs/spec/encoding.md: maps with text keys, integers as bigint, bytes, text, lists, bool, null).
 */
export interface ContractEvent {
  readonly type: string;
  readonly data: unknown;
}

export interface ContractContext {
  readonly caller: Caller;
  readonly block: BlockInfo;
  /** The id of the transaction being executed (32 bytes). */
  readonly txId: Uint8Array;
  readonly state: ContractState;
  emit(event: ContractEvent): void;
}

/**
 * A method: a pure, deterministic function of (ctx, args). `args` is the transaction's decoded
 * CBOR value, untrusted: the method validates it (throwing `ContractError('invalid-args', …)`).
 * It fails by throwing `ContractError`; anything else thrown is a bug and fails the
 * transaction with code `contract-fault`. A failing transaction changes nothing.
 */
export type ContractMethod<Args = never, Result = void> = (
  ctx: ContractContext,
  args: Args,
) => Result;

/** A typed failure of a contract method; `code` is kebab-case and goes into the receipt. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

export interface ContractDefinition {
  /** Lower-case identifier, also the vertical's URL segment, e.g. `invoice`. */
  readonly name: string;
  /** Positive integer, raised on every change of the rules. */
  readonly version: number;
  readonly methods: Readonly<Record<string, ContractMethod<never, unknown>>>;
  /**
   * Roles a signer must hold (any one of them) to call each method; a method not listed is
   * open to every member. Checked at admission and again at execution.
   */
  readonly access?: Readonly<Record<string, readonly string[]>>;
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
const ROLE = /^[a-z][a-z0-9-]{0,62}$/;

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
  for (const [method, roles] of Object.entries(definition.access ?? {})) {
    if (!(method in definition.methods)) {
      throw new ContractDefinitionError(`access.${method}`, 'names no method');
    }
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLE.test(r))) {
      throw new ContractDefinitionError(
        `access.${method}`,
        `must list roles matching ${ROLE.source}`,
      );
    }
  }
  return Object.freeze({
    ...definition,
    methods: Object.freeze({ ...definition.methods }),
    ...(definition.access ? { access: Object.freeze({ ...definition.access }) } : {}),
  });
}
