import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QuoteInvoiceQuery } from './quote-invoice.query';
import { QuoteInvoiceRequestDto } from './quote-invoice.request.dto';
import { QuoteInvoiceResponseDto } from './quote-invoice.response.dto';

@ApiTags('invoice')
@Controller('quotes')
export class QuoteInvoiceHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Price an invoice: line tax and totals under the contract rounding rule',
    description: 'Nothing is written; amounts are integer minor units, returned as strings.',
  })
  @ApiOkResponse({ type: QuoteInvoiceResponseDto })
  @ApiBadRequestResponse({ description: 'problem+json validation-failed naming each bad field' })
  quote(@Body() body: QuoteInvoiceRequestDto): Promise<QuoteInvoiceResponseDto> {
    return this.queries.execute(new QuoteInvoiceQuery(body));
  }
}
