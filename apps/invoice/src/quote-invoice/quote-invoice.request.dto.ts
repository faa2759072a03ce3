import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class QuoteLineRequestDto {
  @ApiProperty({ example: 'Consulting, hours', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  description!: string;

  @ApiProperty({ example: 3, minimum: 1, maximum: 1_000_000, description: 'Whole units' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  quantity!: number;

  @ApiProperty({ example: 3333, minimum: 0, description: 'Unit price in minor units (fen)' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  unitPriceMinor!: number;

  @ApiProperty({ example: 600, minimum: 0, maximum: 10_000, description: 'Tax rate; 600 = 6 %' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  taxRateBasisPoints!: number;
}

export class QuoteInvoiceRequestDto {
  @ApiProperty({ example: 'CNY', pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code of three capital letters' })
  currency!: string;

  @ApiProperty({ type: [QuoteLineRequestDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => QuoteLineRequestDto)
  lines!: QuoteLineRequestDto[];
}
