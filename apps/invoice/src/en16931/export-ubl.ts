import { taxLine } from '@trellis/invoice-contract';
import { Document, type Element, serializeToWellFormedString } from 'slimdom';
import { En16931Error } from './errors';
import {
  VAT_CATEGORIES,
  type DocumentAllowanceCharge,
  type ExportableInvoice,
  type ExportableLine,
  type Party,
  type PostalAddress,
  type Totals,
  type VatBreakdown,
  type VatCategory,
} from './model';
import {
  basisPointsToPercent,
  divideRoundHalfUp,
  minorToAmount,
  normalizeDecimal,
  scaledToDecimal,
} from './money';
import { ublValidator } from './validate-ubl';
import { NS, parseXml } from './xml';

/**
 * ExportableInvoice → UBL 2.1 Invoice (380) or CreditNote (381, with a BillingReference to the
 * original), in the UBL element order, built as a DOM (slimdom) and serialised by slimdom, so all
 * text is escaped by the library. The result is validated with the EN 16931 rules before it is
 * returned; a fatal failure is an En16931Error RULES_FAILED (pass `{ validate: false }` to skip).
 *
 * VAT breakdown (BG-23), unless given: one subtotal per (category, rate); taxable = Σ line net
 * + charges − allowances; tax = Σ line taxMinor (the contract's per-line round-half-up,
 * contract/src/tax.ts) + round-half-up(net charges × rate). EN 16931 rounds per category instead;
 * BR-S-08/BR-S-09 accept a difference below 1.00, which per-line rounding stays within below 200
 * lines of one rate.
 */

export interface ExportOptions {
  /** Validate the output against EN 16931 and throw on a fatal failure (default true). */
  readonly validate?: boolean;
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';
/** True when `s` holds a code point XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/F, lone surrogates). */
function hasNonXmlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}
const DEFAULT_EXEMPTION: Partial<Record<VatCategory, string>> = {
  E: 'Exempt from VAT',
  AE: 'Reverse charge',
  K: 'Intra-community supply',
  G: 'Export outside the EU',
  O: 'Not subject to VAT',
};

function fail(field: string, message: string): never {
  throw new En16931Error('FIELD_INVALID', message, field);
}

function text(value: unknown, field: string, max = 1000): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
  if (value.length > max) fail(field, `must be at most ${max} characters`);
  if (hasNonXmlChar(value)) fail(field, 'contains a character XML 1.0 cannot carry');
  return value;
}

