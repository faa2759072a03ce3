/**
 * Committed blocks and their events as the event stream (`GET /v1/events`) carries them: one
 * JSON text message per block, `{"kind":"block", height, hash, timestampMs, events}`, or
 * `{"kind":"error", code, detail}` before the node closes a bad subscription. Parsed strictly
 * here; {@link blockMessage} writes the same form.
 */
import { fromHex, limits, toHex } from '@trellis/chain-core';
import { invalidArgument } from './errors';
import { ResponseProblem, indexAt, objectAt, parseJson, stringAt, u64At } from './responses';

export interface ChainEvent {
  /** Lower-case hex id of the transaction that emitted it. */
  readonly txId: string;
  /** Position of that transaction in the block. */
  readonly txIndex: number;
  /** Position of the event in its transaction's receipt. */
  readonly eventIndex: number;
  readonly contract: string;
  readonly type: string;
  /** The data in JSON form: bytes → hex, bigint → decimal string. */
  readonly data: unknown;
  /** The data's canonical CBOR, exactly as the contract emitted it. */
  readonly dataCbor: Uint8Array;
}

export interface ChainBlock {
  readonly height: bigint;
  /** Lower-case hex of the block hash. */
  readonly hash: string;
  readonly timestampMs: bigint;
  /** The block's events that pass the subscription's filter, in (txIndex, eventIndex) order. */
  readonly events: readonly ChainEvent[];
}

/** Which events a subscription or projection wants; absent lists mean "all". */
export interface EventFilter {
  /** Contract names, matched exactly. */
  readonly contracts?: readonly string[];
  /** Event types, matched exactly, or as a prefix when ending in `*` (`invoice.*`). */
  readonly types?: readonly string[];
}

export type StreamMessage =
  | { readonly kind: 'block'; readonly block: ChainBlock }
  | { readonly kind: 'error'; readonly code: string; readonly detail: string };

const HEX32 = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})*$/;
/** A type pattern: an event type, or a prefix of one followed by `*`. */
const TYPE_PATTERN = /^(?:[a-z][a-z0-9.-]{0,127}\*?|\*)$/;

/** Validates a filter (naming the bad entry) and returns it with frozen copies of its lists. */
export function checkEventFilter(filter: unknown, field = 'filter'): EventFilter {
  if (filter === undefined) return {};
  if (typeof filter !== 'object' || filter === null) {
    throw invalidArgument(field, 'expected { contracts?, types? }');
  }
  const { contracts, types } = filter as EventFilter;
  const list = (value: unknown, name: string, ok: (entry: string) => boolean) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
      throw invalidArgument(`${field}.${name}`, 'expected a non-empty array (omit it for all)');
    }
    value.forEach((entry: unknown, i: number) => {
      if (typeof entry !== 'string' || !ok(entry)) {
        throw invalidArgument(`${field}.${name}[${i}]`, `${JSON.stringify(entry)} is not valid`);
      }
    });
    return Object.freeze([...(value as string[])]);
  };
  const checked: { contracts?: readonly string[]; types?: readonly string[] } = {};
  const c = list(contracts, 'contracts', (entry) => limits.NAME.test(entry));
  const t = list(types, 'types', (entry) => TYPE_PATTERN.test(entry));
  if (c !== undefined) checked.contracts = c;
  if (t !== undefined) checked.types = t;
  return Object.freeze(checked);
}

/** Whether `event` passes `filter` (the node applies the same rule to a subscription). */
export function matchesEventFilter(
  filter: EventFilter,
  event: Pick<ChainEvent, 'contract' | 'type'>,
): boolean {
  if (filter.contracts !== undefined && !filter.contracts.includes(event.contract)) return false;
  if (filter.types === undefined) return true;
  return filter.types.some((pattern) =>
    pattern.endsWith('*') ? event.type.startsWith(pattern.slice(0, -1)) : event.type === pattern,
  );
}

/** Parses one stream message. @throws ResponseProblem naming the field. */
export function parseStreamMessage(text: string): StreamMessage {
  const json = objectAt(parseJson(text), '$');
  if (json['kind'] === 'error') {
    return {
      kind: 'error',
      code: stringAt(json['code'], '$.code'),
      detail: typeof json['detail'] === 'string' ? json['detail'] : '',
    };
  }
  if (json['kind'] !== 'block') throw new ResponseProblem('$.kind is not "block" or "error"');
  if (!Array.isArray(json['events'])) throw new ResponseProblem('$.events is not an array');
  const events = json['events'].map((value: unknown, i: number) => parseEvent(value, i));
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!;
    const b = events[i]!;
    if (a.txIndex > b.txIndex || (a.txIndex === b.txIndex && a.eventIndex >= b.eventIndex)) {
      throw new ResponseProblem(`$.events[${i}] is not after $.events[${i - 1}]`);
    }
  }
  return {
    kind: 'block',
    block: {
      height: u64At(json['height'], '$.height'),
      hash: stringAt(json['hash'], '$.hash', HEX32),
      timestampMs: u64At(json['timestampMs'], '$.timestampMs'),
      events,
    },
  };
}

function parseEvent(value: unknown, i: number): ChainEvent {
  const at = `$.events[${i}]`;
  const json = objectAt(value, at);
  if (!('data' in json)) throw new ResponseProblem(`${at}.data is missing`);
  return {
    txId: stringAt(json['txId'], `${at}.txId`, HEX32),
    txIndex: indexAt(json['txIndex'], `${at}.txIndex`),
    eventIndex: indexAt(json['eventIndex'], `${at}.eventIndex`),
    contract: stringAt(json['contract'], `${at}.contract`, limits.NAME),
    type: stringAt(json['type'], `${at}.type`, limits.EVENT_TYPE),
    data: json['data'],
    dataCbor: fromHex(stringAt(json['dataCbor'], `${at}.dataCbor`, HEX)),
  };
}

/** The stream message of a block: what a node sends, and what test servers play. */
export function blockMessage(block: ChainBlock): string {
  return JSON.stringify({
    kind: 'block',
    height: block.height.toString(),
    hash: block.hash,
    timestampMs: block.timestampMs.toString(),
    events: block.events.map((e) => ({
      txId: e.txId,
      txIndex: e.txIndex,
      eventIndex: e.eventIndex,
      contract: e.contract,
      type: e.type,
      data: e.data,
      dataCbor: toHex(e.dataCbor),
    })),
  });
}
