import { defineContract } from '@trellis/chain-core';
import { claim, creditNote, freeze, issue, issueBatch, reimburse, unfreeze } from './invoice';
import { TAX_BUREAU_ROLE, registerMerchant } from './merchant';
import { PAYMENTS_ROLE, recordPayment } from './payment';

/**
 * The e-invoice contract: the tax bureau registers merchants; payment processors record
 * payments; merchants issue invoices tied to payments (numbers assigned here, gap-free per
 * merchant per year; one by one or in batches) and credit notes that never exceed what remains;
 * buyers claim; enterprises reimburse exactly once, ever; the tax bureau freezes suspicious
 * invoices. Every transition is an event. Version 3 added `issueBatch` and `recordPayment`.
 */
export const invoiceContract = defineContract({
  name: 'invoice',
  version: 3,
  methods: {
    registerMerchant,
    recordPayment,
    issue,
    issueBatch,
    claim,
    reimburse,
    creditNote,
    freeze,
    unfreeze,
  },
  access: {
    registerMerchant: [TAX_BUREAU_ROLE],
    recordPayment: [PAYMENTS_ROLE],
    freeze: [TAX_BUREAU_ROLE],
    unfreeze: [TAX_BUREAU_ROLE],
  },
});

export { TaxInputError, invoiceTotals, taxLine } from './tax';
export type { InvoiceTotals, TaxLine, TaxedLine } from './tax';
export { MAX_BATCH, MAX_LINES, readInvoice } from './invoice';
export { PAYMENTS_ROLE } from './payment';
export type { InvoiceKind, InvoiceLineRecord, InvoiceRecord, InvoiceStatus } from './invoice';
export {
  TAX_BUREAU_ROLE,
  isUnifiedSocialCreditCode,
  readMerchant,
  withUsccCheckCharacter,
} from './merchant';
export type { MerchantRecord } from './merchant';
