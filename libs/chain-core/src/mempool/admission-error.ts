/**
 * The one error type of the mempool layer: why a transaction (from a client or in a peer's
 * batch) was refused, or why a pool could not take more. `code` is what a client sees (the API
 * maps it to a problem type); the message carries the numbers and names.
 */
import { IdentityError } from '../identity';

export type AdmissionErrorCode =
  /** An argument of a mempool entry point itself is wrong (a bug of the caller); `field` names it. */
  | 'invalid-argument'
  /** Not a transaction of the encoding (docs/spec/encoding.md); `field` is the codec's path. */
  | 'malformed'
  /** Over `MAX_TRANSACTION_BYTES` (or its args over `MAX_ARGS_BYTES`). */
  | 'oversized'
  | 'wrong-chain'
  | 'unknown-contract'
  | 'unknown-method'
  /** `expiryHeight` is not above the committed height: it can never be committed. */
  | 'expired'
  /** `expiryHeight` is further ahead than `maxTtlBlocks`. */
  | 'ttl-too-long'
  /** Committed already, or already in the pool (or twice in one batch). */
  | 'replayed'
  /** `signer.cert` names no registered certificate. */
  | 'unknown-certificate'
  /** The certificate breaks the profile, or its key is not of the chain's signature suite. */
  | 'certificate-invalid'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'certificate-revoked'
  /** The certificate's issuer is not the CA of an organisation of the consortium. */
  | 'not-a-member'
  /** `signer` does not name the certificate used (another organisation, another tbs hash). */
  | 'signer-mismatch'
  /** The member holds none of the roles the method requires (`ContractDefinition.access`). */
  | 'forbidden'
  | 'bad-signature'
  /** A bound of the pool is reached: retry later (nothing accepted is ever evicted). */
  | 'busy'
  /** Submitted to a node that does not batch transactions (an observer): submit to a validator. */
  | 'not-a-validator';

export interface AdmissionErrorDetails {
  /** The offending field, e.g. `body.expiryHeight`. */
  readonly field?: string;
  /** For a peer's batch: the index of the offending transaction. */
  readonly index?: number;
  /** The underlying error (an `IdentityError`, a `CodecError`, a `CryptoError`). */
  readonly cause?: unknown;
}

export class AdmissionError extends Error {
  readonly code: AdmissionErrorCode;
  readonly field: string | undefined;
  readonly index: number | undefined;

  constructor(code: AdmissionErrorCode, message: string, details: AdmissionErrorDetails = {}) {
    const where = details.index === undefined ? '' : `transaction ${details.index}: `;
    super(`${where}${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AdmissionError';
    this.code = code;
    this.field = details.field;
    this.index = details.index;
  }

  /** The same refusal, about transaction `index` of a batch. */
  at(index: number): AdmissionError {
    return new AdmissionError(this.code, this.message, {
      ...(this.field === undefined ? {} : { field: this.field }),
      index,
      cause: this.cause ?? this,
    });
  }
}

/** `invalid-argument` naming the bad argument of an entry point. */
export function invalidArgument(field: string, message: string): AdmissionError {
  return new AdmissionError('invalid-argument', `${field}: ${message}`, { field });
}

/** Checks an integer argument (a count or a size) is at least `min`, naming it otherwise. */
export function requireCount(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(field, `must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/**
 * What a refusal of `verifyMember` means for admission: an issuer outside the consortium is
 * `not-a-member`; validity and revocation have their own codes; every other fault of the
 * certificate (profile, CA signature, key usage, roles extension) is `certificate-invalid`.
 */
export function fromIdentityError(error: IdentityError): AdmissionError {
  const message = `certificate refused (${error.code}): ${error.message}`;
  const details = { field: 'body.signer.cert', cause: error };
  switch (error.code) {
    case 'unknown-issuer':
      return new AdmissionError('not-a-member', message, details);
    case 'expired':
      return new AdmissionError('certificate-expired', message, details);
    case 'not-yet-valid':
      return new AdmissionError('certificate-not-yet-valid', message, details);
    case 'revoked':
      return new AdmissionError('certificate-revoked', message, details);
    case 'role-not-granted':
      return new AdmissionError('forbidden', message, details);
    default:
      return new AdmissionError('certificate-invalid', message, details);
  }
}
