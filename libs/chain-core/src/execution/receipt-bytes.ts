/**
 * The encoding of a successful transaction's receipt, assembled from the encodings the host
 * already made of its events' data, instead of `Receipt.encode` walking every event's data
 * again. The bytes are exactly `Receipt.encode(receipt)`'s (tested): a receipt is the CBOR
 * array [txId, status, error, events, steps] and an event the array [contract, type, data]
 * (docs/spec/encoding.md), and the encoding of an array is its head followed by the encodings
 * of its items, each of which the codec writes here. Only array heads are taken apart, and
 * those too come from the codec: the head of an n-item array is what precedes n nulls in the
 * encoding of n nulls.
 *
 * Everything `Receipt.encode` would check holds by construction for an ok receipt of the
 * executor: a 32-byte id (checked on entry), status 'ok' with a null error, at most
 * MAX_RECEIPT_EVENTS events each checked by `Event.validateBasic` when emitted, steps a safe
 * integer. Failed receipts are still encoded by `Receipt.encode`.
 */
import { concatBytes, encodeValue } from '../codec';

/** `encodeValue(null)`: one byte. */
const NULL = encodeValue(null);
const OK = encodeValue('ok');

/** Array heads by length (an event list has at most 256 items, so this stays small). */
const arrayHeads = new Map<number, Uint8Array>();

function arrayHead(n: number): Uint8Array {
  let head = arrayHeads.get(n);
  if (head === undefined) {
    const nulls = encodeValue(new Array<null>(n).fill(null));
    head = nulls.slice(0, nulls.length - n * NULL.length);
    arrayHeads.set(n, head);
  }
  return head;
}

/**
 * Event prefixes (`[contract, type, ` of the event's array) by contract and type. Contracts
 * are compiled into the node and emit a fixed set of types, but a bound keeps a contract that
 * builds types from data from growing this without limit: past it, prefixes are not kept.
 */
const eventPrefixes = new Map<string, Map<string, Uint8Array>>();
const MAX_EVENT_PREFIXES = 4096;
let eventPrefixCount = 0;

function eventPrefix(contract: string, type: string): Uint8Array {
  let byType = eventPrefixes.get(contract);
  const known = byType?.get(type);
  if (known !== undefined) return known;
  const whole = encodeValue([contract, type, null]);
  const prefix = whole.slice(0, whole.length - NULL.length);
  if (eventPrefixCount < MAX_EVENT_PREFIXES) {
    if (byType === undefined) eventPrefixes.set(contract, (byType = new Map()));
    byType.set(type, prefix);
    eventPrefixCount++;
  }
  return prefix;
}

/** What an ok receipt is assembled from: per event, its contract, type and encoded data. */
export interface EncodedEvent {
  readonly contract: string;
  readonly type: string;
  /** `encodeValue(event.data)`. */
  readonly data: Uint8Array;
}

/** `Receipt.encode({ txId, status: 'ok', error: null, events, steps })`. */
export function encodeOkReceipt(
  txId: Uint8Array,
  events: readonly EncodedEvent[],
  steps: bigint,
): Uint8Array {
  const parts: Uint8Array[] = [arrayHead(5), encodeValue(txId), OK, NULL, arrayHead(events.length)];
  for (const event of events) parts.push(eventPrefix(event.contract, event.type), event.data);
  parts.push(encodeValue(steps));
  return concatBytes(...parts);
}
