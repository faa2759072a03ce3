import type { RuleFailure } from './validate-ubl';

/** Why an EN 16931 operation refused its input. */
export type En16931ErrorCode =
  | 'XML_MALFORMED'
  | 'XML_NOT_UBL'
  | 'XML_TOO_LARGE'
  | 'RULES_FAILED'
  | 'FIELD_MISSING'
  | 'FIELD_INVALID'
  | 'AMOUNT_INVALID'
  | 'AMOUNT_TOO_PRECISE'
  | 'TOTALS_INCONSISTENT'
  | 'SCHEMATRON_INVALID'
  | 'NOT_ISSUABLE';

/** One error type for the EN 16931 library; `code` is stable, `field` names the bad input when known. */
export class En16931Error extends Error {
  constructor(
    readonly code: En16931ErrorCode,
    message: string,
    readonly field?: string,
    /** The fatal rule failures, for RULES_FAILED. */
    readonly failures: readonly RuleFailure[] = [],
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'En16931Error';
  }
}
