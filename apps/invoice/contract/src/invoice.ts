import {
  type ContractContext,
  ContractError,
  DEFAULT_EXECUTION_LIMITS,
  decodeValue,
  encodeValue,
} from '@trellis/chain-core';
import {
  type ArgsMap,
  integer,
  invalid,
  map,
  optionalInteger,
  optionalText,
  pattern,
  text,
} from './args';
import { keys } from './keys';
import { type MerchantRecord, readMerchant, taxIdArg } from './merchant';
import { TaxInputError, invoiceTotals } from './tax';

export type InvoiceStatus = 'issued' | 'claimed' | 'reimbursed' | 'credited';
export type InvoiceKind = 'invoice' | 'credit-note';

export interface InvoiceLineRecord {
  readonly description: string;
  readonly quantity: bigint;
  readonly unitPriceMinor: bigint;
  readonly taxRateBasisPoints: bigint;
  readonly netMinor: bigint;
  readonly taxMinor: bigint;
}

export interface InvoiceRecord {
  /** 20 digits: year (2), province (2), channel (1), merchant ordinal (6), sequence (9). */
  readonly number: string;
  readonly kind: InvoiceKind;
  readonly merchantTaxId: string;
  readonly merchantOrg: string;
  readonly buyer: {
    readonly name: string;
    readonly taxId: string | null;
    readonly id: string | null;
  };
  readonly paymentId: string | null;
  readonly currency: 'CNY';
  readonly lines: readonly InvoiceLineRecord[];
  readonly netMinor: bigint;
  readonly taxMinor: bigint;
  readonly grossMinor: bigint;
  /** The original invoice a credit note reduces. */
  readonly original: string | null;
  readonly reason: string | null;
  readonly status: InvoiceStatus;
  /** Gross amount of the credit notes against this invoice so far. */
  readonly creditedMinor: bigint;
  readonly frozen: boolean;
  readonly claimedBy: { readonly org: string; readonly buyerId: string } | null;
  readonly reimbursedBy: string | null;
  readonly issuedAt: bigint;
  readonly issuedTimeMs: bigint;
}

export const MAX_LINES = 200;
const MAX_QUANTITY = 1_000_000_000n;
const MAX_UNIT_PRICE = 1_000_000_000_000n; // 10 000 000 000.00 yuan
export const PAYMENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** China Standard Time has no daylight saving: invoice years are UTC+8 years. */
const CST_OFFSET_MS = 8n * 3600n * 1000n;

export function readInvoice(
  state: ContractContext['state'],
  number: string,
): InvoiceRecord | undefined {
  const bytes = state.get(keys.invoice(number));
  return bytes === undefined ? undefined : (decodeValue(bytes) as unknown as InvoiceRecord);
}

function writeInvoice(ctx: ContractContext, record: InvoiceRecord): void {
  ctx.state.put(keys.invoice(record.number), encodeValue(record as never));
}

function requireInvoice(ctx: ContractContext, number: string): InvoiceRecord {
  const record = readInvoice(ctx.state, number);
  if (record === undefined) throw new ContractError('unknown-invoice', `no invoice ${number}`);
  return record;
}

function numberArg(m: ArgsMap, name = 'number'): string {
  return pattern(m, name, /^\d{20}$/, 'a 20-digit invoice number');
}

function parseLines(
  value: unknown,
): { description: string; quantity: bigint; unitPriceMinor: bigint; taxRateBasisPoints: bigint }[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LINES) {
    throw invalid('args.lines', `must be a list of 1..${MAX_LINES} lines`);
  }
  return value.map((raw, i) => {
    const field = `args.lines[${i}]`;
    const l = map(raw, field);
    return {
      description: text(l, 'description', 100, `${field}.description`),
      quantity: integer(l, 'quantity', 1n, MAX_QUANTITY, `${field}.quantity`),
      unitPriceMinor: integer(l, 'unitPriceMinor', 0n, MAX_UNIT_PRICE, `${field}.unitPriceMinor`),
      taxRateBasisPoints: integer(
        l,
        'taxRateBasisPoints',
        0n,
        10_000n,
        `${field}.taxRateBasisPoints`,
      ),
    };
  });
}

