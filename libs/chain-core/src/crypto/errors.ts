/**
 * The one error type of the crypto layer. Every entry point validates its arguments and
 * throws a `CryptoError` whose message names the bad argument and carries the numbers
 * ("p256.verify: signature must be 64 bytes, got 63"); library errors never escape.
 *
 * A signature that does not verify is not an error: `verify` returns `false`.
 */

/** Why a crypto call was refused. */
export const CryptoErrorCode = {
  /** An argument has the wrong type (not a Uint8Array, not a string, not an array…). */
  InvalidArgument: 'invalid-argument',
  /** A byte argument has the wrong length for the suite. */
  InvalidLength: 'invalid-length',
  /** A suite, hash or implementation name that does not exist. */
  UnknownAlgorithm: 'unknown-algorithm',
  /** A secret key outside the suite's range (e.g. a P-256 scalar not in [1, n−1]). */
  InvalidSecretKey: 'invalid-secret-key',
  /** Public key bytes that are not an acceptable point of the suite's curve. */
  InvalidPublicKey: 'invalid-public-key',
  /** Malformed DER, PEM, base64 or DER signature. */
  InvalidEncoding: 'invalid-encoding',
  /** Well-formed DER or PEM for another algorithm or curve than the suite's. */
  WrongKeyType: 'wrong-key-type',
  /** A PKCS#8 key whose embedded public key does not belong to its secret key. */
  KeyMismatch: 'key-mismatch',
  /** The verifier pool was closed before the work finished. */
  PoolClosed: 'pool-closed',
  /** A verifier thread died or reported a failure. */
  WorkerFailed: 'worker-failed',
  /** An underlying library failed where it should not: a bug, reported with its cause. */
  Internal: 'internal',
} as const;

export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

/** Typed details of a `CryptoError`; which fields are present depends on the code. */
export interface CryptoErrorMeta {
  /** The argument at fault, as the caller wrote it: `signature`, `items[3].publicKey`. */
  readonly argument?: string;
  /** The suite (or hash, or implementation) the call was made for. */
  readonly algorithm?: string;
  /** Expected length, range or label. */
  readonly expected?: number | string;
  /** What was found instead. */
  readonly actual?: number | string;
}

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    readonly meta: CryptoErrorMeta = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CryptoError';
  }
}
