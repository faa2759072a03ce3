import type { VerticalDescriptor } from '@trellis/shared';
import { invoiceContract } from '@trellis/invoice-contract';
import { InvoiceModule } from './invoice.module';

export const invoiceVertical: VerticalDescriptor = {
  name: 'invoice',
  description:
    'E-invoices: issue tied to payment, claim, reimburse exactly once, tax-bureau supervision',
  module: InvoiceModule,
  contract: invoiceContract,
  migrations: [],
};

export { InvoiceModule };