function date(value: unknown, field: string): string {
  const s = text(value, field, 10);
  const d = new Date(`${s}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(s) ||
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== s
  ) {
    fail(field, `"${s}" is not a calendar date YYYY-MM-DD`);
  }
  return s;
}

function code(value: unknown, pattern: RegExp, field: string, what: string): string {
  const s = text(value, field, 10);
  if (!pattern.test(s)) fail(field, `"${s}" is not ${what}`);
  return s;
}

function minor(value: unknown, field: string): bigint {
  if (typeof value !== 'bigint') fail(field, 'must be a bigint amount in minor units');
  return value;
}

function rateBp(value: unknown, field: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > 10_000n)
    fail(field, 'must be a bigint from 0 to 10000');
  return value;
}

function category(
  line: { vatCategory?: VatCategory | undefined; taxRateBasisPoints: bigint },
  field: string,
): VatCategory {
  const c = line.vatCategory ?? (line.taxRateBasisPoints > 0n ? 'S' : 'Z');
  if (!VAT_CATEGORIES.includes(c)) fail(field, `"${String(c)}" is not a UNCL 5305 VAT category`);
  return c;
}

/** A small element builder over a slimdom document. */
class Builder {
  readonly doc = new Document();

  el(
    parent: Element | Document,
    name: string,
    value?: string,
    attrs: Record<string, string> = {},
  ): Element {
    const [prefix] = name.split(':');
    const ns = prefix === 'cac' ? NS.cac : prefix === 'cbc' ? NS.cbc : null;
    const e = this.doc.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (value !== undefined) e.appendChild(this.doc.createTextNode(value));
    parent.appendChild(e);
    return e;
  }

  opt(parent: Element, name: string, value: string | undefined): void {
    if (value !== undefined && value !== '') this.el(parent, name, value);
  }

  amount(parent: Element, name: string, value: bigint, currency: string): void {
    this.el(parent, name, minorToAmount(value), { currencyID: currency });
  }

  taxCategory(
    parent: Element,
    name: string,
    cat: VatCategory,
    rate: bigint,
    exemption?: { reason?: string; code?: string },
  ): void {
    const c = this.el(parent, name);
    this.el(c, 'cbc:ID', cat);
    // BR-O-05/-06/-07: the "not subject to VAT" category carries no rate.
    if (cat !== 'O') this.el(c, 'cbc:Percent', basisPointsToPercent(rate));
    if (exemption) {
      this.opt(c, 'cbc:TaxExemptionReasonCode', exemption.code);
      this.opt(c, 'cbc:TaxExemptionReason', exemption.reason);
    }
    this.el(this.el(c, 'cac:TaxScheme'), 'cbc:ID', 'VAT');
  }
}

function vatId(p: Party, country: string, field: string): string | undefined {
  if (p.taxId === undefined) return undefined;
  const id = text(p.taxId, field, 100).trim();
  // BR-CO-09: a VAT identifier starts with its ISO country code; a Chinese USCC does not, so prefix it.
  return /^[A-Z]{2}/.test(id) ? id : `${country}${id}`;
}

function writeAddress(b: Builder, parent: Element, a: PostalAddress, field: string): void {
  const e = b.el(parent, 'cac:PostalAddress');
  b.opt(
    e,
    'cbc:StreetName',
    a.street === undefined ? undefined : text(a.street, `${field}.street`),
  );
  b.opt(
    e,
    'cbc:AdditionalStreetName',
    a.additionalStreet === undefined
      ? undefined
      : text(a.additionalStreet, `${field}.additionalStreet`),
  );
  b.opt(e, 'cbc:CityName', a.city === undefined ? undefined : text(a.city, `${field}.city`));
  b.opt(
    e,
    'cbc:PostalZone',
    a.postalCode === undefined ? undefined : text(a.postalCode, `${field}.postalCode`),
  );
  b.opt(
    e,
    'cbc:CountrySubentity',
    a.subdivision === undefined ? undefined : text(a.subdivision, `${field}.subdivision`),
  );
  b.el(
    b.el(e, 'cac:Country'),
    'cbc:IdentificationCode',
    code(a.countryCode, /^[A-Z]{2}$/, `${field}.countryCode`, 'an ISO 3166-1 alpha-2 code'),
  );
}

function writeParty(b: Builder, parent: Element, wrapper: string, p: Party, field: string): void {
  if (typeof p !== 'object' || p === null) fail(field, 'must be an object');
  const party = b.el(b.el(parent, wrapper), 'cac:Party');
  if (p.electronicAddress) {
    b.el(party, 'cbc:EndpointID', text(p.electronicAddress.id, `${field}.electronicAddress.id`), {
      schemeID: text(p.electronicAddress.scheme, `${field}.electronicAddress.scheme`, 10),
    });
  }
  for (const [i, ident] of (p.identifiers ?? []).entries()) {
    const id = text(ident.id, `${field}.identifiers[${i}].id`);
    b.el(
      b.el(party, 'cac:PartyIdentification'),
      'cbc:ID',
      id,
      ident.scheme ? { schemeID: ident.scheme } : {},
    );
  }
  if (p.tradingName !== undefined)
    b.el(b.el(party, 'cac:PartyName'), 'cbc:Name', text(p.tradingName, `${field}.tradingName`));
  const address = p.address ?? { countryCode: 'CN' };
  writeAddress(b, party, address, `${field}.address`);
  const vat = vatId(p, address.countryCode, `${field}.taxId`);
  if (vat) {
    const ts = b.el(party, 'cac:PartyTaxScheme');
    b.el(ts, 'cbc:CompanyID', vat);
    b.el(b.el(ts, 'cac:TaxScheme'), 'cbc:ID', 'VAT');
  }
  const legal = b.el(party, 'cac:PartyLegalEntity');
  b.el(legal, 'cbc:RegistrationName', text(p.name, `${field}.name`, 500));
  if (p.legalId !== undefined)
    b.el(legal, 'cbc:CompanyID', text(p.legalId, `${field}.legalId`, 100));
}

interface CheckedLine {
  readonly line: ExportableLine;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly category: VatCategory;
}

function checkLine(line: ExportableLine, i: number): CheckedLine {
  const field = `lines[${i}]`;
  if (typeof line !== 'object' || line === null) fail(field, 'must be an object');
  text(line.description, `${field}.description`, 1000);
  minor(line.netMinor, `${field}.netMinor`);
  minor(line.taxMinor, `${field}.taxMinor`);
  rateBp(line.taxRateBasisPoints, `${field}.taxRateBasisPoints`);
  const quantity =
    typeof line.quantity === 'bigint'
      ? line.quantity.toString()
      : normalizeDecimal(text(line.quantity, `${field}.quantity`, 40), `${field}.quantity`);
  let unitPrice: string;
  if (line.unitPrice !== undefined)
    unitPrice = normalizeDecimal(
      text(line.unitPrice, `${field}.unitPrice`, 40),
      `${field}.unitPrice`,
    );
  else if (typeof line.unitPriceMinor === 'bigint')
    unitPrice = scaledToDecimal(line.unitPriceMinor, 2);
  else fail(`${field}.unitPriceMinor`, 'must be a bigint, or unitPrice must be given');
  if (unitPrice.startsWith('-')) fail(`${field}.unitPrice`, 'must not be negative (BR-27)');
  if (
    typeof line.quantity === 'bigint' &&
    !line.baseQuantity &&
    !line.allowanceCharges?.length &&
    typeof line.unitPriceMinor === 'bigint'
  ) {
    // A line from the chain: its amounts must follow the contract's rule exactly.
    const expectedNet = line.quantity * line.unitPriceMinor;
    if (line.netMinor !== expectedNet) {
      throw new En16931Error(
        'TOTALS_INCONSISTENT',
        `netMinor ${line.netMinor} ≠ quantity × unitPriceMinor = ${expectedNet}`,
        `${field}.netMinor`,
      );
    }
    if (line.quantity > 0n && line.unitPriceMinor >= 0n) {
      const { taxMinor } = taxLine(
        {
          quantity: line.quantity,
          unitPriceMinor: line.unitPriceMinor,
          taxRateBasisPoints: line.taxRateBasisPoints,
        },
        field,
      );
      if (taxMinor !== line.taxMinor) {
        throw new En16931Error(
          'TOTALS_INCONSISTENT',
          `taxMinor ${line.taxMinor} ≠ round-half-up(net × rate) = ${taxMinor}`,
          `${field}.taxMinor`,
        );
      }
    }
  }
  return { line, quantity, unitPrice, category: category(line, `${field}.vatCategory`) };
}

function breakdown(
  lines: readonly CheckedLine[],
  charges: readonly DocumentAllowanceCharge[],
): VatBreakdown[] {
  const groups = new Map<
    string,
    { cat: VatCategory; rate: bigint; taxable: bigint; tax: bigint; acNet: bigint }
  >();
  const group = (cat: VatCategory, rate: bigint) => {
    const key = `${cat}/${rate}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { cat, rate, taxable: 0n, tax: 0n, acNet: 0n }));
    return g;
  };
  for (const l of lines) {
    const g = group(l.category, l.line.taxRateBasisPoints);
    g.taxable += l.line.netMinor;
    g.tax += l.line.taxMinor;
  }
  for (const ac of charges) {
    const g = group(ac.vatCategory, ac.taxRateBasisPoints);
    const signed = ac.isCharge ? ac.amountMinor : -ac.amountMinor;
    g.taxable += signed;
    g.acNet += signed;
  }
  return [...groups.values()].map((g) => ({
    vatCategory: g.cat,
    taxRateBasisPoints: g.rate,
    taxableMinor: g.taxable,
    taxMinor: g.tax + divideRoundHalfUp(g.acNet * g.rate, 10_000n),
    ...(DEFAULT_EXEMPTION[g.cat] ? { exemptionReason: DEFAULT_EXEMPTION[g.cat] } : {}),
  }));
}

