/**
 * The host side of one transaction: the `ContractContext` its method sees. State is scoped to
 * the contract's key space (`utf8(contract) ‖ 0x00`, see state-key.ts) over the transaction's
 * own overlay, every argument is checked and every call metered before it reaches the state,
 * and bytes are copied in and out (the overlay copies; the context adds none of its own
 * buffers), so a contract can keep no reference that changes state after the fact. Once the
 * transaction ends the context is closed: a contract that stashed it cannot use it later.
 */
import { type CborValue, DEFAULT_LIMITS, decodeValue, encodeValue, isBytes } from '../codec';
import {
  type BlockInfo,
  type Caller,
  ContractError,
  type ContractContext,
  type ContractEvent,
  type ContractState,
  MAX_RANGE_ENTRIES,
  MAX_STATE_KEY_BYTES,
  MAX_STATE_VALUE_BYTES,
  type RangeOptions,
  type StateEntry,
} from '../contract';
import { Event, limits } from '../types';
import { ExecutionError } from './execution-error';
import { type CheckedRange, checkRange } from './key-range';
import { type Meter, STEP_COSTS } from './metering';
import type { StateOverlay } from './state-overlay';
import { copyBytes, prefixEnd } from '../codec';
import type { EncodedEvent } from './receipt-bytes';
import { concat, contractKeyPrefix } from './state-key';

/** One transaction's view of the block: its contract, signer, block, id, overlay and meter. */
export interface TransactionHostOptions {
  readonly contract: string;
  /** Frozen copies: the host hands them to the contract as they are. */
  readonly caller: Caller;
  readonly block: BlockInfo;
  readonly txId: Uint8Array;
  /** The transaction's own overlay (a child of the block's). */
  readonly overlay: StateOverlay;
  readonly meter: Meter;
}

/** A read of the parent state that threw: a storage failure, not the contract's. */
export interface StorageFailure {
  readonly operation: 'get' | 'range';
  readonly error: unknown;
}

/** Builds and serves one transaction's `ContractContext`; see the file comment. */
export class TransactionHost {
  /** What the contract's method is called with. */
  readonly context: ContractContext;
  /** Events emitted so far (checked, copied, with the contract's name). */
  readonly events: Event[] = [];
  /** The same events with their data's encoding, for the receipt's (see receipt-bytes.ts). */
  readonly encodedEvents: EncodedEvent[] = [];
  private readonly prefix: Uint8Array;
  private readonly contract: string;
  private readonly overlay: StateOverlay;
  private readonly meter: Meter;
  private closed = false;
  private storage: StorageFailure | undefined;

  constructor(opts: TransactionHostOptions) {
    this.contract = opts.contract;
    this.prefix = contractKeyPrefix(opts.contract);
    this.overlay = opts.overlay;
    this.meter = opts.meter;
    const state: ContractState = Object.freeze({
      get: (key: Uint8Array) => this.get(key),
      put: (key: Uint8Array, value: Uint8Array) => this.put(key, value),
      delete: (key: Uint8Array) => this.delete(key),
      range: (options?: RangeOptions) => this.range(options),
    });
    this.context = Object.freeze({
      caller: opts.caller,
      block: opts.block,
      txId: copyBytes(opts.txId),
      state,
      emit: (event: ContractEvent) => this.emit(event),
    });
  }

  /** The first read of the parent state that threw, if any: the block cannot be executed. */
  get storageFailure(): StorageFailure | undefined {
    return this.storage;
  }

  /** Ends the transaction: every later call through the context throws. */
  close(): void {
    this.closed = true;
  }

  private get(key: unknown): Uint8Array | undefined {
    this.enter();
    const k = this.checkKey(key);
    this.meter.charge(STEP_COSTS.get + STEP_COSTS.readByte * k.length);
    const full = concat(this.prefix, k);
    // The overlays' own buffer (or the store's): charged, then copied once for the contract.
    const found = this.read('get', () => this.overlay.lookup(full));
    if (found === undefined) return undefined;
    const value = copyBytes(found);
    this.meter.charge(STEP_COSTS.readByte * value.length);
    return value;
  }

  private put(key: unknown, value: unknown): void {
    this.enter();
    const k = this.checkKey(key);
    const v = isBytes(value) ? copyBytes(value) : undefined;
    if (v === undefined || v.length > MAX_STATE_VALUE_BYTES) {
      this.meter.fail(
        'invalid-state-access',
        `a state value must be a Uint8Array of at most ${MAX_STATE_VALUE_BYTES} bytes` +
          (v === undefined ? `, got ${describe(value)}` : `, got ${v.length} bytes`),
      );
    }
    this.meter.chargeWrite(STEP_COSTS.put, k.length + v.length);
    // Both buffers are this host's fresh copies, checked: the overlay takes them as they are.
    this.overlay.writeOwned(concat(this.prefix, k), v);
  }

  private delete(key: unknown): void {
    this.enter();
    const k = this.checkKey(key);
    this.meter.chargeWrite(STEP_COSTS.delete, k.length);
    this.overlay.writeOwned(concat(this.prefix, k), null);
  }

