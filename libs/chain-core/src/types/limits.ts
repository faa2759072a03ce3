/** Identifier patterns and size limits shared by the chain types (docs/spec/encoding.md). */

/** Chain ids, contract names, organisation ids: lower-case, digits and dashes. */
export const NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** Contract method names: camelCase. */
export const METHOD = /^[a-z][A-Za-z0-9]{0,62}$/;
/** Event types: dotted lower-case words, e.g. `invoice.issued`. */
export const EVENT_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){0,7}$/;
/** Error codes in receipts: kebab-case. */
export const ERROR_CODE = /^[a-z][a-z0-9-]{0,62}$/;

/** Every suite's signature is 64 bytes (Ed25519; r ‖ s for P-256 and SM2). */
export const SIGNATURE_BYTES = 64;
/** Validators per epoch; the signer bitmaps of certificates have at most 32 bytes. */
export const MAX_VALIDATORS = 256;
export const MAX_ARGS_BYTES = 64 * 1024;
export const MAX_TRANSACTION_BYTES = 80 * 1024;
export const MAX_BATCH_TRANSACTIONS = 10_000;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
export const MAX_BLOCK_BATCHES = 1_000;
export const MAX_RECEIPT_EVENTS = 256;
export const MAX_EVENT_DATA_BYTES = 16 * 1024;
export const MAX_ERROR_MESSAGE = 512;