function computeTotals(
  inv: ExportableInvoice,
  lines: readonly CheckedLine[],
  charges: readonly DocumentAllowanceCharge[],
  vat: readonly VatBreakdown[],
): Totals {
  const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const lineNetMinor = sum(lines.map((l) => l.line.netMinor));
  const allowanceTotalMinor = sum(charges.filter((c) => !c.isCharge).map((c) => c.amountMinor));
  const chargeTotalMinor = sum(charges.filter((c) => c.isCharge).map((c) => c.amountMinor));
  const taxExclusiveMinor = lineNetMinor - allowanceTotalMinor + chargeTotalMinor;
  const taxMinor = sum(vat.map((v) => v.taxMinor));
  const taxInclusiveMinor = taxExclusiveMinor + taxMinor;
  const prepaidMinor = inv.totals?.prepaidMinor ?? 0n;
  const roundingMinor = inv.totals?.roundingMinor ?? 0n;
  const computed: Totals = {
    lineNetMinor,
    allowanceTotalMinor,
    chargeTotalMinor,
    taxExclusiveMinor,
    taxMinor,
    taxInclusiveMinor,
    prepaidMinor: minor(prepaidMinor, 'totals.prepaidMinor'),
    roundingMinor: minor(roundingMinor, 'totals.roundingMinor'),
    payableMinor: taxInclusiveMinor - prepaidMinor + roundingMinor,
  };
  for (const [k, v] of Object.entries(inv.totals ?? {}) as [keyof Totals, bigint | undefined][]) {
    if (v === undefined) continue;
    if (minor(v, `totals.${k}`) !== computed[k]) {
      throw new En16931Error(
        'TOTALS_INCONSISTENT',
        `${v} given, ${computed[k]} computed from the lines`,
        `totals.${k}`,
      );
    }
  }
  return computed;
}

