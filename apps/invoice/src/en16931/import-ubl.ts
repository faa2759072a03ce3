import { evaluateXPathToNodes, evaluateXPathToString } from './fontoxpath';
import type { Document, Element, Node } from 'slimdom';
import { En16931Error } from './errors';
import {
  VAT_CATEGORIES,
  type DocumentAllowanceCharge,
  type ImportedInvoice,
  type ImportedLine,
  type LineAllowanceCharge,
  type Party,
  type PaymentMeans,
  type PostalAddress,
  type Totals,
  type VatBreakdown,
  type VatCategory,
} from './model';
import {
  amountToMinor,
  decimalToScaled,
  divideRoundHalfUp,
  normalizeDecimal,
  percentToBasisPoints,
} from './money';
import { ublValidator, type ValidationReport } from './validate-ubl';
import { NS, parseXml } from './xml';

/**
 * UBL 2.1 Invoice / CreditNote → ImportedInvoice. The document must first pass the EN 16931
 * rules with no fatal failure; then every field read is checked again here (types, decimals),
 * so a bad value is an En16931Error naming the business term, never a NaN or a rounded float.
 */

export interface ImportResult {
  readonly invoice: ImportedInvoice;
  readonly validation: ValidationReport;
}

const resolver = {
  namespaceResolver: (p: string): string | null =>
    p === 'cac' ? NS.cac : p === 'cbc' ? NS.cbc : null,
};

/** Reads values below one node with XPath (fontoxpath over slimdom). */
class Reader {
  constructor(
    readonly node: Node,
    private readonly where: string,
  ) {}

  nodes(path: string): Reader[] {
    return evaluateXPathToNodes<Element>(path, this.node, null, {}, resolver).map(
      (n, i) => new Reader(n, `${this.where}/${path}[${i + 1}]`),
    );
  }

  first(path: string): Reader | undefined {
    return this.nodes(path)[0];
  }

  text(path: string): string | undefined {
    const nodes = evaluateXPathToNodes<Node>(path, this.node, null, {}, resolver);
    if (nodes.length === 0) return undefined;
    return evaluateXPathToString('normalize-space(.)', nodes[0], null, {}, resolver);
  }

  required(path: string, term: string): string {
    const value = this.text(path);
    if (value === undefined || value === '') {
      throw new En16931Error('FIELD_MISSING', `${term} is missing`, `${this.where}/${path}`);
    }
    return value;
  }

  amount(path: string, term: string): bigint | undefined {
    const value = this.text(path);
    return value === undefined || value === ''
      ? undefined
      : amountToMinor(value, `${term} ${this.where}/${path}`);
  }

  requiredAmount(path: string, term: string): bigint {
    return amountToMinor(this.required(path, term), `${term} ${this.where}/${path}`);
  }

  bool(path: string, term: string): boolean {
    const v = this.required(path, term);
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw new En16931Error(
      'FIELD_INVALID',
      `${term} "${v}" is not a boolean`,
      `${this.where}/${path}`,
    );
  }

  field(path: string): string {
    return `${this.where}/${path}`;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: V };
}

function vatCategory(text: string, field: string): VatCategory {
  const c = text.toUpperCase();
  if (!(VAT_CATEGORIES as readonly string[]).includes(c)) {
    throw new En16931Error('FIELD_INVALID', `VAT category "${text}" is not UNCL 5305`, field);
  }
  return c as VatCategory;
}

const VAT_CATEGORY_OF = "[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']";

function rate(r: Reader, term: string): bigint {
  const p = r.text('cbc:Percent');
  return p === undefined || p === ''
    ? 0n
    : percentToBasisPoints(p, `${term} ${r.field('cbc:Percent')}`);
}

function address(r: Reader | undefined): PostalAddress | undefined {
  if (!r) return undefined;
  return {
    ...optional('street', r.text('cbc:StreetName')),
    ...optional('additionalStreet', r.text('cbc:AdditionalStreetName')),
    ...optional('city', r.text('cbc:CityName')),
    ...optional('postalCode', r.text('cbc:PostalZone')),
    ...optional('subdivision', r.text('cbc:CountrySubentity')),
    countryCode: r.required('cac:Country/cbc:IdentificationCode', 'country code (BT-40/BT-55)'),
  };
}

