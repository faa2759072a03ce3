/**
 * EN 16931 in and out: `POST /invoices/import` takes a UBL 2.1 Invoice, validates it with the
 * official rules and issues it on chain for the signed-in merchant; `GET /invoices/:number/ubl`
 * exports any issued invoice (or credit note) as UBL that passes the same rules.
 */
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentAccount,
  type Principal,
  SignedIn,
  DomainError,
  type ProblemExtensions,
  ValidationFailedError,
} from '@trellis/shared';
import type { Request, Response } from 'express';
import {
  En16931Error,
  type ExportableInvoice,
  contractLines,
  exportUbl,
  importUbl,
} from '../en16931';
import { NoSuchInvoiceError } from '../errors';
import { type InvoiceView, InvoiceReadModel } from '../read-model/invoice-read-model';
import { IssueInvoiceCommand } from './commands';
import { INVOICE_ROLES } from './roles';

const MAX_XML_BYTES = 1024 * 1024;

/** A UBL document the EN 16931 library refused: `reason` is its code, `failures` the rules that fired. */
class UblRefusedError extends DomainError {
  readonly code = 'ubl-refused';
  readonly title = 'UBL document refused';
  readonly status = 422;
  constructor(detail: string, extensions: ProblemExtensions) {
    super(detail, extensions);
  }
}

function refused(error: En16931Error): UblRefusedError {
  return new UblRefusedError(error.message, {
    reason: error.code,
    field: error.field ?? null,
    failures: error.failures.map((f) => ({
      ruleId: f.ruleId,
      message: f.message,
      location: f.location,
    })),
  });
}

function readXml(req: Request): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!/^(application|text)\/xml\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      reject(
        new ValidationFailedError([
          { field: 'body', pointer: '#', message: 'send the UBL document as application/xml' },
        ]),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_XML_BYTES) {
        reject(
          new UblRefusedError(`a UBL document is at most ${MAX_XML_BYTES} bytes`, {
            reason: 'XML_TOO_LARGE',
          }),
        );
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The chain's invoice as EN 16931 sees it (BT numbers in the library's model). */
function exportable(
  v: InvoiceView,
  merchantName: string,
  originalIssueDate: string | undefined,
): ExportableInvoice {
  return {
    number: v.number,
    issueDate: v.issuedAt.slice(0, 10),
    currency: v.currency,
    seller: { name: merchantName, taxId: `CN${v.merchant.taxId}` },
    buyer: { name: v.buyer.name, ...(v.buyer.taxId ? { taxId: `CN${v.buyer.taxId}` } : {}) },
    lines: v.lines.map((l) => ({
      description: String(l['description']),
      quantity: BigInt(String(l['quantity'])),
      unitPriceMinor: BigInt(String(l['unitPriceMinor'])),
      taxRateBasisPoints: BigInt(String(l['taxRateBasisPoints'])),
      netMinor: BigInt(String(l['netMinor'])),
      taxMinor: BigInt(String(l['taxMinor'])),
    })),
    // checked by the export against the totals it computes from the lines
    totals: {
      lineNetMinor: BigInt(v.netMinor),
      taxMinor: BigInt(v.taxMinor),
      taxInclusiveMinor: BigInt(v.grossMinor),
    },
    ...(v.paymentId ? { paymentId: v.paymentId } : {}),
    ...(v.kind === 'credit-note' && v.original
      ? {
          creditNoteOf: {
            number: v.original,
            ...(originalIssueDate ? { issueDate: originalIssueDate } : {}),
          },
        }
      : {}),
  };
}

@ApiTags('invoice')
@Controller('invoices')
export class UblHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModel: InvoiceReadModel,
  ) {}

  @Post('import')
  @HttpCode(201)
  @SignedIn(INVOICE_ROLES.merchant)
  @ApiOperation({
    summary: 'Import a UBL 2.1 Invoice (EN 16931) and issue it on chain for the signed-in merchant',
    description:
      'Body: application/xml. Query: merchant (the registered tax id that issues), paymentId (else the document’s BT-83).',
  })
  async import(
    @CurrentAccount() { organisation: org }: Principal,
    @Req() req: Request,
    @Query('merchant') merchant?: string,
    @Query('paymentId') paymentId?: string,
  ): Promise<InvoiceView & { imported: { number: string } }> {
    const xml = await readXml(req);
    let imported;
    try {
      imported = importUbl(xml);
    } catch (error) {
      if (error instanceof En16931Error) throw refused(error);
      throw error;
    }
    const invoice = imported.invoice;
    if (invoice.kind !== 'invoice') {
      throw new UblRefusedError(
        'only Invoices are issued by import; credit notes are made on chain against their original',
        { reason: 'NOT_ISSUABLE' },
      );
    }
    if (invoice.currency !== 'CNY') {
      throw new UblRefusedError(
        `the chain issues invoices in CNY; this one is in ${invoice.currency}`,
        {
          reason: 'NOT_ISSUABLE',
          field: 'currency',
        },
      );
    }
    let lines;
    try {
      lines = contractLines(invoice);
    } catch (error) {
      if (error instanceof En16931Error) throw refused(error);
      throw error;
    }
    const payment = paymentId ?? invoice.paymentId;
    const body = {
      merchant: merchant ?? '',
      paymentId: payment ?? '',
      buyer: { name: invoice.buyer.name },
      lines: lines.map((l, i) => ({
        description: (invoice.lines[i]?.description ?? 'Item').slice(0, 100),
        quantity: Number(l.quantity),
        unitPriceMinor: Number(l.unitPriceMinor),
        taxRateBasisPoints: Number(l.taxRateBasisPoints),
      })),
    };
    const errors = [];
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(body.merchant)) {
      errors.push({
        field: 'merchant',
        pointer: '#/merchant',
        message: 'the issuing merchant’s tax id (query parameter)',
      });
    }
    if (!/^[A-Za-z0-9._:-]{1,64}$/.test(body.paymentId)) {
      errors.push({
        field: 'paymentId',
        pointer: '#/paymentId',
        message: 'a payment id: the query parameter or the document’s BT-83 (A-Z a-z 0-9 . _ : -)',
      });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
    const view = await this.commands.execute(new IssueInvoiceCommand(org, body as never));
    return { ...view, imported: { number: invoice.number } };
  }

  @Get(':number/ubl')
  @ApiOperation({
    summary: 'The invoice (or credit note) as UBL 2.1, valid under the EN 16931 rules',
  })
  async export(@Param('number') number: string, @Res() res: Response): Promise<void> {
    if (!/^\d{20}$/.test(number)) {
      throw new ValidationFailedError([
        { field: 'number', pointer: '#/number', message: 'an invoice number is 20 digits' },
      ]);
    }
    const view = await this.readModel.one(number);
    if (view === undefined) throw new NoSuchInvoiceError(`no invoice ${number}`);
    const merchant = (await this.readModel.merchants()).find(
      (m) => m['taxId'] === view.merchant.taxId,
    );
    const original = view.original ? await this.readModel.one(view.original) : undefined;
    let xml: string;
    try {
      xml = exportUbl(
        exportable(
          view,
          String(merchant?.['name'] ?? view.merchant.taxId),
          original?.issuedAt.slice(0, 10),
        ),
      );
    } catch (error) {
      if (error instanceof En16931Error) throw refused(error);
      throw error;
    }
    res
      .status(200)
      .type('application/xml')
      .setHeader('content-disposition', `attachment; filename="${number}.xml"`);
    res.end(xml);
  }
}