/** Builds the UBL document (no validation). */
export function buildUbl(inv: ExportableInvoice): string {
  if (typeof inv !== 'object' || inv === null) fail('invoice', 'must be an object');
  if (inv.kind !== undefined && inv.kind !== 'invoice' && inv.kind !== 'credit-note')
    fail('kind', "must be 'invoice' or 'credit-note'");
  const creditNote =
    (inv.kind ?? (inv.creditNoteOf !== undefined ? 'credit-note' : 'invoice')) === 'credit-note';
  const currency = code(inv.currency, /^[A-Z]{3}$/, 'currency', 'an ISO 4217 code');
  if (!Array.isArray(inv.lines) || inv.lines.length === 0)
    fail('lines', 'must be a non-empty array');
  const lines = inv.lines.map(checkLine);
  const charges = inv.allowanceCharges ?? [];
  charges.forEach((c, i) => {
    minor(c.amountMinor, `allowanceCharges[${i}].amountMinor`);
    rateBp(c.taxRateBasisPoints, `allowanceCharges[${i}].taxRateBasisPoints`);
  });
  const vat = inv.vatBreakdown ?? breakdown(lines, charges);
  const totals = computeTotals(inv, lines, charges, vat);

  const b = new Builder();
  const root = b.doc.createElementNS(
    creditNote ? NS.creditNote : NS.invoice,
    creditNote ? 'CreditNote' : 'Invoice',
  );
  root.setAttributeNS(XMLNS, 'xmlns:cac', NS.cac);
  root.setAttributeNS(XMLNS, 'xmlns:cbc', NS.cbc);
  b.doc.appendChild(root);

  b.el(root, 'cbc:CustomizationID', 'urn:cen.eu:en16931:2017');
  b.el(root, 'cbc:ID', text(inv.number, 'number', 200));
  b.el(root, 'cbc:IssueDate', date(inv.issueDate, 'issueDate'));
  const dueDate = inv.dueDate === undefined ? undefined : date(inv.dueDate, 'dueDate');
  if (!creditNote && dueDate) b.el(root, 'cbc:DueDate', dueDate);
  b.el(
    root,
    creditNote ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode',
    code(inv.typeCode ?? (creditNote ? '381' : '380'), /^\d{1,3}$/, 'typeCode', 'a UNCL 1001 code'),
  );
  for (const [i, n] of (inv.notes ?? []).entries())
    b.el(root, 'cbc:Note', text(n, `notes[${i}]`, 10_000));
  b.el(root, 'cbc:DocumentCurrencyCode', currency);
  if (inv.taxCurrency)
    b.el(
      root,
      'cbc:TaxCurrencyCode',
      code(inv.taxCurrency.currency, /^[A-Z]{3}$/, 'taxCurrency.currency', 'an ISO 4217 code'),
    );
  if (inv.buyerReference !== undefined)
    b.el(root, 'cbc:BuyerReference', text(inv.buyerReference, 'buyerReference'));
  if (inv.creditNoteOf) {
    const ref = b.el(b.el(root, 'cac:BillingReference'), 'cac:InvoiceDocumentReference');
    b.el(ref, 'cbc:ID', text(inv.creditNoteOf.number, 'creditNoteOf.number', 200));
    if (inv.creditNoteOf.issueDate !== undefined)
      b.el(ref, 'cbc:IssueDate', date(inv.creditNoteOf.issueDate, 'creditNoteOf.issueDate'));
  }
  writeParty(b, root, 'cac:AccountingSupplierParty', inv.seller, 'seller');
  writeParty(b, root, 'cac:AccountingCustomerParty', inv.buyer, 'buyer');

  const payment =
    inv.payment ??
    (inv.paymentId !== undefined ? { meansCode: '68', paymentId: inv.paymentId } : undefined);
  if (payment) {
    const pm = b.el(root, 'cac:PaymentMeans');
    b.el(
      pm,
      'cbc:PaymentMeansCode',
      code(payment.meansCode, /^[0-9A-Z]{1,3}$/, 'payment.meansCode', 'a UNCL 4461 code'),
    );
    if (creditNote && dueDate) b.el(pm, 'cbc:PaymentDueDate', dueDate);
    if (payment.paymentId !== undefined)
      b.el(pm, 'cbc:PaymentID', text(payment.paymentId, 'paymentId', 200));
    if (payment.accountId !== undefined)
      b.el(
        b.el(pm, 'cac:PayeeFinancialAccount'),
        'cbc:ID',
        text(payment.accountId, 'payment.accountId', 100),
      );
  }
  // BR-CO-25: an amount due needs a due date or payment terms.
  const terms =
    inv.paymentTerms ??
    (totals.payableMinor > 0n && !dueDate
      ? payment?.paymentId
        ? `Paid by payment ${payment.paymentId}`
        : 'Due on receipt'
      : undefined);
  if (terms !== undefined)
    b.el(b.el(root, 'cac:PaymentTerms'), 'cbc:Note', text(terms, 'paymentTerms', 10_000));

  for (const [i, ac] of charges.entries()) {
    const e = b.el(root, 'cac:AllowanceCharge');
    b.el(e, 'cbc:ChargeIndicator', ac.isCharge ? 'true' : 'false');
    if (ac.reasonCode !== undefined)
      b.el(
        e,
        'cbc:AllowanceChargeReasonCode',
        text(ac.reasonCode, `allowanceCharges[${i}].reasonCode`, 10),
      );
    if (ac.reason !== undefined)
      b.el(e, 'cbc:AllowanceChargeReason', text(ac.reason, `allowanceCharges[${i}].reason`));
    b.amount(e, 'cbc:Amount', ac.amountMinor, currency);
    b.taxCategory(e, 'cac:TaxCategory', ac.vatCategory, ac.taxRateBasisPoints);
  }

  const taxTotal = b.el(root, 'cac:TaxTotal');
  b.amount(taxTotal, 'cbc:TaxAmount', totals.taxMinor, currency);
  for (const v of vat) {
    const s = b.el(taxTotal, 'cac:TaxSubtotal');
    b.amount(s, 'cbc:TaxableAmount', v.taxableMinor, currency);
    b.amount(s, 'cbc:TaxAmount', v.taxMinor, currency);
    b.taxCategory(s, 'cac:TaxCategory', v.vatCategory, v.taxRateBasisPoints, {
      ...(v.exemptionReason !== undefined
        ? { reason: text(v.exemptionReason, 'vatBreakdown.exemptionReason') }
        : {}),
      ...(v.exemptionReasonCode !== undefined
        ? { code: text(v.exemptionReasonCode, 'vatBreakdown.exemptionReasonCode', 30) }
        : {}),
    });
  }
  if (inv.taxCurrency) {
    b.amount(
      b.el(root, 'cac:TaxTotal'),
      'cbc:TaxAmount',
      minor(inv.taxCurrency.taxMinor, 'taxCurrency.taxMinor'),
      inv.taxCurrency.currency,
    );
  }

  const m = b.el(root, 'cac:LegalMonetaryTotal');
  b.amount(m, 'cbc:LineExtensionAmount', totals.lineNetMinor, currency);
  b.amount(m, 'cbc:TaxExclusiveAmount', totals.taxExclusiveMinor, currency);
  b.amount(m, 'cbc:TaxInclusiveAmount', totals.taxInclusiveMinor, currency);
  if (charges.some((c) => !c.isCharge))
    b.amount(m, 'cbc:AllowanceTotalAmount', totals.allowanceTotalMinor, currency);
  if (charges.some((c) => c.isCharge))
    b.amount(m, 'cbc:ChargeTotalAmount', totals.chargeTotalMinor, currency);
  if (totals.prepaidMinor !== 0n) b.amount(m, 'cbc:PrepaidAmount', totals.prepaidMinor, currency);
  if (totals.roundingMinor !== 0n)
    b.amount(m, 'cbc:PayableRoundingAmount', totals.roundingMinor, currency);
  b.amount(m, 'cbc:PayableAmount', totals.payableMinor, currency);

  lines.forEach(({ line, quantity, unitPrice, category: cat }, i) => {
    const field = `lines[${i}]`;
    const e = b.el(root, creditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
    b.el(e, 'cbc:ID', line.id === undefined ? String(i + 1) : text(line.id, `${field}.id`, 100));
    b.el(e, creditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', quantity, {
      unitCode: code(
        line.unitCode || 'C62',
        /^[A-Z0-9]{1,3}$/,
        `${field}.unitCode`,
        'a UN/ECE rec 20 code',
      ),
    });
    b.amount(e, 'cbc:LineExtensionAmount', line.netMinor, currency);
    for (const [j, ac] of (line.allowanceCharges ?? []).entries()) {
      const a = b.el(e, 'cac:AllowanceCharge');
      b.el(a, 'cbc:ChargeIndicator', ac.isCharge ? 'true' : 'false');
      if (ac.reasonCode !== undefined)
        b.el(
          a,
          'cbc:AllowanceChargeReasonCode',
          text(ac.reasonCode, `${field}.allowanceCharges[${j}].reasonCode`, 10),
        );
      if (ac.reason !== undefined)
        b.el(
          a,
          'cbc:AllowanceChargeReason',
          text(ac.reason, `${field}.allowanceCharges[${j}].reason`),
        );
      b.amount(
        a,
        'cbc:Amount',
        minor(ac.amountMinor, `${field}.allowanceCharges[${j}].amountMinor`),
        currency,
      );
    }
    const item = b.el(e, 'cac:Item');
    b.el(item, 'cbc:Name', line.description);
    b.taxCategory(item, 'cac:ClassifiedTaxCategory', cat, line.taxRateBasisPoints);
    const price = b.el(e, 'cac:Price');
    b.el(price, 'cbc:PriceAmount', unitPrice, { currencyID: currency });
    if (line.baseQuantity !== undefined)
      b.el(
        price,
        'cbc:BaseQuantity',
        normalizeDecimal(
          text(line.baseQuantity, `${field}.baseQuantity`, 40),
          `${field}.baseQuantity`,
        ),
      );
  });

  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeToWellFormedString(b.doc)}\n`;
}

/** ExportableInvoice → UBL 2.1 XML that passes the EN 16931 rules with no fatal failure. */
export function exportUbl(inv: ExportableInvoice, options: ExportOptions = {}): string {
  const xml = buildUbl(inv);
  if (options.validate ?? true) {
    const report = ublValidator().validateDocument(parseXml(xml));
    if (report.fatal.length > 0) {
      throw new En16931Error(
        'RULES_FAILED',
        `the exported document breaks ${[...new Set(report.fatal.map((f) => f.ruleId))].join(', ')}`,
        'invoice',
        report.fatal,
      );
    }
  }
  return xml;
}
