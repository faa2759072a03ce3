import { defineContract } from '@trellis/chain-core';
import { claim, creditNote, freeze, issue, issueBatch, reimburse, unfreeze } from './invoice';
import { TAX_BUREAU_ROLE, registerMerchant } from './merchant';

/**
 * The e-invoice contract: the tax bureau registers merchants; merchants issue invoices tied to
 * payments (numbers assigned here, gap-free per merchant per year) and credit notes that never
 * exceed what remains; buyers claim; enterprises reimburse exactly once, ever; the tax bureau
 * freezes suspicious invoices. Every transition is an event.
 */
export const invoiceContract = defineContract({
  name: 'invoice',
  version: 2,
  methods: { registerMerchant, issue, issueBatch, claim, reimburse, creditNote, freeze, unfreeze },
  access: {
    registerMerchant: [TAX_BUREAU_ROLE],
    freeze: [TAX_BUREAU_ROLE],
    unfreeze: [TAX_BUREAU_ROLE],
  },
});

export { TaxInputError, invoiceTotals, taxLine } from './tax';
export type { InvoiceTotals, TaxLine, TaxedLine } from './tax';
export { MAX_BATCH, MAX_LINES, readInvoice } from './invoice';
export type { InvoiceKind, InvoiceLineRecord, InvoiceRecord, InvoiceStatus } from './invoice';
export {
  TAX_BUREAU_ROLE,
  isUnifiedSocialCreditCode,
  readMerchant,
  withUsccCheckCharacter,
} from './merchant';
export type { MerchantRecord } from './merchant';
