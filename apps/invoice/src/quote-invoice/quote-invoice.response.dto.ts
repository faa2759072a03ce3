import { ApiProperty } from '@nestjs/swagger';

const minor = { type: String, pattern: '^[0-9]+$', description: 'Integer amount in minor units' };

export class QuotedLineDto {
  @ApiProperty({ example: 'Consulting, hours' }) description!: string;
  @ApiProperty({ ...minor, example: '9999' }) netMinor!: string;
  @ApiProperty({ ...minor, example: '600' }) taxMinor!: string;
  @ApiProperty({ ...minor, example: '10599' }) grossMinor!: string;
}

export class QuoteInvoiceResponseDto {
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ type: [QuotedLineDto] }) lines!: QuotedLineDto[];
  @ApiProperty({ ...minor, example: '9999' }) netMinor!: string;
  @ApiProperty({ ...minor, example: '600' }) taxMinor!: string;
  @ApiProperty({ ...minor, example: '10599' }) grossMinor!: string;
  @ApiProperty({
    example: 'per line: tax = round-half-up(net × rate ÷ 10000); totals are sums of lines',
  })
  rounding!: string;
}
