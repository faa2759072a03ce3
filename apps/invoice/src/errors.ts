import { DomainError, type ProblemExtensions } from '@trellis/shared';

const define = (code: string, title: string, status: number) =>
  class extends DomainError {
    readonly code = code;
    readonly title = title;
    readonly status = status;
    constructor(detail: string, extensions: ProblemExtensions = {}) {
      super(detail, extensions);
    }
  };

/** Problems of the e-invoice API (docs/problems.md lists them). */
export class InvoiceChainUnavailableError extends define(
  'chain-unavailable',
  'Chain unavailable',
  503,
) {}
export class InvoiceMemberRequiredError extends define(
  'member-required',
  'Acting member required',
  401,
) {}
export class InvoiceUnknownMemberError extends define('unknown-member', 'Unknown member', 403) {}
export class NotTaxBureauError extends define('not-tax-bureau', 'Tax bureau role required', 403) {}
export class NoSuchInvoiceError extends define('no-such-invoice', 'No such invoice', 404) {}
/** The contract refused the transaction; `reason` is its code. */
export class InvoiceRefusedError extends define(
  'invoice-refused',
  'Refused by the contract',
  409,
) {}