function priced(lines: ReturnType<typeof parseLines>) {
  try {
    const totals = invoiceTotals(lines);
    return {
      lines: lines.map((l, i) => ({
        ...l,
        netMinor: totals.lines[i]!.netMinor,
        taxMinor: totals.lines[i]!.taxMinor,
      })),
      netMinor: totals.netMinor,
      taxMinor: totals.taxMinor,
      grossMinor: totals.grossMinor,
    };
  } catch (error) {
    if (error instanceof TaxInputError) throw invalid(`args.${error.field}`, error.message);
    throw error;
  }
}

/** The next number of `merchant` for the block's year and `channel`: gap-free per merchant per year. */
function nextNumber(ctx: ContractContext, merchant: MerchantRecord, channel: bigint): string {
  const year = new Date(Number(ctx.block.timeMs + CST_OFFSET_MS)).getUTCFullYear();
  const key = keys.sequence(merchant.taxId, year);
  const last = ctx.state.get(key);
  const sequence = (last === undefined ? 0n : (decodeValue(last) as bigint)) + 1n;
  if (sequence > 999_999_999n)
    throw new ContractError(
      'sequence-exhausted',
      `${merchant.taxId} issued 999,999,999 invoices in ${year}`,
    );
  ctx.state.put(key, encodeValue(sequence));
  return (
    String(year % 100).padStart(2, '0') +
    merchant.region.slice(0, 2) +
    String(channel) +
    String(merchant.ordinal).padStart(6, '0') +
    String(sequence).padStart(9, '0')
  );
}

function requireIssuer(ctx: ContractContext, taxId: string): MerchantRecord {
  const merchant = readMerchant(ctx.state, taxId);
  if (merchant === undefined)
    throw new ContractError('unknown-merchant', `merchant ${taxId} is not registered`);
  if (merchant.org !== ctx.caller.org) {
    throw new ContractError(
      'not-the-merchant',
      `${ctx.caller.org} does not issue for merchant ${taxId} (${merchant.org} does)`,
    );
  }
  return merchant;
}

/** What every record starts as when it is issued, an invoice or a credit note. */
function newlyIssued(ctx: ContractContext) {
  return {
    currency: 'CNY',
    status: 'issued',
    creditedMinor: 0n,
    frozen: false,
    claimedBy: null,
    reimbursedBy: null,
    issuedAt: ctx.block.height,
    issuedTimeMs: ctx.block.timeMs,
  } as const;
}

function eventData(record: InvoiceRecord, ctx: ContractContext): Record<string, unknown> {
  return { ...record, height: ctx.block.height, timeMs: ctx.block.timeMs } as Record<
    string,
    unknown
  >;
}

/**
 * A merchant issues an invoice for a payment. The contract assigns the number, prices the lines
 * (tax per line, round half up: tax.ts) and allows one invoice per payment unless the first
 * invoice of the payment declared a split into `paymentSplit` invoices.
 */
export function issue(ctx: ContractContext, args: unknown): void {
  issueOne(ctx, args, new Map());
}

/**
 * `issue`, with the merchants this transaction already read: a batch of one merchant's
 * invoices decodes its record once, not once per invoice.
 */