function party(r: Reader, term: string): Party {
  const name =
    r.text('cac:PartyLegalEntity/cbc:RegistrationName') ?? r.text('cac:PartyName/cbc:Name');
  if (!name)
    throw new En16931Error(
      'FIELD_MISSING',
      `${term} name is missing`,
      r.field('cac:PartyLegalEntity'),
    );
  const endpoint = r.first('cbc:EndpointID');
  const identifiers = r.nodes('cac:PartyIdentification/cbc:ID').map((id) => ({
    id: id.required('.', `${term} identifier`),
    ...optional('scheme', (id.node as Element).getAttribute('schemeID') ?? undefined),
  }));
  const addr = address(r.first('cac:PostalAddress'));
  return {
    name,
    ...optional('tradingName', r.text('cac:PartyName/cbc:Name')),
    ...optional('taxId', r.text(`cac:PartyTaxScheme${VAT_CATEGORY_OF}/cbc:CompanyID`)),
    ...optional('legalId', r.text('cac:PartyLegalEntity/cbc:CompanyID')),
    ...(identifiers.length ? { identifiers } : {}),
    ...(endpoint
      ? {
          electronicAddress: {
            id: endpoint.required('.', `${term} electronic address`),
            scheme: (endpoint.node as Element).getAttribute('schemeID') ?? '',
          },
        }
      : {}),
    ...(addr ? { address: addr } : {}),
  };
}

function lineAllowanceCharge(r: Reader): LineAllowanceCharge {
  return {
    isCharge: r.bool('cbc:ChargeIndicator', 'allowance/charge indicator'),
    amountMinor: r.requiredAmount('cbc:Amount', 'allowance/charge amount (BT-136/BT-141)'),
    ...optional('reason', r.text('cbc:AllowanceChargeReason')),
    ...optional('reasonCode', r.text('cbc:AllowanceChargeReasonCode')),
  };
}

function documentAllowanceCharge(r: Reader): DocumentAllowanceCharge {
  const cat = r.first(`cac:TaxCategory${VAT_CATEGORY_OF}`);
  if (!cat)
    throw new En16931Error(
      'FIELD_MISSING',
      'VAT category (BT-95/BT-102)',
      r.field('cac:TaxCategory'),
    );
  return {
    ...lineAllowanceCharge(r),
    vatCategory: vatCategory(cat.required('cbc:ID', 'VAT category code'), cat.field('cbc:ID')),
    taxRateBasisPoints: rate(cat, 'allowance/charge VAT rate'),
  };
}

function line(r: Reader, kind: 'invoice' | 'credit-note', position: number): ImportedLine {
  const qtyEl = kind === 'invoice' ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity';
  const quantity = normalizeDecimal(r.required(qtyEl, 'quantity (BT-129)'), r.field(qtyEl));
  const unitCode = (r.first(qtyEl)?.node as Element).getAttribute('unitCode') ?? '';
  const unitPrice = normalizeDecimal(
    r.required('cac:Price/cbc:PriceAmount', 'net price (BT-146)'),
    r.field('cac:Price/cbc:PriceAmount'),
  );
  let unitPriceMinor: bigint | null;
  try {
    unitPriceMinor = decimalToScaled(unitPrice, 2, 'BT-146');
  } catch {
    unitPriceMinor = null; // more than 2 decimals: exact in unitPrice, no minor-unit form
  }
  const baseQuantity = r.text('cac:Price/cbc:BaseQuantity');
  const cat = r.first(`cac:Item/cac:ClassifiedTaxCategory${VAT_CATEGORY_OF}`);
  if (!cat)
    throw new En16931Error(
      'FIELD_MISSING',
      'invoiced item VAT category (BT-151)',
      r.field('cac:Item'),
    );
  const taxRateBasisPoints = rate(cat, 'invoiced item VAT rate (BT-152)');
  const netMinor = r.requiredAmount('cbc:LineExtensionAmount', 'line net amount (BT-131)');
  return {
    id: r.text('cbc:ID') || String(position),
    description: r.required('cac:Item/cbc:Name', 'item name (BT-153)'),
    quantity,
    unitCode,
    unitPriceMinor,
    unitPrice,
    ...optional(
      'baseQuantity',
      baseQuantity
        ? normalizeDecimal(baseQuantity, r.field('cac:Price/cbc:BaseQuantity'))
        : undefined,
    ),
    vatCategory: vatCategory(cat.required('cbc:ID', 'VAT category code'), cat.field('cbc:ID')),
    taxRateBasisPoints,
    netMinor,
    // EN 16931 carries no line VAT; derived with the contract's per-line rule so lines can be issued.
    taxMinor: divideRoundHalfUp(netMinor * taxRateBasisPoints, 10_000n),
    allowanceCharges: r.nodes('cac:AllowanceCharge').map(lineAllowanceCharge),
  };
}

