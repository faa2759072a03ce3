import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IssueBatcher, MAX_ARGS_JSON, jsonSize } from './issue-batcher';
import { InvoiceSubmitter } from './submitter';
import { BatchTooLargeError, InvoiceRefusedError, NoSuchInvoiceError } from '../errors';
import type { InvoiceView } from '../read-model/invoice-read-model';
import type {
  CreditNoteDto,
  InvoiceLineDto,
  IssueInvoiceDto,
  IssueInvoicesDto,
  RecordPaymentDto,
  RegisterMerchantDto,
} from './invoice.dto';

const lines = (ls: readonly InvoiceLineDto[]) =>
  ls.map((l) => ({
    description: l.description,
    quantity: BigInt(l.quantity),
    unitPriceMinor: BigInt(l.unitPriceMinor),
    taxRateBasisPoints: BigInt(l.taxRateBasisPoints),
  }));

export class RegisterMerchantCommand extends Command<Record<string, unknown>> {
  constructor(
    readonly org: string,
    readonly body: RegisterMerchantDto,
  ) {
    super();
  }
}

@CommandHandler(RegisterMerchantCommand)
export class RegisterMerchantHandler implements ICommandHandler<RegisterMerchantCommand> {
  constructor(private readonly s: InvoiceSubmitter) {}

  async execute({ org, body }: RegisterMerchantCommand): Promise<Record<string, unknown>> {
    await this.s.run(this.s.chain.bureauSigner(org), 'registerMerchant', { ...body });
    return (await this.s.readModel.merchants()).find((m) => m['taxId'] === body.taxId)!;
  }
}

export class RecordPaymentCommand extends Command<Record<string, unknown>> {
  constructor(
    readonly org: string,
    readonly body: RecordPaymentDto,
  ) {
    super();
  }
}

@CommandHandler(RecordPaymentCommand)
export class RecordPaymentHandler implements ICommandHandler<RecordPaymentCommand> {
  constructor(private readonly s: InvoiceSubmitter) {}

  async execute({ org, body }: RecordPaymentCommand): Promise<Record<string, unknown>> {
    const committed = await this.s.run(this.s.chain.paymentsSigner(org), 'recordPayment', {
      merchant: body.merchant,
      paymentId: body.paymentId,
      amountMinor: BigInt(body.amountMinor),
    });
    return {
      merchant: body.merchant,
      paymentId: body.paymentId,
      amountMinor: String(body.amountMinor),
      processor: org,
      txId: committed.id,
      height: String(committed.height),
    };
  }
}

export class IssueInvoiceCommand extends Command<InvoiceView> {
  constructor(
    readonly org: string,
    readonly body: IssueInvoiceDto,
  ) {
    super();
  }
}

@CommandHandler(IssueInvoiceCommand)
export class IssueInvoiceHandler implements ICommandHandler<IssueInvoiceCommand> {
  constructor(
    private readonly s: InvoiceSubmitter,
    private readonly batcher: IssueBatcher,
  ) {}

  async execute({ org, body }: IssueInvoiceCommand): Promise<InvoiceView> {
    const { committed, index } = await this.batcher.issue(
      org,
      this.s.chain.member(org).service,
      issueArgs(body),
    );
    return this.s.invoiceOf(committed, index);
  }
}

/** The contract's `issue` arguments of one invoice of the API. */
function issueArgs(body: IssueInvoiceDto): Record<string, unknown> {
  return {
    merchant: body.merchant,
    paymentId: body.paymentId,
    ...(body.paymentSplit !== undefined ? { paymentSplit: BigInt(body.paymentSplit) } : {}),
    ...(body.channel !== undefined ? { channel: BigInt(body.channel) } : {}),
    buyer: {
      name: body.buyer.name,
      ...(body.buyer.taxId ? { taxId: body.buyer.taxId } : {}),
      ...(body.buyer.id ? { id: body.buyer.id } : {}),
    },
    lines: lines(body.lines),
  };
}

