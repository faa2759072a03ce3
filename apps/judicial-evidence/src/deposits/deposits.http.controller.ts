import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentAccount,
  type Principal,
  SignedIn,
  ValidationFailedError,
  toFieldErrors,
} from '@trellis/shared';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { EvidenceChain } from '../chain/evidence-chain';
import { renderEvidenceCertificate } from '../certificate';
import { CertificateUnavailableError, NoSuchDepositError, NotDepositorError } from '../errors';
import type { DepositView, PresentationView } from '../read-model/deposit-view';
import { EvidenceReadModel } from '../read-model/evidence-read-model';
import {
  DepositEvidenceCommand,
  EvidenceChainQuery,
  GetDepositQuery,
  ListDepositsQuery,
  RecordPresentationCommand,
} from './commands';
import {
  DepositDigestRequestDto,
  DepositFieldsDto,
  PresentRequestDto,
} from './deposit.request.dto';
import { EVIDENCE_ROLES } from './roles';
import { hashUpload } from './stream-digests';

const HEX64 = /^[0-9a-f]{64}$/;

export function depositIdParam(id: string): string {
  if (!HEX64.test(id)) {
    throw new ValidationFailedError([
      { field: 'id', pointer: '#/id', message: 'a deposit id is 64 lower-case hex digits' },
    ]);
  }
  return id;
}

function bad(field: string, message: string): ValidationFailedError {
  return new ValidationFailedError([{ field, pointer: `#/${field}`, message }]);
}

