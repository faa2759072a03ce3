import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVIDENCE_TYPES, MAX_TITLE_CHARS } from '@trellis/judicial-evidence-contract';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

const HEX64 = /^[0-9a-f]{64}$/;
const ORG = /^[a-z][a-z0-9-]{1,62}$/;
/** No control characters, no surrounding spaces (the contract's rule for titles). */
const TITLE = /^(?!\s)[^\p{Cc}]*(?<!\s)$/u;

/** The fields of a deposit besides its digests: the JSON body's, and the upload form's. */
export class DepositFieldsDto {
  @ApiProperty({ enum: EVIDENCE_TYPES, example: 'contract' })
  @IsIn(EVIDENCE_TYPES)
  type!: string;

  @ApiProperty({ example: 'Loan contract 2026-001', maxLength: MAX_TITLE_CHARS })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TITLE_CHARS)
  @Matches(TITLE, { message: 'title must have no control characters or surrounding spaces' })
  title!: string;

  @ApiPropertyOptional({ description: 'The deposit this one follows in an evidence chain' })
  @IsOptional()
  @Matches(HEX64, { message: 'parent must be a deposit id (64 lower-case hex)' })
  parent?: string;

  @ApiPropertyOptional({ description: "The depositor's own earlier deposit this one corrects" })
  @IsOptional()
  @Matches(HEX64, { message: 'corrects must be a deposit id (64 lower-case hex)' })
  corrects?: string;

  @ApiPropertyOptional({
    description:
      'Private metadata (JSON object, at most 64 KiB): only its hash goes on chain; the validators of the recipient organisations keep it encrypted',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Organisations that may read the metadata besides the depositor',
    example: ['court'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @Matches(ORG, { each: true, message: 'metadataRecipients must be organisation ids' })
  metadataRecipients?: string[];
}

/** A digest-only deposit: the evidence itself never leaves the depositor. */
export class DepositDigestRequestDto extends DepositFieldsDto {
  @ApiProperty({ description: 'SHA-256 of the evidence, 64 lower-case hex' })
  @Matches(HEX64, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256!: string;

  @ApiProperty({ description: 'SM3 (GB/T 32905) of the evidence, 64 lower-case hex' })
  @Matches(HEX64, { message: 'sm3 must be 64 lower-case hex digits' })
  sm3!: string;
}

export class PresentRequestDto {
  @ApiProperty({ example: '(2026)浙0192民初1234号', maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(/^(?!\s)[^\p{Cc}/]*(?<!\s)$/u, {
    message: "caseNumber must have no control characters, '/' or surrounding spaces",
  })
  caseNumber!: string;
}
