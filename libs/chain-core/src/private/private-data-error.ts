/**
 * The one error type of private data (docs/spec/private-data.md): sealing and opening
 * envelopes, the private store, and authenticated read requests. `code` is what the node maps
 * to a p2p refusal or an HTTP status; the message carries the names and numbers.
 *
 * Opening an envelope never returns wrong plaintext: any damage to its bytes is one of
 * `malformed`, `too-large`, `unsupported-suite`, `suite-mismatch`, `not-a-recipient`,
 * `authentication-failed` or `hash-mismatch`.
 */

export type PrivateDataErrorCode =
  /** An argument of an entry point is wrong (a bug of the caller); `field` names it. */
  | 'invalid-argument'
  /** Bytes are not an envelope (or stored record) of the format, or break one of its rules. */
  | 'malformed'
  /** Over a size limit (`MAX_PRIVATE_PAYLOAD_BYTES`, `MAX_ENVELOPE_BYTES`, …). */
  | 'too-large'
  /** A suite (or envelope version) this code does not implement. */
  | 'unsupported-suite'
  /** The envelope is for another suite than the chain's. */
  | 'suite-mismatch'
  /** No recipient entry of the envelope is for this key. */
  | 'not-a-recipient'
  /** A wrapped key or the payload fails its AEAD check (tampered, or another chain or key). */
  | 'authentication-failed'
  /** Decrypted, but the plaintext does not hash to the envelope's `payloadHash`. */
  | 'hash-mismatch'
  /** A read request without valid headers, with a bad signature or a stale timestamp. */
  | 'unauthenticated'
  /** A read request signed with a certificate that is not a member's (membership check). */
  | 'not-a-member'
  /** An authenticated member whose organisation may not read this payload here. */
  | 'forbidden'
  /** `PrivateStore.put` of another payload hash under a tx id already stored. */
  | 'conflict'
  /** A transaction submitted as private carries no `private` commitment in its args. */
  | 'not-private'
  /** The commitment's recipients are refused: the supervisor missing, an unknown organisation,
   *  one without a validator to hold the payload, or a receiver that is not among them. */
  | 'recipients-refused'
  /** Not every recipient organisation acknowledged storing the envelope in time. */
  | 'delivery-failed'
  /** No private payload of that transaction is held here (not committed, or not delivered). */
  | 'not-found'
  /** The private store was used after `close()`. */
  | 'store-closed'
  /** The private store's environment could not be opened, or has another layout. */
  | 'store-open-failed'
  /** Stored bytes do not decode: a damaged store (the node should stop, not guess). */
  | 'store-corrupt';

export interface PrivateDataErrorDetails {
  /** The offending field or header, e.g. `recipients[2].publicKey`, `x-trellis-timestamp`. */
  readonly field?: string;
  /** The underlying error (a `CodecError`, `CryptoError`, `IdentityError`, an lmdb error). */
  readonly cause?: unknown;
}

export class PrivateDataError extends Error {
  readonly code: PrivateDataErrorCode;
  readonly field: string | undefined;

  constructor(code: PrivateDataErrorCode, message: string, details: PrivateDataErrorDetails = {}) {
    super(
      `private data: ${details.field === undefined ? '' : `${details.field}: `}${message}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = 'PrivateDataError';
    this.code = code;
    this.field = details.field;
  }
}

/** `invalid-argument` naming `field`. */
export function invalidArgument(field: string, problem: string): PrivateDataError {
  return new PrivateDataError('invalid-argument', problem, { field });
}
