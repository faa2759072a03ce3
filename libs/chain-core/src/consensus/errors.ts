/**
 * One error type for the consensus layer; messages carry the numbers
 * ("round 7 is not above last voted round 9"), `code` says which rule refused.
 */
export type ConsensusErrorCode =
  /** A message failed a stateless check or its signature / certificate does not verify. */
  | 'invalid-message'
  /** A message names an epoch whose validator set this replica does not know. */
  | 'unknown-epoch'
  /** Safety rules refused to sign (a vote or timeout would break a voting rule). */
  | 'unsafe'
  /** An internal invariant broke; the runtime must stop the replica. */
  | 'invariant';

export class ConsensusError extends Error {
  override readonly name = 'ConsensusError';
  constructor(
    readonly code: ConsensusErrorCode,
    message: string,
  ) {
    super(message);
  }
}