function issueOne(
  ctx: ContractContext,
  args: unknown,
  merchants: Map<string, MerchantRecord>,
): void {
  const m = map(args, 'args');
  const merchantTaxId = taxIdArg(m, 'merchant');
  const paymentId = pattern(m, 'paymentId', PAYMENT_ID, '1..64 characters of A-Z a-z 0-9 . _ : -');
  const split = optionalInteger(m, 'paymentSplit', 2n, 99n);
  const channel = optionalInteger(m, 'channel', 0n, 9n) ?? 1n;
  const b = map(m['buyer'], 'args.buyer');
  const buyer = {
    name: text(b, 'name', 100, 'args.buyer.name'),
    taxId:
      b['taxId'] === undefined || b['taxId'] === null
        ? null
        : taxIdArg(b, 'taxId', 'args.buyer.taxId'),
    id: optionalText(b, 'id', 64, 'args.buyer.id') ?? null,
  };
  const amounts = priced(parseLines(m['lines']));
  const merchant = merchants.get(merchantTaxId) ?? requireIssuer(ctx, merchantTaxId);
  merchants.set(merchantTaxId, merchant);

  const paymentKey = keys.payment(merchantTaxId, paymentId);
  const paid = ctx.state.get(paymentKey);
  const payment =
    paid === undefined
      ? { invoices: 0n, split: split ?? 1n }
      : (decodeValue(paid) as { invoices: bigint; split: bigint });
  if (paid !== undefined && split !== undefined && split !== payment.split) {
    throw new ContractError(
      'split-mismatch',
      `payment ${paymentId} was declared split into ${payment.split}`,
    );
  }
  if (payment.invoices >= payment.split) {
    throw new ContractError(
      'payment-already-invoiced',
      `payment ${paymentId} already has ${payment.invoices} invoice(s)${payment.split > 1n ? ` of its ${payment.split}` : ''}`,
    );
  }
  ctx.state.put(paymentKey, encodeValue({ invoices: payment.invoices + 1n, split: payment.split }));

  const record: InvoiceRecord = {
    number: nextNumber(ctx, merchant, channel),
    kind: 'invoice',
    merchantTaxId,
    merchantOrg: merchant.org,
    buyer,
    paymentId,
    ...amounts,
    original: null,
    reason: null,
    ...newlyIssued(ctx),
  };
  writeInvoice(ctx, record);
  ctx.emit({ type: 'invoice.issued', data: eventData(record, ctx) });
}

/** Most invoices in one `issueBatch`: one event each, and a transaction emits at most 64. */
export const MAX_BATCH = DEFAULT_EXECUTION_LIMITS.maxEventsPerTransaction;

/**
 * Several invoices in one transaction, each exactly as `issue` would issue it, in order (so
 * their numbers follow each other). All or nothing: one refused invoice refuses the whole
 * transaction, its error naming the invoice's index. Emits one `invoice.issued` per invoice.
 */
export function issueBatch(ctx: ContractContext, args: unknown): void {
  const m = map(args, 'args');
  const invoices = m['invoices'];
  if (!Array.isArray(invoices) || invoices.length === 0 || invoices.length > MAX_BATCH) {
    throw invalid('args.invoices', `must be a list of 1..${MAX_BATCH} invoices`);
  }
  const merchants = new Map<string, MerchantRecord>();
  invoices.forEach((item: unknown, i) => {
    try {
      issueOne(ctx, item, merchants);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      throw new ContractError(error.code, `invoices[${i}]: ${error.message}`);
    }
  });
}

function requireLive(record: InvoiceRecord, action: string): void {
  if (record.frozen)
    throw new ContractError(
      'frozen',
      `invoice ${record.number} is frozen by the tax bureau: it cannot be ${action}`,
    );
  if (record.kind !== 'invoice')
    throw new ContractError(
      'not-an-invoice',
      `${record.number} is a credit note: it cannot be ${action}`,
    );
}

/** The buyer claims an issued invoice into its wallet (naming the buyer id the invoice names, if any). */
export function claim(ctx: ContractContext, args: unknown): void {
  const m = map(args, 'args');
  const number = numberArg(m);
  const buyerId = text(m, 'buyerId', 64);
  const record = requireInvoice(ctx, number);
  requireLive(record, 'claimed');
  if (record.status === 'credited') {
    throw new ContractError('fully-credited', `invoice ${number} is fully credited`);
  }
  if (record.status !== 'issued') {
    throw new ContractError('already-claimed', `invoice ${number} is ${record.status}`);
  }
  if (record.buyer.id !== null && record.buyer.id !== buyerId) {
    throw new ContractError('not-the-buyer', `invoice ${number} was issued to another buyer`);
  }
  const updated: InvoiceRecord = {
    ...record,
    status: 'claimed',
    claimedBy: { org: ctx.caller.org, buyerId },
  };
  writeInvoice(ctx, updated);
  ctx.emit({
    type: 'invoice.claimed',
    data: {
      number,
      org: ctx.caller.org,
      buyerId,
      grossMinor: record.grossMinor,
      height: ctx.block.height,
      timeMs: ctx.block.timeMs,
    },
  });
}

/**
 * An enterprise (the caller's organisation) reimburses a claimed invoice: exactly once, ever,
 * across all enterprises. A second attempt, by anyone, is refused (`already-reimbursed`).
 */
