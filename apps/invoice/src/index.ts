import type { VerticalDescriptor } from '@trellis/shared';
import { invoiceContract } from '@trellis/invoice-contract';
import { InvoiceModule } from './invoice.module';
import { CreateInvoiceReadModel1764100000000 } from './read-model/1764100000000-create-invoice-read-model';
import { InvoiceMerchantTimeIndex1764200000001 } from './read-model/1764200000001-invoice-merchant-time-index';
import { CreateInvoicePayment1764200000002 } from './read-model/1764200000002-create-invoice-payment';

export const invoiceVertical: VerticalDescriptor = {
  name: 'invoice',
  description:
    'E-invoices: issue tied to payment, claim, reimburse exactly once, tax-bureau supervision',
  module: InvoiceModule,
  contract: invoiceContract,
  migrations: [
    CreateInvoiceReadModel1764100000000,
    InvoiceMerchantTimeIndex1764200000001,
    CreateInvoicePayment1764200000002,
  ],
};

export { InvoiceModule };
