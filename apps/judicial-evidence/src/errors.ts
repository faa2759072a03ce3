import { defineProblem } from '@trellis/shared';

/** Problems of the judicial evidence API (docs/problems.md lists them). */
export class ChainUnavailableError extends defineProblem(
  'chain-unavailable',
  'Chain unavailable',
  503,
) {}
export class UnknownMemberError extends defineProblem('unknown-member', 'Unknown member', 403) {}
export class NotACourtError extends defineProblem('not-a-court', 'Court role required', 403) {}
export class NoSuchDepositError extends defineProblem('no-such-deposit', 'No such deposit', 404) {}
export class AlreadyDepositedError extends defineProblem(
  'already-deposited',
  'Already deposited',
  409,
) {}
export class AlreadyPresentedError extends defineProblem(
  'already-presented',
  'Already presented',
  409,
) {}
/** The contract refused the transaction for a reason of the input (unknown parent, …). */
export class DepositRefusedError extends defineProblem(
  'deposit-refused',
  'Refused by the contract',
  422,
) {}
export class UploadTooLargeError extends defineProblem(
  'upload-too-large',
  'Upload too large',
  413,
) {}
export class BadUploadError extends defineProblem('bad-upload', 'Bad upload', 400) {}
export class NotDepositorError extends defineProblem('not-depositor', 'Not the depositor', 403) {}
export class CertificateUnavailableError extends defineProblem(
  'certificate-unavailable',
  'Certificate unavailable',
  503,
) {}