  private range(options: unknown): readonly StateEntry[] {
    this.enter();
    let checked: CheckedRange;
    try {
      checked = checkRange(
        options,
        'range options',
        MAX_RANGE_ENTRIES,
        MAX_RANGE_ENTRIES,
        MAX_STATE_KEY_BYTES,
      );
    } catch (error) {
      if (!(error instanceof ExecutionError)) throw error;
      this.meter.fail('invalid-state-access', error.message.replace(/^execution: /, ''));
    }
    this.meter.charge(STEP_COSTS.range);
    const { interval, reverse, limit } = checked;
    if (interval === null || limit === 0) return [];
    // The same interval in the full key space, inside this contract's prefix.
    const start = interval.lower === undefined ? this.prefix : concat(this.prefix, interval.lower);
    const end =
      interval.upper === undefined ? prefixEnd(this.prefix)! : concat(this.prefix, interval.upper);
    const found = this.read('range', () =>
      this.overlay.range({ start, end, limit, ...(reverse ? { reverse } : {}) }),
    );
    const out: StateEntry[] = [];
    for (const entry of found) {
      const key = entry.key.slice(this.prefix.length); // the overlay's fresh copy: a plain array
      this.meter.charge(
        STEP_COSTS.rangeEntry + STEP_COSTS.readByte * (key.length + entry.value.length),
      );
      out.push({ key, value: entry.value });
    }
    return out;
  }

  private emit(event: unknown): void {
    this.enter();
    if (typeof event !== 'object' || event === null) {
      this.meter.fail('invalid-event', `an event must be { type, data }, got ${describe(event)}`);
    }
    // Each property is read once: what is checked is what is recorded.
    const { type, data } = event as ContractEvent;
    if (typeof type !== 'string' || type.length > 128 || !limits.EVENT_TYPE.test(type)) {
      this.meter.fail(
        'invalid-event',
        `event type must be dotted lower-case words (${limits.EVENT_TYPE.source}, ≤ 128 characters), got ${typeof type === 'string' ? JSON.stringify(type.slice(0, 140)) : describe(type)}`,
      );
    }
    let encoded: Uint8Array;
    try {
      encoded = encodeValue(data as CborValue);
    } catch (error) {
      this.meter.fail(
        'invalid-event',
        `event ${type}: data is not a CBOR profile value: ${messageOf(error)}`,
      );
    }
    if (encoded.length > limits.MAX_EVENT_DATA_BYTES) {
      this.meter.fail(
        'invalid-event',
        `event ${type}: data encodes to ${encoded.length} bytes, more than ${limits.MAX_EVENT_DATA_BYTES}`,
      );
    }
    this.meter.chargeEvent(encoded.length);
    // The contract name is the registry's and the type was checked above: what is left of
    // Event.validateBasic is the data, whose encoding just succeeded within the size limit.
    this.events.push(recordedEvent(this.contract, type, encoded));
    // `encoded` is the writer's fresh copy, which no one else holds; the recorded event's data
    // is decoded from it.
    this.encodedEvents.push({ contract: this.contract, type, data: encoded });
  }

  /** Refuses calls once the transaction is over, or once it has failed in the host. */
  private enter(): void {
    if (this.closed) {
      throw new ContractError(
        'invalid-state-access',
        'this context belongs to a transaction that has ended',
      );
    }
    this.meter.check();
  }

  /** A copy of `key` if it is a valid contract key; else the transaction fails. */
  private checkKey(key: unknown): Uint8Array {
    // Copy first: the length checked is then the length used, whatever the argument claims.
    const k = isBytes(key) ? copyBytes(key) : undefined;
    if (k === undefined || k.length < 1 || k.length > MAX_STATE_KEY_BYTES) {
      this.meter.fail(
        'invalid-state-access',
        `a state key must be a Uint8Array of 1..${MAX_STATE_KEY_BYTES} bytes` +
          (k === undefined ? `, got ${describe(key)}` : `, got ${k.length} bytes`),
      );
    }
    return k;
  }

  /** Runs a read of the state, recording a failure of the store under it. */
  private read<T>(operation: 'get' | 'range', run: () => T): T {
    try {
      return run();
    } catch (error) {
      this.storage ??= { operation, error };
      throw error;
    }
  }
}

/** A short description of a bad argument's type, for messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The event as recorded: its data is the decoding of `encoded`, a copy the contract holds no
 * part of, in the form every validator sees (integers as bigint) whatever the contract built
 * it from. Decoded when first read: most events are only ever stored, from `encoded`. The
 * writer enforces the reader's depth limit and the size was checked, so the decoding cannot
 * fail (the codec's differential tests: what the writer writes, the reader reads).
 */
function recordedEvent(contract: string, type: string, encoded: Uint8Array): Event {
  let data: CborValue | undefined;
  return Object.freeze({
    contract,
    type,
    get data(): CborValue {
      data ??= decodeValue(encoded, { ...DEFAULT_LIMITS, maxBytes: limits.MAX_EVENT_DATA_BYTES });
      return data;
    },
  });
}
