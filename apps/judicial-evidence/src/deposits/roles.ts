/** The roles of the judicial-evidence accounts (docs/adr/0017-sign-in.md). */
export const EVIDENCE_ROLES = {
  /** Deposits evidence for its organisation, lists its deposits, reads private metadata. */
  depositor: 'depositor',
  /** Records that a deposit was presented in a case, for its court organisation. */
  court: 'court',
} as const;
