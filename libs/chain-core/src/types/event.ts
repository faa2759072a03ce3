import { type CborValue, HASH_TAGS, RecordSchema, anyValue, text } from '../codec';
import { type ChainType, chainType } from './chain-type';
import { EVENT_TYPE, MAX_EVENT_DATA_BYTES, NAME } from './limits';

/** Something a contract emitted while executing a transaction; projected into read models. */
export interface Event {
  readonly contract: string;
  /** Dotted lower-case words, e.g. `invoice.issued`. */
  readonly type: string;
  readonly data: CborValue;
}

export const Event: ChainType<Event> = chainType(
  new RecordSchema<Event>('Event', {
    contract: text(NAME),
    type: text(EVENT_TYPE, 128),
    data: anyValue(MAX_EVENT_DATA_BYTES),
  }),
  { tag: HASH_TAGS.event, maxBytes: MAX_EVENT_DATA_BYTES + 512 },
);
