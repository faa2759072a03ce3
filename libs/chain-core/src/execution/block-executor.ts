/**
 * Deterministic execution of a block: its transactions in order, each through its contract's
 * method, over an overlay of the parent state. The outcome — receipts, the state writes, the
 * sparse-tree updates and the receipt root — is a function of (parent state, height, time,
 * transactions) only: same inputs, byte-identical outcome on every validator.
 *
 * Per transaction, in this order: the contract must exist (`unknown-contract`) and have the
 * method (`unknown-method`); the node must have resolved the signer (its error code otherwise);
 * the transaction must be for this chain (`wrong-chain`); the signer must hold one of the
 * method's `access` roles if it lists any (`forbidden`). The method then runs over a child
 * overlay of the block's: a normal return commits that overlay and records the events; any
 * failure drops it, so a failed transaction changes nothing and emits nothing.
 */
import {
  type CborValue,
  DEFAULT_LIMITS,
  HASH_TAGS,
  type HashFn,
  copyDecoded,
  decodeValue,
  encodeValue,
  isBytes,
  taggedHash,
} from '../codec';
import { type BlockInfo, type Caller, type ContractDefinition, defineContract } from '../contract';
import { type SparseUpdate, merkleRoot } from '../merkle';
import type { StateReader, StateWrite } from '../storage';
import { Receipt, type ReceiptError, limits as typeLimits } from '../types';
import { ExecutionError, invalidArgument } from './execution-error';
import { failureOfThrown, receiptMessage } from './failure';
import { type ExecutionLimits, Meter, STEP_COSTS, resolveLimits } from './metering';
import {
  type CheckedTransaction,
  type ResolvedTransaction,
  checkResolved,
} from './resolved-transaction';
import { encodeOkReceipt } from './receipt-bytes';
import { StateOverlay } from './state-overlay';
import { compareBytes } from '../codec';
import { TransactionHost } from './transaction-host';

/** What a chain executes with: its id, its hash, its deployed contracts and budgets. */
export interface BlockExecutorOptions {
  /** This chain's id: transactions signed for another are refused (`wrong-chain`). */
  readonly chainId: string;
  /** The chain's hash (SHA-256 or SM3). */
  readonly hash: HashFn;
  /** The deployed contracts, by distinct name. */
  readonly contracts: readonly ContractDefinition[];
  /** Per-transaction budgets; unset ones take `DEFAULT_EXECUTION_LIMITS`. */
  readonly limits?: Partial<ExecutionLimits>;
}

/** One block to execute: the state under it, its height and time, its resolved transactions. */
export interface ExecuteBlockInput {
  /** The state the block executes over: the committed store, or the previous block's overlay. */
  readonly parent: StateReader;
  readonly height: bigint;
  /** Block time, ms since the Unix epoch (the only clock a contract has). */
  readonly timeMs: bigint;
  readonly transactions: readonly ResolvedTransaction[];
}

/** Everything a block's execution produces; a pure function of the `ExecuteBlockInput`. */
export interface BlockOutcome {
  /** One per transaction, in order. */
  readonly receipts: readonly Receipt[];
  /** The block's writes over `parent` (the node chains the next block on it). */
  readonly overlay: StateOverlay;
  /** `overlay.writes()`: sorted by full key, one per key. */
  readonly writes: readonly StateWrite[];
  /**
   * The writes as sparse Merkle tree updates: key = taggedHash(hash, HASH_TAGS.stateKey,
   * fullKey), value = the value bytes or null; sorted by tree key.
   */
  readonly stateUpdates: readonly SparseUpdate[];
  /** `receipts.map(Receipt.encode)`: encoded once, for the root and for storage. */
  readonly encodedReceipts: readonly Uint8Array[];
  /** merkleRoot(hash, encodedReceipts) (RFC 9162; the empty tree's root for none). */
  readonly receiptRoot: Uint8Array;
  readonly receiptCount: bigint;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Executes blocks for one chain. Holds no state between blocks (each call starts from the
 * `parent` it is given), so one executor serves every block, in any order.
 */
export class BlockExecutor {
  readonly chainId: string;
  /** The budgets in force (defaults with the options' overrides). */
  readonly limits: ExecutionLimits;
  private readonly hash: HashFn;
  private readonly contracts: ReadonlyMap<string, ContractDefinition>;