@ApiTags('judicial-evidence')
@Controller('deposits')
export class DepositsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly chain: EvidenceChain,
    private readonly readModel: EvidenceReadModel,
  ) {}

  @Post()
  @HttpCode(201)
  @SignedIn(EVIDENCE_ROLES.depositor)
  @ApiOperation({
    summary:
      "Deposit evidence by its digests (the evidence stays with you), as the signed-in depositor's organisation",
  })
  deposit(
    @CurrentAccount() { organisation: org }: Principal,
    @Body() body: DepositDigestRequestDto,
  ): Promise<DepositView> {
    return this.commands.execute(new DepositEvidenceCommand(org, body));
  }

  @Post('upload')
  @HttpCode(201)
  @SignedIn(EVIDENCE_ROLES.depositor)
  @ApiOperation({
    summary: 'Deposit a file: streamed and hashed (SHA-256 + SM3) on the way, never stored',
    description:
      'multipart/form-data: fields type, title, parent?, corrects?, metadata? (JSON text), metadataRecipients? (comma-separated), and the part `file` (up to 2 GiB).',
  })
  async upload(
    @CurrentAccount() { organisation: org }: Principal,
    @Req() req: Request,
  ): Promise<DepositView> {
    this.chain.member(org); // an unknown member is refused before the upload is read
    const upload = await hashUpload(req, this.chain.config.uploadLimitBytes);
    const f = upload.fields;
    let metadata: unknown;
    if (f['metadata'] !== undefined) {
      try {
        metadata = JSON.parse(f['metadata']);
      } catch {
        throw bad('metadata', 'must be JSON text');
      }
    }
    const fields = plainToInstance(DepositFieldsDto, {
      type: f['type'],
      title: f['title'],
      ...(f['parent'] ? { parent: f['parent'] } : {}),
      ...(f['corrects'] ? { corrects: f['corrects'] } : {}),
      ...(metadata !== undefined ? { metadata } : {}),
      ...(f['metadataRecipients']
        ? { metadataRecipients: f['metadataRecipients'].split(',').map((s) => s.trim()) }
        : {}),
    });
    const errors = await validate(fields, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new ValidationFailedError(toFieldErrors(errors));
    return this.commands.execute(
      new DepositEvidenceCommand(org, { ...fields, sha256: upload.sha256, sm3: upload.sm3 }),
    );
  }

  @Get()
  @SignedIn(EVIDENCE_ROLES.depositor)
  @ApiOperation({
    summary:
      "The signed-in depositor organisation's deposits, newest first; q searches title, id and digests",
  })
  list(
    @CurrentAccount() { organisation: org }: Principal,
    @Query('q') q?: string,
    @Query('type') type?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ): Promise<{ items: DepositView[]; next: string | null }> {
    this.chain.member(org);
    const n = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 200)
      throw bad('limit', 'must be a whole number 1..200');
    if (q !== undefined && (typeof q !== 'string' || q.length > 200)) {
      throw bad('q', 'must be text of at most 200 characters');
    }
    if (type !== undefined && typeof type !== 'string') throw bad('type', 'must be text');
    let cursor: { height: bigint; txIndex: number } | undefined;
    if (before !== undefined) {
      const m = /^(\d{1,19})\.(\d{1,9})$/.exec(String(before));
      if (!m) throw bad('before', 'must be a cursor from a previous page');
      cursor = { height: BigInt(m[1]!), txIndex: Number(m[2]) };
    }
    return this.queries.execute(
      new ListDepositsQuery({
        depositor: org,
        limit: n,
        ...(q ? { q } : {}),
        ...(type ? { type } : {}),
        ...(cursor ? { before: cursor } : {}),
      }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'A deposit (public: a court looks it up without an account)' })
  get(@Param('id') id: string): Promise<DepositView> {
    return this.queries.execute(new GetDepositQuery(depositIdParam(id)));
  }

  @Get(':id/chain')
  @ApiOperation({
    summary: 'The evidence chain the deposit belongs to (parents, children, corrections)',
  })
  evidenceChain(@Param('id') id: string): Promise<{ root: string; deposits: DepositView[] }> {
    return this.queries.execute(new EvidenceChainQuery(depositIdParam(id)));
  }

  @Get(':id/proof')
  @ApiOperation({
    summary: 'The proof bundle (CBOR) of the deposit transaction and its receipt',
    description: 'Verify it against genesis with trellis-verify or the court verification page.',
  })
  async proof(@Param('id') id: string, @Res() res: Response): Promise<void> {
    depositIdParam(id);
    if ((await this.readModel.byId(id)) === undefined)
      throw new NoSuchDepositError(`no deposit ${id}`);
    const bundle = await this.chain.proof(id);
    res
      .status(200)
      .type('application/cbor')
      .setHeader('content-disposition', `attachment; filename="${id}.proof"`);
    res.end(Buffer.from(bundle));
  }

  @Get(':id/certificate.pdf')
  @ApiOperation({
    summary: 'The evidence certificate: a PDF signed by the depositor organisation (PAdES / CMS)',
    description: 'Its QR code opens the court verification page of this deposit.',
  })
  async certificate(@Param('id') id: string, @Res() res: Response): Promise<void> {
    depositIdParam(id);
    const row = await this.readModel.byId(id);
    if (row === undefined) throw new NoSuchDepositError(`no deposit ${id}`);
    const [view] = await this.readModel.views([row]);
    const keys = this.chain.keyPair(row.depositor, 'documents');
    if (keys === undefined) {
      throw new CertificateUnavailableError(
        `this service holds no document-signing key of ${row.depositor}: its certificates are issued by its own service`,
      );
    }
    const pdf = await renderEvidenceCertificate(
      {
        depositId: row.id,
        title: row.title,
        evidenceType: row.type,
        sha256: row.sha256,
        sm3: row.sm3,
        depositorOrg: row.depositor,
        depositorName: view!.depositorName,
        depositedAt: new Date(Number(row.time_ms)),
        height: BigInt(row.height),
        blockHash: row.block_hash,
        chainId: this.chain.consortium.chainId,
        parentDepositId: row.parent,
        correctsDepositId: row.corrects,
        verifyUrl: view!.links.verifyPage,
        issuedAt: new Date(),
      },
      {
        certificatePem: keys.certificatePem,
        privateKeyPem: keys.privateKeyPem,
        chainPem: keys.caPem,
      },
    );
    res
      .status(200)
      .type('application/pdf')
      .setHeader('content-disposition', `attachment; filename="evidence-${id.slice(0, 16)}.pdf"`);
    res.end(pdf);
  }

  @Get(':id/metadata')
  @SignedIn(EVIDENCE_ROLES.depositor)
  @ApiOperation({
    summary: "The deposit's private metadata, for a depositor account of a recipient organisation",
  })
  async metadata(
    @CurrentAccount() { organisation: org }: Principal,
    @Param('id') id: string,
  ): Promise<{ metadata: unknown }> {
    depositIdParam(id);
    const row = await this.readModel.byId(id);
    if (row === undefined) throw new NoSuchDepositError(`no deposit ${id}`);
    if (row.private_hash === null)
      throw new NoSuchDepositError(`deposit ${id} has no private metadata`);
    if (!(row.private_recipients ?? []).includes(org)) {
      throw new NotDepositorError(`${org} is not a recipient of this deposit's metadata`);
    }
    const payload = await this.chain.readPrivate(org, id);
    return { metadata: JSON.parse(new TextDecoder().decode(payload)) as unknown };
  }

  @Post(':id/presentations')
  @HttpCode(201)
  @SignedIn(EVIDENCE_ROLES.court)
  @ApiOperation({
    summary:
      "A court records that the deposit was presented in a case, as the signed-in account's court",
  })
  present(
    @CurrentAccount() { organisation: org }: Principal,
    @Param('id') id: string,
    @Body() body: PresentRequestDto,
  ): Promise<PresentationView> {
    return this.commands.execute(
      new RecordPresentationCommand(org, depositIdParam(id), body.caseNumber),
    );
  }
}
