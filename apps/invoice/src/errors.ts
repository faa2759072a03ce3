import { defineProblem } from '@trellis/shared';

/** Problems of the e-invoice API (docs/problems.md lists them). */
export class InvoiceChainUnavailableError extends defineProblem(
  'chain-unavailable',
  'Chain unavailable',
  503,
) {}
export class InvoiceUnknownMemberError extends defineProblem(
  'unknown-member',
  'Unknown member',
  403,
) {}
export class NotTaxBureauError extends defineProblem(
  'not-tax-bureau',
  'Tax bureau role required',
  403,
) {}
export class NoSuchInvoiceError extends defineProblem('no-such-invoice', 'No such invoice', 404) {}
/** The contract refused the transaction; `reason` is its code. */
export class InvoiceRefusedError extends defineProblem(
  'invoice-refused',
  'Refused by the contract',
  409,
) {}
/** A buyer account without the buyer id it claims under (its subject in the accounts file). */
export class NoBuyerIdError extends defineProblem('no-buyer-id', 'Buyer id missing', 403) {}
/** Recording a payment as an organisation without a `payments` member in this service. */
export class NotPaymentProcessorError extends defineProblem(
  'not-payment-processor',
  'Payments role required',
  403,
) {}
/** A batch of invoices too large for one transaction; `bytes` and `limit` say by how much. */
export class BatchTooLargeError extends defineProblem('batch-too-large', 'Batch too large', 413) {}