  constructor(opts: BlockExecutorOptions) {
    if (typeof opts !== 'object' || opts === null)
      throw invalidArgument('opts', 'must be an object');
    if (typeof opts.chainId !== 'string' || !typeLimits.NAME.test(opts.chainId)) {
      throw invalidArgument('opts.chainId', `must match ${typeLimits.NAME.source}`);
    }
    this.chainId = opts.chainId;
    this.hash = checkHash(opts.hash, 'opts.hash');
    if (!Array.isArray(opts.contracts)) throw invalidArgument('opts.contracts', 'must be an array');
    const contracts = new Map<string, ContractDefinition>();
    opts.contracts.forEach((definition: unknown, i) => {
      let checked: ContractDefinition;
      try {
        checked = defineContract(definition as ContractDefinition);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw invalidArgument(`opts.contracts[${i}]`, detail);
      }
      if (contracts.has(checked.name)) {
        throw invalidArgument(`opts.contracts[${i}].name`, `"${checked.name}" is deployed twice`);
      }
      contracts.set(checked.name, checked);
    });
    this.contracts = contracts;
    this.limits = resolveLimits(opts.limits);
  }

  /**
   * Executes `transactions` in order over `parent`. Throws only for bad arguments or when the
   * parent state fails to read (`state-unavailable`); every transaction's own failure is a
   * failed receipt.
   */
  executeBlock(input: ExecuteBlockInput): BlockOutcome {
    if (typeof input !== 'object' || input === null)
      throw invalidArgument('input', 'must be an object');
    const { parent, height, timeMs, transactions } = input;
    checkU64(height, 'input.height');
    checkU64(timeMs, 'input.timeMs');
    if (!Array.isArray(transactions))
      throw invalidArgument('input.transactions', 'must be an array');
    let overlay: StateOverlay;
    try {
      overlay = new StateOverlay({ parent });
    } catch {
      throw invalidArgument('input.parent', 'must be a StateReader (get and range)');
    }
    const block: BlockInfo = Object.freeze({ height, timeMs });
    const receipts: Receipt[] = [];
    /** Ok receipts' encodings, assembled as they are made; the others' come after the loop. */
    const assembled: (Uint8Array | undefined)[] = [];
    transactions.forEach((tx: unknown, i) => {
      const { receipt, encoded } = this.executeTransaction(overlay, block, tx, i);
      receipts.push(Object.freeze(receipt));
      assembled.push(encoded);
    });
    const writes = overlay.writes();
    const stateUpdates: SparseUpdate[] = writes
      .map(({ key, value }) => ({ key: taggedHash(this.hash, HASH_TAGS.stateKey, key), value }))
      .sort((a, b) => compareBytes(a.key, b.key));
    const encodedReceipts = receipts.map((receipt, i) => assembled[i] ?? Receipt.encode(receipt));
    return Object.freeze({
      receipts: Object.freeze(receipts),
      overlay,
      writes: Object.freeze(writes),
      stateUpdates: Object.freeze(stateUpdates),
      encodedReceipts: Object.freeze(encodedReceipts),
      receiptRoot: merkleRoot(this.hash, encodedReceipts),
      receiptCount: BigInt(receipts.length),
    });
  }

  private executeTransaction(
    blockOverlay: StateOverlay,
    block: BlockInfo,
    value: unknown,
    index: number,
  ): { receipt: Receipt; encoded?: Uint8Array } {
    const tx = checkResolved(value, `input.transactions[${index}]`);
    const refusal = this.admissionFailure(tx);
    if (refusal !== null) return { receipt: failed(tx.id, refusal, 0n) };
    const { args, argsBytes } = copyArgs(tx.args, `input.transactions[${index}].tx.body.args`);
    const caller = tx.caller as Caller;
    const method = this.contracts.get(tx.contract)!.methods[tx.method]!;
    const meter = new Meter(this.limits);
    const txOverlay = blockOverlay.child();
    const host = new TransactionHost({
      contract: tx.contract,
      caller,
      block,
      txId: tx.id,
      overlay: txOverlay,
      meter,
    });
    const thrown = invoke(() => {
      meter.charge(STEP_COSTS.call + STEP_COSTS.argsByte * argsBytes);
      return method(host.context, args as never);
    });
    host.close();
    const storage = host.storageFailure;
    if (storage !== undefined) {
      const detail = storage.error instanceof Error ? storage.error.message : String(storage.error);
      throw new ExecutionError(
        'state-unavailable',
        { operation: storage.operation, txIndex: index },
        `execution: the parent state failed a ${storage.operation} in transaction ${index}: ${detail}`,
        { cause: storage.error },
      );
    }
    const hostFailure = meter.failed;
    if (hostFailure !== undefined) {
      const error = { code: hostFailure.code, message: receiptMessage(hostFailure.message) };
      return { receipt: failed(tx.id, error, meter.steps) };
    }
    if (thrown !== undefined) {
      return { receipt: failed(tx.id, failureOfThrown(thrown.error), meter.steps) };
    }
    txOverlay.commitInto(blockOverlay);
    const steps = meter.steps;
    return {
      receipt: { txId: tx.id, status: 'ok', error: null, events: host.events, steps },
      // The encoding from the events' encoded data, which `Receipt.encode` would redo.
      encoded: encodeOkReceipt(tx.id, host.encodedEvents, steps),
    };
  }