function totals(
  doc: Reader,
  documentCurrency: string,
): { totals: Totals; vat: VatBreakdown[]; taxCurrency?: { currency: string; taxMinor: bigint } } {
  const m = doc.first('cac:LegalMonetaryTotal');
  if (!m)
    throw new En16931Error(
      'FIELD_MISSING',
      'document totals (BG-22)',
      doc.field('cac:LegalMonetaryTotal'),
    );
  const taxTotals = doc.nodes('cac:TaxTotal');
  const inDocCurrency = taxTotals.filter(
    (t) =>
      (t.first('cbc:TaxAmount')?.node as Element | undefined)?.getAttribute('currencyID') ===
      documentCurrency,
  );
  const other = taxTotals.find((t) => !inDocCurrency.includes(t));
  const main = inDocCurrency[0];
  const vat = (main?.nodes('cac:TaxSubtotal') ?? []).map((s): VatBreakdown => {
    const cat = s.first(`cac:TaxCategory${VAT_CATEGORY_OF}`);
    if (!cat)
      throw new En16931Error('FIELD_MISSING', 'VAT category (BT-118)', s.field('cac:TaxCategory'));
    return {
      vatCategory: vatCategory(
        cat.required('cbc:ID', 'VAT category code (BT-118)'),
        cat.field('cbc:ID'),
      ),
      taxRateBasisPoints: rate(cat, 'VAT category rate (BT-119)'),
      taxableMinor: s.requiredAmount('cbc:TaxableAmount', 'VAT category taxable amount (BT-116)'),
      taxMinor: s.requiredAmount('cbc:TaxAmount', 'VAT category tax amount (BT-117)'),
      ...optional('exemptionReason', cat.text('cbc:TaxExemptionReason')),
      ...optional('exemptionReasonCode', cat.text('cbc:TaxExemptionReasonCode')),
    };
  });
  const otherAmount = other?.first('cbc:TaxAmount');
  return {
    totals: {
      lineNetMinor: m.requiredAmount('cbc:LineExtensionAmount', 'BT-106'),
      allowanceTotalMinor: m.amount('cbc:AllowanceTotalAmount', 'BT-107') ?? 0n,
      chargeTotalMinor: m.amount('cbc:ChargeTotalAmount', 'BT-108') ?? 0n,
      taxExclusiveMinor: m.requiredAmount('cbc:TaxExclusiveAmount', 'BT-109'),
      taxMinor: main?.amount('cbc:TaxAmount', 'BT-110') ?? 0n,
      taxInclusiveMinor: m.requiredAmount('cbc:TaxInclusiveAmount', 'BT-112'),
      prepaidMinor: m.amount('cbc:PrepaidAmount', 'BT-113') ?? 0n,
      roundingMinor: m.amount('cbc:PayableRoundingAmount', 'BT-114') ?? 0n,
      payableMinor: m.requiredAmount('cbc:PayableAmount', 'BT-115'),
    },
    vat,
    ...(otherAmount
      ? {
          taxCurrency: {
            currency: (otherAmount.node as Element).getAttribute('currencyID') ?? '',
            taxMinor: otherAmount.requiredAmount('.', 'BT-111'),
          },
        }
      : {}),
  };
}

function payment(doc: Reader): PaymentMeans | undefined {
  const p = doc.first('cac:PaymentMeans');
  if (!p) return undefined;
  return {
    meansCode: p.required('cbc:PaymentMeansCode', 'payment means code (BT-81)'),
    ...optional('paymentId', p.text('cbc:PaymentID')),
    ...optional('accountId', p.text('cac:PayeeFinancialAccount/cbc:ID')),
  };
}

