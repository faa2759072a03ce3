import type { VerticalDescriptor } from '@trellis/shared';
import { invoiceContract } from '@trellis/invoice-contract';
import { InvoiceModule } from './invoice.module';
import { CreateInvoiceReadModel1764100000000 } from './read-model/1764100000000-create-invoice-read-model';

export const invoiceVertical: VerticalDescriptor = {
  name: 'invoice',
  description:
    'E-invoices: issue tied to payment, claim, reimburse exactly once, tax-bureau supervision',
  module: InvoiceModule,
  contract: invoiceContract,
  migrations: [CreateInvoiceReadModel1764100000000],
};

export { InvoiceModule };
