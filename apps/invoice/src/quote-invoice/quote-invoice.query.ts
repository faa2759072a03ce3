import { Query } from '@nestjs/cqrs';
import type { QuoteInvoiceRequestDto } from './quote-invoice.request.dto';
import type { QuoteInvoiceResponseDto } from './quote-invoice.response.dto';

/** Price an invoice before issuing it: line tax and totals under the contract's rounding rule. */
export class QuoteInvoiceQuery extends Query<QuoteInvoiceResponseDto> {
  constructor(readonly request: QuoteInvoiceRequestDto) {
    super();
  }
}