export function reimburse(ctx: ContractContext, args: unknown): void {
  const m = map(args, 'args');
  const number = numberArg(m);
  const record = requireInvoice(ctx, number);
  if (record.status === 'reimbursed') {
    throw new ContractError(
      'already-reimbursed',
      `invoice ${number} was reimbursed by ${record.reimbursedBy} already`,
    );
  }
  requireLive(record, 'reimbursed');
  if (record.status === 'credited')
    throw new ContractError('fully-credited', `invoice ${number} is fully credited`);
  if (record.status !== 'claimed')
    throw new ContractError('not-claimed', `invoice ${number} must be claimed by its buyer first`);
  const updated: InvoiceRecord = { ...record, status: 'reimbursed', reimbursedBy: ctx.caller.org };
  writeInvoice(ctx, updated);
  ctx.emit({
    type: 'invoice.reimbursed',
    data: {
      number,
      org: ctx.caller.org,
      amountMinor: record.grossMinor - record.creditedMinor,
      height: ctx.block.height,
      timeMs: ctx.block.timeMs,
    },
  });
}

/**
 * The merchant issues a credit note (red-letter invoice) against one of its invoices: positive
 * line amounts that reduce the original; the credit notes of an invoice never exceed its gross.
 */
export function creditNote(ctx: ContractContext, args: unknown): void {
  const m = map(args, 'args');
  const originalNumber = numberArg(m, 'original');
  const reason = text(m, 'reason', 200);
  const channel = optionalInteger(m, 'channel', 0n, 9n) ?? 1n;
  const amounts = priced(parseLines(m['lines']));
  const original = requireInvoice(ctx, originalNumber);
  requireLive(original, 'credited');
  const merchant = requireIssuer(ctx, original.merchantTaxId);
  const remaining = original.grossMinor - original.creditedMinor;
  if (amounts.grossMinor > remaining) {
    throw new ContractError(
      'credit-exceeds-remainder',
      `the credit note's gross ${amounts.grossMinor} exceeds what remains of invoice ${originalNumber}: ${remaining}`,
    );
  }
  const credited = original.creditedMinor + amounts.grossMinor;
  const note: InvoiceRecord = {
    number: nextNumber(ctx, merchant, channel),
    kind: 'credit-note',
    merchantTaxId: original.merchantTaxId,
    merchantOrg: merchant.org,
    buyer: original.buyer,
    paymentId: original.paymentId,
    ...amounts,
    original: originalNumber,
    reason,
    ...newlyIssued(ctx),
  };
  writeInvoice(ctx, note);
  writeInvoice(ctx, {
    ...original,
    creditedMinor: credited,
    // Fully credited before reimbursement: nothing is left to reimburse.
    status:
      credited === original.grossMinor && original.status !== 'reimbursed'
        ? 'credited'
        : original.status,
  });
  ctx.emit({
    type: 'invoice.credited',
    data: {
      ...eventData(note, ctx),
      originalCreditedMinor: credited,
      originalGrossMinor: original.grossMinor,
    },
  });
}

function setFrozen(ctx: ContractContext, args: unknown, frozen: boolean): void {
  const m = map(args, 'args');
  const number = numberArg(m);
  const reason = text(m, 'reason', 200);
  const record = requireInvoice(ctx, number);
  if (record.frozen === frozen) {
    throw new ContractError(
      frozen ? 'already-frozen' : 'not-frozen',
      `invoice ${number} is ${frozen ? 'frozen' : 'not frozen'} already`,
    );
  }
  writeInvoice(ctx, { ...record, frozen });
  ctx.emit({
    type: frozen ? 'invoice.frozen' : 'invoice.unfrozen',
    data: {
      number,
      reason,
      by: ctx.caller.org,
      height: ctx.block.height,
      timeMs: ctx.block.timeMs,
    },
  });
}

/** The tax bureau freezes a suspicious invoice: no claim, reimbursement or credit note until unfrozen. */
export function freeze(ctx: ContractContext, args: unknown): void {
  setFrozen(ctx, args, true);
}

export function unfreeze(ctx: ContractContext, args: unknown): void {
  setFrozen(ctx, args, false);
}
