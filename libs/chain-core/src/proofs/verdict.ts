/**
 * What a verified bundle proves, and its JSON form (for the CLI's `--json`, the browser and
 * anything else that cannot carry bigints and bytes): integers as decimal strings, bytes as
 * lower-case hex.
 */
import { toHex } from '../codec';
import type { SuiteId } from '../crypto/portable';
import type { Event, ReceiptError } from '../types';

/** What every verdict says: whose chain, which committed block, certified by whom. */
interface VerdictBase {
  readonly chainId: string;
  readonly suite: SuiteId;
  /** Epoch changes followed from genesis to reach the proof's epoch. */
  readonly epochChanges: number;
  /** The epoch of the committed block. */
  readonly epoch: bigint;
  /** The committed block the proof is about. */
  readonly height: bigint;
  readonly blockHash: Uint8Array;
  /** The block's time as its proposer stated it (milliseconds since 1970; consensus keeps it increasing). */
  readonly timestampMs: bigint;
  /** Distinct validators of `epoch` whose signatures certify it, the quorum, the set's size. */
  readonly signers: number;
  readonly quorum: number;
  readonly validators: number;
}

/** A receipt proven under the `receiptRoot` of the child of the transaction's block. */
export interface ReceiptVerdict {
  readonly status: 'ok' | 'failed';
  readonly error: ReceiptError | null;
  readonly events: readonly Event[];
  readonly steps: bigint;
  /** The committed header whose `receiptRoot` holds it (the child of the transaction's block). */
  readonly committedAtHeight: bigint;
  readonly signers: number;
  readonly quorum: number;
}

/** Transaction `txId` is leaf `index` of committed block `height`'s transactions. */
export interface TransactionVerdict extends VerdictBase {
  readonly kind: 'transaction';
  readonly txId: Uint8Array;
  readonly index: bigint;
  readonly receipt: ReceiptVerdict | null;
}

/**
 * `contract`'s `key` held `value` (null: was absent) after executing committed block
 * `asOfHeight` (= `height`); the root is in the header above it.
 */
export interface StateVerdict extends VerdictBase {
  readonly kind: 'state';
  readonly contract: string;
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  readonly asOfHeight: bigint;
}

export type ProofVerdict = TransactionVerdict | StateVerdict;

/** A JSON value (what `verdictToJson` returns is made of these). */
export type VerdictJsonValue =
  null | boolean | number | string | VerdictJsonValue[] | { [key: string]: VerdictJsonValue };

/**
 * A verdict value as JSON: bigint → decimal string, bytes → hex, arrays and objects (records,
 * event data maps) member by member. Verdicts hold nothing else.
 */
function toJson(value: unknown): VerdictJsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(toJson);
  const out: { [key: string]: VerdictJsonValue } = {};
  for (const [key, item] of Object.entries(value as object)) out[key] = toJson(item);
  return out;
}

/** The verdict as plain JSON (see the file comment for the mapping). */
export function verdictToJson(verdict: ProofVerdict): { [key: string]: VerdictJsonValue } {
  return toJson(verdict) as { [key: string]: VerdictJsonValue };
}
