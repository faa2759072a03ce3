import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { createVerticalHealthController } from '@trellis/shared';
import { invoiceContract } from '@trellis/invoice-contract';
import { QuoteInvoiceHandler } from './quote-invoice/quote-invoice.handler';
import { QuoteInvoiceHttpController } from './quote-invoice/quote-invoice.http.controller';

/** E-invoices: issued at payment, claimed, reimbursed exactly once, supervised by the tax bureau. */
@Module({
  imports: [CqrsModule],
  controllers: [
    createVerticalHealthController('invoice', invoiceContract),
    QuoteInvoiceHttpController,
  ],
  providers: [QuoteInvoiceHandler],
})
export class InvoiceModule {}