/** Maps an already validated document. */
export function mapUbl(doc: Document): ImportedInvoice {
  const root = doc.documentElement!;
  const kind =
    root.namespaceURI === NS.invoice && root.localName === 'Invoice'
      ? 'invoice'
      : root.namespaceURI === NS.creditNote && root.localName === 'CreditNote'
        ? 'credit-note'
        : null;
  if (!kind) {
    throw new En16931Error(
      'XML_NOT_UBL',
      `root {${root.namespaceURI ?? ''}}${root.localName} is not a UBL 2.1 Invoice or CreditNote`,
      'xml',
    );
  }
  const r = new Reader(root, `/${root.localName}`);
  const currency = r.required('cbc:DocumentCurrencyCode', 'invoice currency code (BT-5)');
  const { totals: t, vat, taxCurrency } = totals(r, currency);
  const pay = payment(r);
  const preceding = r.first('cac:BillingReference/cac:InvoiceDocumentReference');
  const seller = r.first('cac:AccountingSupplierParty/cac:Party');
  const buyer = r.first('cac:AccountingCustomerParty/cac:Party');
  if (!seller)
    throw new En16931Error(
      'FIELD_MISSING',
      'seller (BG-4)',
      r.field('cac:AccountingSupplierParty'),
    );
  if (!buyer)
    throw new En16931Error('FIELD_MISSING', 'buyer (BG-7)', r.field('cac:AccountingCustomerParty'));
  const linePath = kind === 'invoice' ? 'cac:InvoiceLine' : 'cac:CreditNoteLine';
  return {
    kind,
    typeCode: r.required(
      kind === 'invoice' ? 'cbc:InvoiceTypeCode' : 'cbc:CreditNoteTypeCode',
      'type code (BT-3)',
    ),
    number: r.required('cbc:ID', 'invoice number (BT-1)'),
    issueDate: r.required('cbc:IssueDate', 'issue date (BT-2)'),
    ...optional('dueDate', r.text('cbc:DueDate')),
    currency,
    ...optional('buyerReference', r.text('cbc:BuyerReference')),
    notes: r.nodes('cbc:Note').map((n) => n.text('.') ?? ''),
    seller: party(seller, 'seller'),
    buyer: party(buyer, 'buyer'),
    lines: r.nodes(linePath).map((l, i) => line(l, kind, i + 1)),
    allowanceCharges: r.nodes('cac:AllowanceCharge').map(documentAllowanceCharge),
    vatBreakdown: vat,
    ...(taxCurrency ? { taxCurrency } : {}),
    totals: t,
    ...(pay ? { payment: pay, ...optional('paymentId', pay.paymentId) } : {}),
    ...optional('paymentTerms', r.text('cac:PaymentTerms/cbc:Note')),
    ...(preceding
      ? {
          creditNoteOf: {
            number: preceding.required('cbc:ID', 'preceding invoice reference (BT-25)'),
            ...optional('issueDate', preceding.text('cbc:IssueDate')),
          },
        }
      : {}),
  };
}

/**
 * Validates `xml` against EN 16931 and maps it. Throws En16931Error: XML_MALFORMED, XML_NOT_UBL,
 * RULES_FAILED (with `failures`) when a fatal rule fires, or a field error.
 */
export function importUbl(xml: string): ImportResult {
  const doc = parseXml(xml);
  const root = doc.documentElement!;
  if (root.namespaceURI !== NS.invoice && root.namespaceURI !== NS.creditNote) {
    throw new En16931Error(
      'XML_NOT_UBL',
      `root namespace ${root.namespaceURI ?? '(none)'} is not UBL 2.1 Invoice or CreditNote`,
      'xml',
    );
  }
  const validation = ublValidator().validateDocument(doc);
  if (validation.fatal.length > 0) {
    throw new En16931Error(
      'RULES_FAILED',
      `${validation.fatal.length} fatal EN 16931 rule failure(s): ${[...new Set(validation.fatal.map((f) => f.ruleId))].join(', ')}`,
      'xml',
      validation.fatal,
    );
  }
  return { invoice: mapUbl(doc), validation };
}
