import {
  CodecError,
  HASH_TAGS,
  RecordSchema,
  hash32,
  list,
  oneOf,
  optional,
  text,
  u64,
} from '../codec';
import { type ChainType, chainType } from './chain-type';
import { Event } from './event';
import { ERROR_CODE, MAX_ERROR_MESSAGE, MAX_RECEIPT_EVENTS } from './limits';

/** Why a transaction failed: a contract's typed error, or the executor's (e.g. `step-limit`). */
export interface ReceiptError {
  readonly code: string;
  readonly message: string;
}

/**
 * The outcome of executing one transaction. A failed transaction changes no state and emits no
 * events; only its receipt records it.
 */
export interface Receipt {
  readonly txId: Uint8Array;
  readonly status: 'ok' | 'failed';
  readonly error: ReceiptError | null;
  readonly events: readonly Event[];
  /** Execution steps used (the deterministic cost measure). */
  readonly steps: bigint;
}

const ReceiptErrorSchema = new RecordSchema<ReceiptError>('ReceiptError', {
  code: text(ERROR_CODE),
  message: text(/^[\s\S]*$/, MAX_ERROR_MESSAGE),
});

export const Receipt: ChainType<Receipt> = chainType(
  new RecordSchema<Receipt>(
    'Receipt',
    {
      txId: hash32,
      status: oneOf('ok', 'failed'),
      error: optional(ReceiptErrorSchema.asField()),
      events: list(Event.schema.asField(), MAX_RECEIPT_EVENTS),
      steps: u64,
    },
    (receipt, path) => {
      if ((receipt.status === 'ok') !== (receipt.error === null)) {
        throw new CodecError(
          'invalid',
          'a receipt has an error exactly when its status is failed',
          `${path}.error`,
        );
      }
      if (receipt.status === 'failed' && receipt.events.length > 0) {
        throw new CodecError('invalid', 'a failed transaction emits no events', `${path}.events`);
      }
    },
  ),
  { tag: HASH_TAGS.receipt, maxBytes: 4 * 1024 * 1024 },
);
