import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export class RegisterMerchantDto {
  @ApiProperty({ description: 'Unified social credit code (18 characters)' })
  @Matches(USCC, { message: 'taxId must be a unified social credit code' })
  taxId!: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(TEXT, { message: `name ${TEXT_MESSAGE}` })
  name!: string;

  @ApiProperty({ example: 'retail', maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(TEXT, { message: `industry ${TEXT_MESSAGE}` })
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
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(TEXT, { message: `description ${TEXT_MESSAGE}` })
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
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(TEXT, { message: `buyer.name ${TEXT_MESSAGE}` })
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(USCC, { message: 'buyer.taxId must be a unified social credit code' })
  taxId?: string;

  @ApiPropertyOptional({ description: 'The wallet id that may claim the invoice', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(TEXT, { message: `buyer.id ${TEXT_MESSAGE}` })
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

  @ApiProperty({ type: [InvoiceLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineDto)
  lines!: InvoiceLineDto[];
}

export class CreditNoteDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: `reason ${TEXT_MESSAGE}` })
  reason!: string;

  @ApiProperty({ type: [InvoiceLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineDto)
  lines!: InvoiceLineDto[];
}

export class ReasonDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: `reason ${TEXT_MESSAGE}` })
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
