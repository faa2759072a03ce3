import { defineContract } from '@trellis/chain-core';

/**
 * The e-invoice contract. Its methods (issue, claim, reimburse exactly once, credit, freeze)
 * arrive with the e-invoice issue; the tax arithmetic they will use is already here.
 */
export const invoiceContract = defineContract({ name: 'invoice', version: 1, methods: {} });

export { TaxInputError, invoiceTotals, taxLine } from './tax';
export type { InvoiceTotals, TaxLine, TaxedLine } from './tax';
