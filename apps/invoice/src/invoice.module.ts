import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { createVerticalHealthController } from '@trellis/shared';
import { invoiceContract } from '@trellis/invoice-contract';
import { InvoiceChain } from './chain/invoice-chain';
import {
  CreditNoteHandler,
  IssueInvoiceHandler,
  IssueInvoicesHandler,
  RecordPaymentHandler,
  RegisterMerchantHandler,
  TransitionHandler,
} from './invoices/commands';
import { InvoicesHttpController } from './invoices/invoices.http.controller';
import { IssueBatcher } from './invoices/issue-batcher';
import { InvoiceSubmitter } from './invoices/submitter';
import { UblHttpController } from './invoices/ubl.http.controller';
import { QuoteInvoiceHandler } from './quote-invoice/quote-invoice.handler';
import { QuoteInvoiceHttpController } from './quote-invoice/quote-invoice.http.controller';
import { InvoiceProjection } from './read-model/invoice-projection';
import { InvoiceReadModel } from './read-model/invoice-read-model';

/** E-invoices: issued at payment, claimed, reimbursed exactly once, supervised by the tax bureau. */
@Module({
  imports: [CqrsModule],
  controllers: [
    createVerticalHealthController('invoice', invoiceContract),
    QuoteInvoiceHttpController,
    UblHttpController,
    InvoicesHttpController,
  ],
  providers: [
    QuoteInvoiceHandler,
    InvoiceChain,
    InvoiceProjection,
    InvoiceReadModel,
    InvoiceSubmitter,
    IssueBatcher,
    RegisterMerchantHandler,
    RecordPaymentHandler,
    IssueInvoiceHandler,
    IssueInvoicesHandler,
    CreditNoteHandler,
    TransitionHandler,
  ],
})
export class InvoiceModule {}
