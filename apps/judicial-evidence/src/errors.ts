import { DomainError, type ProblemExtensions } from '@trellis/shared';

/** Problems of the judicial evidence API (docs/problems.md lists them). */
abstract class EvidenceError extends DomainError {}

const define = (code: string, title: string, status: number) =>
  class extends EvidenceError {
    readonly code = code;
    readonly title = title;
    readonly status = status;
    constructor(detail: string, extensions: ProblemExtensions = {}) {
      super(detail, extensions);
    }
  };

export class ChainUnavailableError extends define('chain-unavailable', 'Chain unavailable', 503) {}
export class UnknownMemberError extends define('unknown-member', 'Unknown member', 403) {}
export class NotACourtError extends define('not-a-court', 'Court role required', 403) {}
export class NoSuchDepositError extends define('no-such-deposit', 'No such deposit', 404) {}
export class AlreadyDepositedError extends define('already-deposited', 'Already deposited', 409) {}
export class AlreadyPresentedError extends define('already-presented', 'Already presented', 409) {}
/** The contract refused the transaction for a reason of the input (unknown parent, …). */
export class DepositRefusedError extends define(
  'deposit-refused',
  'Refused by the contract',
  422,
) {}
export class UploadTooLargeError extends define('upload-too-large', 'Upload too large', 413) {}
export class BadUploadError extends define('bad-upload', 'Bad upload', 400) {}
export class NotDepositorError extends define('not-depositor', 'Not the depositor', 403) {}
export class CertificateUnavailableError extends define(
  'certificate-unavailable',
  'Certificate unavailable',
  503,
) {}
