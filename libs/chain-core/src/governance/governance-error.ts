import { ContractError } from '../contract';

/**
 * Why the system contract (or one of its pure helpers) refused something. Each code is one
 * named rule of docs/spec/governance.md §4; it goes into the receipt of a failed transaction.
 */
export type GovernanceErrorCode =
  /** A method argument, an action field or a helper argument is malformed; `field` names it. */
  | 'invalid-args'
  /** The genesis description breaks a rule that is not one of the state rules below. */
  | 'invalid-genesis'
  /** The caller's organisation is not an active organisation of the consortium. */
  | 'not-a-member'
  | 'unknown-organisation'
  | 'organisation-exists'
  | 'organisation-inactive'
  | 'organisation-runs-validator'
  | 'organisation-runs-observer'
  | 'too-many-organisations'
  | 'duplicate-validator'
  | 'unknown-validator'
  | 'last-validator'
  | 'too-many-validators'
  | 'duplicate-observer'
  | 'unknown-observer'
  | 'too-many-observers'
  | 'already-revoked'
  | 'parameter-out-of-range'
  | 'unknown-proposal'
  | 'proposal-expired'
  | 'proposal-executed'
  | 'already-approved'
  | 'already-registered'
  /** A stored record does not decode: a bug or a corrupted store, never a user error. */
  | 'corrupt-state';

/**
 * The one error type of the governance layer. It is a `ContractError`, so a method that throws
 * it fails its transaction with `code` in the receipt (the execution layer's contract), and the
 * pure helpers (genesis, readers) throw the same type. `field` names the offending argument or
 * record when there is one (`action.publicKey`, `validators[2].org`).
 */
export class GovernanceError extends ContractError {
  declare readonly code: GovernanceErrorCode;

  constructor(
    code: GovernanceErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, message);
    this.name = 'GovernanceError';
  }
}
