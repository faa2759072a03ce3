import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidationFailedError, sendGenesis } from '@trellis/shared';
import type { Request, Response } from 'express';
import { EvidenceChain } from '../chain/evidence-chain';
import type { DepositView } from '../read-model/deposit-view';
import { FindByDigestQuery } from './commands';
import { hashUpload } from './stream-digests';

const HEX64 = /^[0-9a-f]{64}$/;

/** Public verification: which deposits hold this evidence, and the genesis proofs check against. */
@ApiTags('judicial-evidence')
@Controller()
export class VerifyHttpController {
  constructor(
    private readonly queries: QueryBus,
    private readonly chain: EvidenceChain,
  ) {}

  @Get('verify')
  @ApiOperation({ summary: 'Deposits of a digest: ?sha256=… or ?sm3=… (64 lower-case hex)' })
  byDigest(
    @Query('sha256') sha256?: string,
    @Query('sm3') sm3?: string,
  ): Promise<{ matches: DepositView[] }> {
    const given = [sha256 !== undefined && 'sha256', sm3 !== undefined && 'sm3'].filter(Boolean);
    if (given.length !== 1) {
      throw new ValidationFailedError([
        { field: 'sha256', pointer: '#/sha256', message: 'give exactly one of sha256 and sm3' },
      ]);
    }
    const algorithm = given[0] as 'sha256' | 'sm3';
    const hex = String(sha256 ?? sm3).toLowerCase();
    if (!HEX64.test(hex)) {
      throw new ValidationFailedError([
        { field: algorithm, pointer: `#/${algorithm}`, message: 'must be 64 hex digits' },
      ]);
    }
    return this.queries.execute(new FindByDigestQuery(algorithm, hex));
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hash a file (multipart part `file`, streamed, not stored) and find its deposits',
  })
  async byFile(
    @Req() req: Request,
  ): Promise<{ sha256: string; sm3: string; bytes: number; matches: DepositView[] }> {
    const upload = await hashUpload(req, this.chain.config.uploadLimitBytes);
    const { matches } = await this.queries.execute(new FindByDigestQuery('sha256', upload.sha256));
    return { sha256: upload.sha256, sm3: upload.sm3, bytes: upload.bytes, matches };
  }

  @Get('genesis')
  @ApiOperation({
    summary: "The chain's genesis file: the one trust anchor of every proof",
    description:
      'x-genesis-sha256 carries its SHA-256, to compare with the consortium’s published value.',
  })
  genesis(@Res() res: Response): void {
    sendGenesis(res, this.chain.consortium);
  }
}
