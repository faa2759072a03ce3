/**
 * Deterministic metering. Contracts are trusted code compiled into the node, so what is metered
 * is what they ask of the host — every state access and event, priced by its bytes — not their
 * own CPU time, which no two machines would measure alike. Every validator charges the same
 * steps for the same calls and so fails the same transactions at the same point.
 *
 * A limit, once exceeded, is sticky: the failure is recorded, every later host call throws it
 * again, and the transaction fails with it even if the contract caught the throw. The same holds
 * for an invalid argument to the host (`invalid-state-access`, `invalid-event`).
 */
import { ContractError } from '../contract';
import { limits as typeLimits } from '../types';
import { invalidArgument } from './execution-error';

/** Per-transaction budgets. */
export interface ExecutionLimits {
  /** Steps (priced by `STEP_COSTS`) one transaction may use, the call itself included. */
  readonly maxStepsPerTransaction: number;
  /** Bytes one transaction may write: key + value of each put, the key of each delete. */
  readonly maxWriteBytesPerTransaction: number;
  /** Events one transaction may emit (at most `MAX_RECEIPT_EVENTS`). */
  readonly maxEventsPerTransaction: number;
  /** Total encoded event data of one transaction (at most `MAX_EVENT_BYTES_CAP`). */
  readonly maxEventBytesPerTransaction: number;
}

/**
 * Largest accepted `maxEventBytesPerTransaction`: with at most 256 events of < 200 bytes of
 * envelope each, a receipt then stays well under its 4 MiB encoding limit.
 */
export const MAX_EVENT_BYTES_CAP = 3 * 1024 * 1024;

/**
 * The defaults: room for ~16 full-size (64 KiB) writes or thousands of small ones, 64 events.
 * The step budget is a little above what the write budget alone costs, so that the write limit
 * is usually the one a write-heavy transaction meets.
 */
export const DEFAULT_EXECUTION_LIMITS: ExecutionLimits = Object.freeze({
  maxStepsPerTransaction: 10_000_000,
  maxWriteBytesPerTransaction: 1024 * 1024,
  maxEventsPerTransaction: 64,
  maxEventBytesPerTransaction: 256 * 1024,
});

/**
 * The price list, in steps. Writes cost more per byte than reads (they end up in every
 * validator's store and state tree); each call has a fixed part for the host's bookkeeping.
 */
export const STEP_COSTS = Object.freeze({
  /** Every transaction that reaches its method, plus `argsByte` per byte of encoded args. */
  call: 1_000,
  argsByte: 1,
  /** `get`: fixed, plus `readByte` per byte of key and of the value found. */
  get: 100,
  readByte: 1,
  /** `put`/`delete`: fixed, plus `writeByte` per byte of key (and value). */
  put: 200,
  delete: 200,
  writeByte: 5,
  /** `range`: fixed per scan, per entry returned, plus `readByte` per byte of each entry. */
  range: 100,
  rangeEntry: 20,
  /** `emit`: fixed, plus `eventByte` per byte of the event's encoded data. */
  emit: 200,
  eventByte: 5,
});

/** Why the host failed a transaction (its own checks, not the contract's). */
export type HostFailureCode =
  'step-limit' | 'write-limit' | 'event-limit' | 'invalid-state-access' | 'invalid-event';

/** What the host throws into a contract; a `ContractError`, so contracts that rethrow those keep it. */
export class HostFailure extends ContractError {
  constructor(
    override readonly code: HostFailureCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'HostFailure';
  }
}

/** The limits with `overrides` applied, each checked. */
export function resolveLimits(overrides: Partial<ExecutionLimits> | undefined): ExecutionLimits {
  if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null)) {
    throw invalidArgument('opts.limits', 'must be an object');
  }
  const merged = { ...DEFAULT_EXECUTION_LIMITS, ...overrides };
  const maxima: Record<keyof ExecutionLimits, number> = {
    maxStepsPerTransaction: Number.MAX_SAFE_INTEGER,
    maxWriteBytesPerTransaction: Number.MAX_SAFE_INTEGER,
    maxEventsPerTransaction: typeLimits.MAX_RECEIPT_EVENTS,
    maxEventBytesPerTransaction: MAX_EVENT_BYTES_CAP,
  };
  for (const [name, max] of Object.entries(maxima) as [keyof ExecutionLimits, number][]) {
    const value = merged[name];
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      throw invalidArgument(`opts.limits.${name}`, `must be an integer in 1..${max}, got ${value}`);
    }
  }
  return Object.freeze(merged);
}

/** One transaction's meter. */
export class Meter {
  private used = 0;
  private written = 0;
  private eventCount = 0;
  private eventBytes = 0;
  private failure: HostFailure | undefined;

  constructor(private readonly limits: ExecutionLimits) {}

  /** Steps used so far (at most the limit: the charge that crossed it is cut off there). */
  get steps(): bigint {
    return BigInt(Math.min(this.used, this.limits.maxStepsPerTransaction));
  }

  /** The first failure recorded, if any: it decides the transaction's receipt. */
  get failed(): HostFailure | undefined {
    return this.failure;
  }

  /** Throws the recorded failure, if there is one. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Adds `steps`; fails with `step-limit` when the total crosses the limit. */
  charge(steps: number): void {
    this.check();
    this.used += steps;
    const max = this.limits.maxStepsPerTransaction;
    if (this.used > max) this.fail('step-limit', `the transaction needs more than ${max} steps`);
  }

  /** Counts `bytes` written, then charges for them. */
  chargeWrite(fixed: number, bytes: number): void {
    this.check();
    this.written += bytes;
    const max = this.limits.maxWriteBytesPerTransaction;
    if (this.written > max) {
      this.fail('write-limit', `the transaction writes ${this.written} bytes, more than ${max}`);
    }
    this.charge(fixed + STEP_COSTS.writeByte * bytes);
  }

  /** Counts one event of `bytes` encoded data, then charges for it. */
  chargeEvent(bytes: number): void {
    this.check();
    this.eventCount++;
    this.eventBytes += bytes;
    const { maxEventsPerTransaction: maxCount, maxEventBytesPerTransaction: maxBytes } =
      this.limits;
    if (this.eventCount > maxCount) {
      this.fail('event-limit', `the transaction emits more than ${maxCount} events`);
    }
    if (this.eventBytes > maxBytes) {
      this.fail(
        'event-limit',
        `the transaction emits ${this.eventBytes} bytes of event data, more than ${maxBytes}`,
      );
    }
    this.charge(STEP_COSTS.emit + STEP_COSTS.eventByte * bytes);
  }

  /** Records `code` as the transaction's failure (unless one is recorded) and throws it. */
  fail(code: HostFailureCode, message: string): never {
    this.failure ??= new HostFailure(code, message);
    throw this.failure;
  }
}