  /** Why the transaction may not run at all, checked in the documented order; null if it may. */
  private admissionFailure(tx: CheckedTransaction): ReceiptError | null {
    const contract = this.contracts.get(tx.contract);
    if (contract === undefined) {
      return refusal('unknown-contract', `no contract named ${JSON.stringify(tx.contract)}`);
    }
    if (!Object.hasOwn(contract.methods, tx.method)) {
      return refusal(
        'unknown-method',
        `contract ${contract.name} has no method ${JSON.stringify(tx.method)}`,
      );
    }
    if ('error' in tx.caller) return refusal(tx.caller.error.code, tx.caller.error.message);
    if (tx.chainId !== this.chainId) {
      return refusal(
        'wrong-chain',
        `the transaction is for chain ${JSON.stringify(tx.chainId)}, this chain is ${this.chainId}`,
      );
    }
    const access = contract.access;
    const required =
      access !== undefined && Object.hasOwn(access, tx.method) ? access[tx.method] : undefined;
    const { roles, org, name } = tx.caller;
    if (required !== undefined && !roles.some((role) => required.includes(role))) {
      return refusal(
        'forbidden',
        `${contract.name}.${tx.method} needs one of the roles [${required.join(', ')}]; ` +
          `${org}/${name} has [${roles.join(', ')}]`,
      );
    }
    return null;
  }
}

/**
 * The RFC 9162 Merkle root of a block's transaction ids, in order (the header's `txRoot`);
 * the empty tree's root for none.
 * @throws ExecutionError('invalid-argument') naming the bad argument.
 */
export function transactionRoot(hash: HashFn, ids: readonly Uint8Array[]): Uint8Array {
  const h = checkHash(hash, 'hash');
  if (!Array.isArray(ids)) throw invalidArgument('ids', 'must be an array');
  ids.forEach((id: unknown, i) => {
    if (!isBytes(id) || id.length !== 32) throw invalidArgument(`ids[${i}]`, 'must be 32 bytes');
  });
  return merkleRoot(h, ids);
}

function refusal(code: string, message: string): ReceiptError {
  return { code, message: receiptMessage(message) };
}

function failed(txId: Uint8Array, error: ReceiptError, steps: bigint): Receipt {
  return { txId, status: 'failed', error, events: [], steps };
}

/**
 * The args as every validator's contract sees them: decoded from their deterministic encoding
 * (integers as bigint, whatever the node built them from), in a copy the contract may change
 * freely without touching the transaction.
 */
function copyArgs(args: unknown, field: string): { args: CborValue; argsBytes: number } {
  // Args the node decoded (the usual case) are copied as they are, with their known size.
  const copied = copyDecoded(args as CborValue);
  if (copied !== undefined && copied.size <= typeLimits.MAX_ARGS_BYTES) {
    return { args: copied.value, argsBytes: copied.size };
  }
  let encoded: Uint8Array;
  try {
    encoded = encodeValue(args as CborValue);
  } catch (error) {
    throw invalidArgument(field, `not a CBOR profile value: ${(error as Error).message}`);
  }
  if (encoded.length > typeLimits.MAX_ARGS_BYTES) {
    throw invalidArgument(
      field,
      `encodes to ${encoded.length} bytes, more than ${typeLimits.MAX_ARGS_BYTES}`,
    );
  }
  const decoded = decodeValue(encoded, { ...DEFAULT_LIMITS, maxBytes: typeLimits.MAX_ARGS_BYTES });
  return { args: decoded, argsBytes: encoded.length };
}

function checkHash(hash: unknown, field: string): HashFn {
  if (typeof hash !== 'function') throw invalidArgument(field, 'must be a function');
  const digest: unknown = (hash as HashFn)(new Uint8Array(0));
  if (!isBytes(digest) || digest.length !== 32) {
    throw invalidArgument(field, 'must return a 32-byte digest');
  }
  return hash as HashFn;
}

function checkU64(value: unknown, field: string): asserts value is bigint {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
    throw invalidArgument(field, 'must be a bigint in 0..2^64-1');
  }
}

/** Runs a contract method; what it threw (or a fault for a promise), or undefined if it returned. */
function invoke(run: () => unknown): { readonly error: unknown } | undefined {
  try {
    const result = run();
    if (isThenable(result)) {
      // Work after an await would run once the transaction is over: refuse it (and keep a
      // rejection from surfacing as an unhandled one).
      if (result instanceof Promise) result.catch(() => undefined);
      return { error: new Error('the method returned a promise; methods must be synchronous') };
    }
    return undefined;
  } catch (error) {
    return { error };
  }
}

function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
