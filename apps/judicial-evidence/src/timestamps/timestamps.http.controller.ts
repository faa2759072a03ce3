/**
 * RFC 3161 over HTTP (§3.4): `POST /tsa` takes a TimeStampReq (application/timestamp-query) and
 * answers a TimeStampResp (application/timestamp-reply). A granted token is dated by the block
 * that committed the request's message imprint (contract method `timestamp`) and names that
 * block; a request the TSA refuses gets a rejection with its PKIFailureInfo, as the RFC says.
 * `POST /tsa/verify` checks any RFC 3161 token (ours or a third party's).
 */
import { Body, Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ValidationFailedError } from '@trellis/shared';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { EvidenceChain } from '../chain/evidence-chain';
import type { KeyPairFiles } from '@trellis/shared/chain';
import { BadUploadError, ChainUnavailableError, UploadTooLargeError } from '../errors';
import {
  type ParsedTimeStampRequest,
  TRELLIS_TSA_POLICY_OID,
  type TokenVerification,
  TsaError,
  issueTimeStampResponse,
  parseTimeStampRequest,
  rejectionResponse,
  verifyTimeStampToken,
} from '../tsa';

const MAX_REQUEST_BYTES = 64 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class VerifyTokenRequestDto {
  @ApiProperty({ description: 'The TimeStampResp or TimeStampToken, base64 DER' })
  @IsString()
  @MaxLength(200_000)
  @Matches(BASE64, { message: 'token must be base64' })
  token!: string;

  @ApiPropertyOptional({
    description: 'The digest that was stamped (hex, under the token’s algorithm)',
  })
  @IsOptional()
  @Matches(/^([0-9a-f]{2}){20,64}$/, { message: 'digest must be lower-case hex of 20..64 bytes' })
  digest?: string;

  @ApiPropertyOptional({
    description: 'The data that was stamped, base64 (up to ~700 KB; else send its digest)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(950_000)
  @Matches(BASE64, { message: 'data must be base64' })
  data?: string;

  @ApiPropertyOptional({
    description:
      'PEM certificates to trust (the TSA’s chain); default: this consortium’s organisation CAs',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  trustedCertificatesPem?: string;

  @ApiPropertyOptional({ description: 'Pin the nonce (decimal)' })
  @IsOptional()
  @Matches(/^\d{1,80}$/, { message: 'nonce must be a decimal integer' })
  nonce?: string;

  @ApiPropertyOptional({ description: 'Pin the policy OID' })
  @IsOptional()
  @Matches(/^\d+(\.\d+)+$/, { message: 'policy must be an OID' })
  policy?: string;

  @ApiPropertyOptional({ description: 'Pin the TSA certificate’s subject common name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  tsaSubjectCN?: string;
}

function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new UploadTooLargeError(`a time-stamp request is at most ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (error) => reject(new BadUploadError(error.message)));
  });
}

@ApiTags('judicial-evidence')
@Controller('tsa')
export class TimestampsHttpController {
  constructor(private readonly chain: EvidenceChain) {}

  /** The TSA's organisation and key files. */
  #tsa(): { org: string; files: KeyPairFiles } {
    const members = [...this.chain.consortium.members.values()];
    const org = this.chain.config.tsaOrg ?? members.find((m) => m.keyPairs.has('tsa'))?.org;
    const files =
      org === undefined ? undefined : this.chain.keyPair(this.chain.member(org).org, 'tsa');
    if (org === undefined || files === undefined) {
      throw new ChainUnavailableError(
        'no organisation of this service has a TSA certificate (tsa.pem, tsa.key)',
      );
    }
    return { org, files };
  }

  @Post()
  @ApiOperation({
    summary: 'RFC 3161 time-stamp: TimeStampReq in, TimeStampResp out, dated by a committed block',
    description:
      'Content-Type application/timestamp-query; the reply is application/timestamp-reply.',
  })
  async timestamp(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!/^application\/timestamp-query\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      throw new BadUploadError('expected Content-Type application/timestamp-query (RFC 3161 §3.4)');
    }
    const der = await readBody(req, MAX_REQUEST_BYTES);
    const reply = (bytes: Uint8Array) => {
      res.status(200).type('application/timestamp-reply').end(Buffer.from(bytes));
    };
    let parsed: ParsedTimeStampRequest;
    try {
      parsed = parseTimeStampRequest(der, { acceptedPolicies: [TRELLIS_TSA_POLICY_OID] });
    } catch (error) {
      if (error instanceof TsaError) return reply(rejectionResponse(error));
      throw error;
    }
    const tsa = this.#tsa();
    let committed;
    try {
      committed = await this.chain.submit(this.chain.member(tsa.org).service, 'timestamp', {
        hashAlgorithm: parsed.hashAlgorithm,
        imprint: parsed.messageImprint,
      });
    } catch (error) {
      if (error instanceof ChainUnavailableError) {
        return reply(rejectionResponse(new TsaError('time-not-available', error.message)));
      }
      throw error;
    }
    if (committed.receipt.status !== 'ok') {
      return reply(
        rejectionResponse(
          new TsaError(
            'bad-request',
            `the chain refused the anchor: ${committed.receipt.error?.code}`,
          ),
        ),
      );
    }
    const event = committed.receipt.events.find((e) => e.type === 'evidence.timestamped');
    const timeMs = BigInt(String((event?.data as { timeMs?: unknown } | undefined)?.timeMs ?? ''));
    const blockHash = await this.chain.blockHash(committed.height);
    const token = await issueTimeStampResponse(
      parsed,
      {
        chainId: this.chain.consortium.chainId,
        height: committed.height,
        txId: new Uint8Array(Buffer.from(committed.id, 'hex')),
        timeMs,
        ...(blockHash ? { blockHash: new Uint8Array(Buffer.from(blockHash, 'hex')) } : {}),
      },
      {
        certificatePem: tsa.files.certificatePem,
        privateKeyPem: tsa.files.privateKeyPem,
        chainPem: tsa.files.caPem,
        policyOid: TRELLIS_TSA_POLICY_OID,
      },
      // Unique per token and meaningful: the block height, then the position in the block.
      (committed.height << 32n) | BigInt(committed.index),
    );
    reply(token);
  }

  @Get('certificate')
  @Header('content-type', 'application/pem-certificate-chain')
  @ApiOperation({
    summary: 'The TSA certificate and its issuing CA (PEM), for `openssl ts -verify`',
  })
  certificate(): string {
    const { files } = this.#tsa();
    return `${files.certificatePem.trim()}\n${files.caPem.trim()}\n`;
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify an RFC 3161 token (ours or a third party’s) against the data or its digest',
  })
  async verify(@Body() body: VerifyTokenRequestDto): Promise<TokenVerification> {
    if ((body.digest === undefined) === (body.data === undefined)) {
      throw new ValidationFailedError([
        { field: 'digest', pointer: '#/digest', message: 'give exactly one of digest and data' },
      ]);
    }
    const trusted =
      body.trustedCertificatesPem ??
      [...this.chain.consortium.members.values()]
        .map((m) => m.keyPairs.get('tsa')?.caPem ?? '')
        .join('\n');
    return verifyTimeStampToken(new Uint8Array(Buffer.from(body.token, 'base64')), {
      trustedCertificatesPem: trusted,
      ...(body.digest ? { digest: new Uint8Array(Buffer.from(body.digest, 'hex')) } : {}),
      ...(body.data ? { data: new Uint8Array(Buffer.from(body.data, 'base64')) } : {}),
      ...(body.nonce ? { nonce: BigInt(body.nonce) } : {}),
      ...(body.policy ? { policy: body.policy } : {}),
      ...(body.tsaSubjectCN ? { tsaSubjectCN: body.tsaSubjectCN } : {}),
    });
  }
}
