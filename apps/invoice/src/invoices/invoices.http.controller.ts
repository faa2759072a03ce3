import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentAccount,
  type Principal,
  SignedIn,
  ValidationFailedError,
  sendGenesis,
} from '@trellis/shared';
import type { Response } from 'express';
import { renderInvoicePdf } from '../documents/invoice-pdf';
import { InvoiceChainUnavailableError, NoBuyerIdError, NoSuchInvoiceError } from '../errors';
import {
  type InvoiceView,
  InvoiceReadModel,
  TOTAL_DIMENSIONS,
  type TotalDimension,
} from '../read-model/invoice-read-model';
import {
  CreditNoteCommand,
  IssueInvoiceCommand,
  IssueInvoicesCommand,
  RecordPaymentCommand,
  RegisterMerchantCommand,
  type Transition,
  TransitionCommand,
} from './commands';
import {
  CreditNoteDto,
  IssueInvoiceDto,
  IssueInvoicesDto,
  ReasonDto,
  RecordPaymentDto,
  RegisterMerchantDto,
} from './invoice.dto';
import { InvoiceChain } from '../chain/invoice-chain';
import { InvoiceProjection } from '../read-model/invoice-projection';
import { INVOICE_ROLES } from './roles';
import { IssueBatcher } from './issue-batcher';

function invoiceNumber(number: string): string {
  if (!/^\d{20}$/.test(number)) {
    throw new ValidationFailedError([
      { field: 'number', pointer: '#/number', message: 'an invoice number is 20 digits' },
    ]);
  }
  return number;
}

/** The buyer id a buyer account claims under: the account's subject. */
function buyerIdOf(account: Principal): string {
  if (account.subject === null) {
    throw new NoBuyerIdError(
      `${account.username} has the buyer role but no buyer id (the account's subject)`,
    );
  }
  return account.subject;
}

function limitOf(limit: string | undefined): number {
  const n = limit === undefined ? 100 : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw new ValidationFailedError([
      { field: 'limit', pointer: '#/limit', message: 'must be a whole number 1..500' },
    ]);
  }
  return n;
}

