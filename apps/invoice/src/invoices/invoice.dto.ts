import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { MAX_BATCH, MAX_LINES } from '@trellis/invoice-contract';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const TEXT = /^(?!\s)[^\p{Cc}]*(?<!\s)$/u;
const TEXT_MESSAGE = 'must have no control characters or surrounding spaces';
const PAYMENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const PAYMENT_ID_MESSAGE = 'paymentId must be 1..64 characters of A-Z a-z 0-9 . _ : -';

/**
 * Text for people (a name, a reason): 1..`maxLength` characters, no control characters, no
 * surrounding spaces; `field` names it in the message. `optional`: may be left out.
 */
function PlainText(
  field: string,
  maxLength: number,
  doc: ApiPropertyOptions & { optional?: boolean } = {},
): PropertyDecorator {
  const { optional, ...api } = doc;
  // In the order stacked decorators apply (bottom first), as when they were written out.
  return applyDecorators(
    Matches(TEXT, { message: `${field} ${TEXT_MESSAGE}` }),
    MaxLength(maxLength),
    MinLength(1),
    IsString(),
    ...(optional
      ? [IsOptional(), ApiPropertyOptional({ ...api, maxLength })]
      : [ApiProperty({ ...api, maxLength })]),
  );
}

/** An invoice's or credit note's lines: 1..MAX_LINES, each validated. */
function InvoiceLines(): PropertyDecorator {
  return applyDecorators(
    Type(() => InvoiceLineDto),
    ValidateNested({ each: true }),
    ArrayMaxSize(MAX_LINES),
    ArrayMinSize(1),
    IsArray(),
    ApiProperty({ type: [InvoiceLineDto] }),
  );
}

export class RegisterMerchantDto {
  @ApiProperty({ description: 'Unified social credit code (18 characters)' })
  @Matches(USCC, { message: 'taxId must be a unified social credit code' })
  taxId!: string;

  @PlainText('name', 100)
  name!: string;

  @PlainText('industry', 64, { example: 'retail' })
  industry!: string;

  @ApiProperty({ example: '440300', description: 'GB/T 2260 administrative division code' })
  @Matches(/^[1-8]\d{5}$/, { message: 'region must be a 6-digit administrative division code' })
  region!: string;

  @ApiProperty({
    example: 'manufacturer',
    description: 'The organisation that issues for the merchant',
  })
  @Matches(/^[a-z][a-z0-9-]{1,62}$/, { message: 'org must be an organisation id' })
  org!: string;
}

export class InvoiceLineDto {
  @PlainText('description', 100)
  description!: string;

  @ApiProperty({ minimum: 1, maximum: 1_000_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  quantity!: number;

  @ApiProperty({ description: 'Unit price in minor units (fen)', minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  unitPriceMinor!: number;

  @ApiProperty({ example: 1300, description: 'Tax rate in basis points; 1300 = 13 %' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  taxRateBasisPoints!: number;
}

export class BuyerDto {
  @PlainText('buyer.name', 100)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(USCC, { message: 'buyer.taxId must be a unified social credit code' })
  taxId?: string;

  @PlainText('buyer.id', 64, {
    optional: true,
    description: 'The wallet id that may claim the invoice',
  })
  id?: string;
}

export class IssueInvoiceDto {
  @ApiProperty({ description: "The merchant's tax id" })
  @Matches(USCC, { message: 'merchant must be a unified social credit code' })
  merchant!: string;

  @ApiProperty({ description: 'The payment this invoice is for' })
  @Matches(PAYMENT_ID, { message: PAYMENT_ID_MESSAGE })
  paymentId!: string;

  @ApiPropertyOptional({ description: 'Declare the payment split into this many invoices (2..99)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(99)
  paymentSplit?: number;

  @ApiPropertyOptional({ description: 'Issuing channel digit (0..9), default 1' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  channel?: number;

  @ApiProperty({ type: BuyerDto })
  @ValidateNested()
  @Type(() => BuyerDto)
  buyer!: BuyerDto;

  @InvoiceLines()
  lines!: InvoiceLineDto[];
}

export class IssueInvoicesDto {
  @ApiProperty({
    type: [IssueInvoiceDto],
    description: `1..${MAX_BATCH} invoices, issued together in this order or not at all`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => IssueInvoiceDto)
  invoices!: IssueInvoiceDto[];
}

export class CreditNoteDto {
  @PlainText('reason', 200)
  reason!: string;

  @InvoiceLines()
  lines!: InvoiceLineDto[];
}

export class ReasonDto {
  @PlainText('reason', 200)
  reason!: string;
}

export class RecordPaymentDto {
  @ApiProperty({ description: "The paid merchant's tax id" })
  @Matches(USCC, { message: 'merchant must be a unified social credit code' })
  merchant!: string;

  @ApiProperty({ description: "The payment's id, as invoices name it" })
  @Matches(PAYMENT_ID, { message: PAYMENT_ID_MESSAGE })
  paymentId!: string;

  @ApiProperty({ description: 'The amount paid, in fen (integer minor units)', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor!: number;
}