export class IssueInvoicesCommand extends Command<{ invoices: InvoiceView[] }> {
  constructor(
    readonly org: string,
    readonly body: IssueInvoicesDto,
  ) {
    super();
  }
}

/**
 * A merchant's system issues up to MAX_BATCH invoices in one request: one `issueBatch`
 * transaction, so all are issued (numbered in the request's order) or none, and a refusal
 * names the refused invoice's index.
 */
@CommandHandler(IssueInvoicesCommand)
export class IssueInvoicesHandler implements ICommandHandler<IssueInvoicesCommand> {
  constructor(private readonly s: InvoiceSubmitter) {}

  async execute({ org, body }: IssueInvoicesCommand): Promise<{ invoices: InvoiceView[] }> {
    const invoices = body.invoices.map(issueArgs);
    const size = invoices.reduce((sum, args) => sum + jsonSize(args), 0);
    if (size > MAX_ARGS_JSON) {
      throw new BatchTooLargeError(
        `these ${invoices.length} invoices take ${size} bytes, more than the ${MAX_ARGS_JSON} one transaction carries: send them in smaller batches`,
        { bytes: size, limit: MAX_ARGS_JSON },
      );
    }
    const signer = this.s.chain.member(org).service;
    const committed = await this.s.run(signer, 'issueBatch', { invoices });
    return {
      invoices: await Promise.all(invoices.map((_, i) => this.s.invoiceOf(committed, i))),
    };
  }
}

export class CreditNoteCommand extends Command<InvoiceView> {
  constructor(
    readonly org: string,
    readonly original: string,
    readonly body: CreditNoteDto,
  ) {
    super();
  }
}

@CommandHandler(CreditNoteCommand)
export class CreditNoteHandler implements ICommandHandler<CreditNoteCommand> {
  constructor(private readonly s: InvoiceSubmitter) {}

  async execute({ org, original, body }: CreditNoteCommand): Promise<InvoiceView> {
    await requireInvoice(this.s, original);
    const committed = await this.s.run(this.s.chain.member(org).service, 'creditNote', {
      original,
      reason: body.reason,
      lines: lines(body.lines),
    });
    return this.s.invoiceOf(committed);
  }
}

export type Transition = 'claim' | 'reimburse' | 'freeze' | 'unfreeze';

/** claim / reimburse / freeze / unfreeze of an invoice; resolves to the invoice after it. */
export class TransitionCommand extends Command<InvoiceView> {
  constructor(
    readonly org: string,
    readonly transition: Transition,
    readonly number: string,
    readonly args: Record<string, unknown>,
  ) {
    super();
  }
}

async function requireInvoice(s: InvoiceSubmitter, number: string): Promise<InvoiceView> {
  const view = await s.readModel.one(number);
  if (view === undefined) throw new NoSuchInvoiceError(`no invoice ${number}`);
  return view;
}

@CommandHandler(TransitionCommand)
export class TransitionHandler implements ICommandHandler<TransitionCommand> {
  constructor(private readonly s: InvoiceSubmitter) {}

  async execute({ org, transition, number, args }: TransitionCommand): Promise<InvoiceView> {
    await requireInvoice(this.s, number);
    const signer =
      transition === 'freeze' || transition === 'unfreeze'
        ? this.s.chain.bureauSigner(org)
        : this.s.chain.member(org).service;
    try {
      await this.s.run(signer, transition, { number, ...args });
    } catch (error) {
      if (
        error instanceof InvoiceRefusedError &&
        error.extensions['reason'] === 'already-reimbursed'
      ) {
        // The tax bureau sees every attempt to reimburse an invoice twice.
        await this.s.readModel.recordAnomaly(
          'duplicate-reimbursement',
          number,
          `${org} tried to reimburse it again`,
        );
      }
      throw error;
    }
    return requireInvoice(this.s, number);
  }
}
