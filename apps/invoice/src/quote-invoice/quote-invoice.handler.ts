import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { invoiceTotals } from '@trellis/invoice-contract';
import { QuoteInvoiceQuery } from './quote-invoice.query';
import type { QuoteInvoiceResponseDto } from './quote-invoice.response.dto';

export const ROUNDING_RULE =
  'per line: tax = round-half-up(net × rate ÷ 10000); totals are sums of lines';

@QueryHandler(QuoteInvoiceQuery)
export class QuoteInvoiceHandler implements IQueryHandler<QuoteInvoiceQuery> {
  async execute({ request }: QuoteInvoiceQuery): Promise<QuoteInvoiceResponseDto> {
    const totals = invoiceTotals(
      request.lines.map((l) => ({
        quantity: BigInt(l.quantity),
        unitPriceMinor: BigInt(l.unitPriceMinor),
        taxRateBasisPoints: BigInt(l.taxRateBasisPoints),
      })),
    );
    return {
      currency: request.currency,
      lines: totals.lines.map((l, i) => ({
        description: request.lines[i]?.description ?? '',
        netMinor: l.netMinor.toString(),
        taxMinor: l.taxMinor.toString(),
        grossMinor: l.grossMinor.toString(),
      })),
      netMinor: totals.netMinor.toString(),
      taxMinor: totals.taxMinor.toString(),
      grossMinor: totals.grossMinor.toString(),
      rounding: ROUNDING_RULE,
    };
  }
}