@ApiTags('invoice')
@Controller()
export class InvoicesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModel: InvoiceReadModel,
    private readonly chain: InvoiceChain,
    private readonly projection: InvoiceProjection,
    private readonly batcher: IssueBatcher,
  ) {}

  @Post('merchants')
  @HttpCode(201)
  @SignedIn(INVOICE_ROLES.taxBureau)
  @ApiOperation({ summary: 'The tax bureau registers a merchant' })
  register(
    @CurrentAccount() account: Principal,
    @Body() body: RegisterMerchantDto,
  ): Promise<Record<string, unknown>> {
    return this.commands.execute(new RegisterMerchantCommand(account.organisation, body));
  }

  @Post('payments')
  @HttpCode(201)
  @SignedIn(INVOICE_ROLES.payments)
  @ApiOperation({
    summary:
      'A payment processor records a payment to a merchant (once); invoices name their payment',
  })
  recordPayment(
    @CurrentAccount() account: Principal,
    @Body() body: RecordPaymentDto,
  ): Promise<Record<string, unknown>> {
    return this.commands.execute(new RecordPaymentCommand(account.organisation, body));
  }

  @Get('organisations')
  @ApiOperation({ summary: "The consortium's organisations (id and name), from its genesis" })
  organisations(): { id: string; name: string }[] {
    return [...this.chain.consortium.orgNames].map(([id, name]) => ({ id, name }));
  }

  @Get('merchants')
  @ApiOperation({ summary: 'Registered merchants' })
  merchants(): Promise<Record<string, unknown>[]> {
    return this.readModel.merchants();
  }

  @Post('invoices')
  @HttpCode(201)
  @SignedIn(INVOICE_ROLES.merchant)
  @ApiOperation({
    summary: 'A merchant issues an invoice for a payment; the chain assigns its number',
  })
  issue(@CurrentAccount() account: Principal, @Body() body: IssueInvoiceDto): Promise<InvoiceView> {
    return this.commands.execute(new IssueInvoiceCommand(account.organisation, body));
  }

  @Post('invoices/batch')
  @HttpCode(201)
  @SignedIn(INVOICE_ROLES.merchant)
  @ApiOperation({
    summary: "A merchant's system issues up to 64 invoices at once: all or none, numbered in order",
  })
  issueMany(
    @CurrentAccount() account: Principal,
    @Body() body: IssueInvoicesDto,
  ): Promise<{ invoices: InvoiceView[] }> {
    return this.commands.execute(new IssueInvoicesCommand(account.organisation, body));
  }

  @Get('invoices')
  @SignedIn(INVOICE_ROLES.merchant)
  @ApiOperation({
    summary: "The signed-in merchant organisation's issued invoices, newest first",
  })
  async issued(
    @CurrentAccount() { organisation: org }: Principal,
    @Query('limit') limit?: string,
  ): Promise<{ items: InvoiceView[] }> {
    this.chain.member(org);
    return { items: await this.readModel.many('merchant_org = $1', [org], limitOf(limit)) };
  }

  @Get('invoices/:number')
  @ApiOperation({
    summary: 'An invoice and its chain status (issued / claimed / reimbursed / credited, frozen)',
  })
  async one(
    @Param('number') number: string,
  ): Promise<InvoiceView & { history: Record<string, unknown>[] }> {
    const view = await this.readModel.one(invoiceNumber(number));
    if (view === undefined) throw new NoSuchInvoiceError(`no invoice ${number}`);
    return { ...view, history: await this.readModel.history(number) };
  }

  @Get('invoices/:number/proof')
  @ApiOperation({ summary: 'The proof bundle (CBOR) of the transaction that issued the invoice' })
  async proof(@Param('number') number: string, @Res() res: Response): Promise<void> {
    const view = await this.readModel.one(invoiceNumber(number));
    if (view === undefined) throw new NoSuchInvoiceError(`no invoice ${number}`);
    const bundle = await this.chain.proof(view.txId);
    res.status(200).type('application/cbor').end(Buffer.from(bundle));
  }

  @Get('invoices/:number/invoice.pdf')
  @ApiOperation({
    summary:
      'The invoice as a PDF signed by the merchant organisation, with a QR code of its status page',
  })
  async pdf(@Param('number') number: string, @Res() res: Response): Promise<void> {
    const view = await this.readModel.one(invoiceNumber(number));
    if (view === undefined) throw new NoSuchInvoiceError(`no invoice ${number}`);
    const keys = this.chain.keyPair(view.merchant.org, 'documents');
    if (keys === undefined) {
      throw new InvoiceChainUnavailableError(
        `this service holds no document key of ${view.merchant.org}`,
      );
    }
    const merchant = (await this.readModel.merchants()).find(
      (m) => m['taxId'] === view.merchant.taxId,
    );
    const pdf = await renderInvoicePdf(
      {
        invoice: view,
        merchantName: String(merchant?.['name'] ?? view.merchant.taxId),
        verifyUrl: `${this.chain.portalUrl}/invoices/${number}`,
        printedAt: new Date(),
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
      .setHeader('content-disposition', `attachment; filename="invoice-${number}.pdf"`);
    res.end(pdf);
  }

  @Get('invoices/:number/status-proof')
  @ApiOperation({
    summary: "A state proof bundle (CBOR) of the invoice's record on chain: its status now",
    description:
      'Verify it against the genesis (GET /genesis) with trellis-verify or in the browser.',
  })
  async statusProof(@Param('number') number: string, @Res() res: Response): Promise<void> {
    invoiceNumber(number);
    const bundle = await this.chain.stateProof(new TextEncoder().encode(`invoice/${number}`));
    res.status(200).type('application/cbor').end(Buffer.from(bundle));
  }

  @Get('genesis')
  @ApiOperation({ summary: "The chain's genesis file: the trust anchor of every proof" })
  genesis(@Res() res: Response): void {
    sendGenesis(res, this.chain.consortium);
  }

  @Post('invoices/:number/credit-notes')
  @HttpCode(201)
  @SignedIn(INVOICE_ROLES.merchant)
  @ApiOperation({
    summary: 'The merchant issues a credit note (red-letter invoice); never above what remains',
  })
  credit(
    @CurrentAccount() { organisation: org }: Principal,
    @Param('number') number: string,
    @Body() body: CreditNoteDto,
  ): Promise<InvoiceView> {
    return this.commands.execute(new CreditNoteCommand(org, invoiceNumber(number), body));
  }

  @Post('invoices/:number/claim')
  @HttpCode(200)
  @SignedIn(INVOICE_ROLES.buyer)
  @ApiOperation({
    summary: "The signed-in buyer claims the invoice into its wallet, under the buyer's own id",
  })
  claim(
    @CurrentAccount() account: Principal,
    @Param('number') number: string,
  ): Promise<InvoiceView> {
    return this.transition(account.organisation, 'claim', number, {
      buyerId: buyerIdOf(account),
    });
  }

  @Post('invoices/:number/reimburse')
  @HttpCode(200)
  @SignedIn(INVOICE_ROLES.enterprise)
  @ApiOperation({
    summary:
      'The signed-in enterprise reimburses the invoice: exactly once, ever, across all enterprises',
  })
  reimburse(
    @CurrentAccount() { organisation: org }: Principal,
    @Param('number') number: string,
  ): Promise<InvoiceView> {
    return this.transition(org, 'reimburse', number, {});
  }

  @Post('invoices/:number/freeze')
  @HttpCode(200)
  @SignedIn(INVOICE_ROLES.taxBureau)
  @ApiOperation({ summary: 'The tax bureau freezes a suspicious invoice' })
  freeze(
    @CurrentAccount() { organisation: org }: Principal,
    @Param('number') number: string,
    @Body() body: ReasonDto,
  ): Promise<InvoiceView> {
    return this.transition(org, 'freeze', number, { reason: body.reason });
  }

  @Post('invoices/:number/unfreeze')
  @HttpCode(200)
  @SignedIn(INVOICE_ROLES.taxBureau)
  @ApiOperation({ summary: 'The tax bureau lifts a freeze' })
  unfreeze(
    @CurrentAccount() { organisation: org }: Principal,
    @Param('number') number: string,
    @Body() body: ReasonDto,
  ): Promise<InvoiceView> {
    return this.transition(org, 'unfreeze', number, { reason: body.reason });
  }

  @Get('wallet')
  @SignedIn(INVOICE_ROLES.buyer)
  @ApiOperation({ summary: "The signed-in buyer's wallet: the invoices it claimed" })
  async wallet(
    @CurrentAccount() account: Principal,
    @Query('limit') limit?: string,
  ): Promise<{ items: InvoiceView[] }> {
    return {
      items: await this.readModel.many(
        'claimed_buyer_id = $1',
        [buyerIdOf(account)],
        limitOf(limit),
      ),
    };
  }

  @Get('reimbursements')
  @SignedIn(INVOICE_ROLES.enterprise)
  @ApiOperation({ summary: "The signed-in enterprise's reimbursement ledger" })
  async ledger(
    @CurrentAccount() { organisation: org }: Principal,
    @Query('limit') limit?: string,
  ): Promise<{ items: InvoiceView[] }> {
    this.chain.member(org);
    return { items: await this.readModel.many('reimbursed_by = $1', [org], limitOf(limit)) };
  }

  @Get('supervision/totals')
  @SignedIn(INVOICE_ROLES.taxBureau)
  @ApiOperation({
    summary:
      'Tax bureau: totals per merchant, industry, region or day (CST); credit notes subtract',
  })
  totals(@Query('by') by?: string): Promise<Record<string, unknown>[]> {
    if (!(TOTAL_DIMENSIONS as readonly string[]).includes(by ?? '')) {
      throw new ValidationFailedError([
        { field: 'by', pointer: '#/by', message: `must be one of ${TOTAL_DIMENSIONS.join(', ')}` },
      ]);
    }
    return this.readModel.totals(by as TotalDimension);
  }

  @Get('read-model')
  @ApiOperation({
    summary:
      'How far the read model has applied the chain (its last block height), and how this process grouped issues into transactions',
  })
  async readModelHeight(): Promise<{
    height: string;
    issuing: { transactions: number; invoices: number; retriedAlone: number };
  }> {
    return { height: String(await this.projection.height()), issuing: { ...this.batcher.stats } };
  }

  @Get('supervision/anomalies')
  @SignedIn(INVOICE_ROLES.taxBureau)
  @ApiOperation({
    summary: 'Tax bureau: repeated reimbursement attempts, large credit notes, bursts',
  })
  anomalies(): Promise<Record<string, unknown>[]> {
    return this.readModel.anomalies();
  }

  private transition(
    org: string,
    t: Transition,
    number: string,
    args: Record<string, unknown>,
  ): Promise<InvoiceView> {
    return this.commands.execute(new TransitionCommand(org, t, invoiceNumber(number), args));
  }
}
