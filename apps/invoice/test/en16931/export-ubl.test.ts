import { spawnSync } from 'node:child_process';
import { invoiceTotals, taxLine } from '@trellis/invoice-contract';
import {
  En16931Error,
  type ExportableInvoice,
  type ExportableLine,
  buildUbl,
  contractLines,
  exportUbl,
  importUbl,
  validateUbl,
} from '../../src/en16931';
import { en16931Code as codeOf, ublExample, ublExamples as examples } from './vefa';

/** A chain line: amounts derived with the contract's own rule. */
function chainLine(
  description: string,
  quantity: bigint,
  unitPriceMinor: bigint,
  taxRateBasisPoints: bigint,
): ExportableLine {
  const { netMinor, taxMinor } = taxLine({ quantity, unitPriceMinor, taxRateBasisPoints });
  return { description, quantity, unitPriceMinor, taxRateBasisPoints, netMinor, taxMinor };
}

const lines = [
  chainLine('餐饮服务 <套餐> & "饮料"', 3n, 3333n, 600n),
  chainLine('办公用品', 7n, 1999n, 1300n),
  chainLine('运输服务', 1n, 10001n, 900n),
  chainLine('图书', 2n, 4550n, 900n),
];
const totals = invoiceTotals(
  lines.map((l) => ({
    quantity: l.quantity as bigint,
    unitPriceMinor: l.unitPriceMinor as bigint,
    taxRateBasisPoints: l.taxRateBasisPoints,
  })),
);

const chainInvoice: ExportableInvoice = {
  number: '26442000000000012345',
  issueDate: '2026-11-21',
  currency: 'CNY',
  seller: {
    name: '深圳示例餐饮有限公司',
    taxId: '91440300MA5FXXXX1X',
    address: { city: '深圳', countryCode: 'CN' },
  },
  buyer: { name: '示例科技有限公司', taxId: '91110000MA01YYYY2Y' },
  lines,
  totals: {
    lineNetMinor: totals.netMinor,
    taxMinor: totals.taxMinor,
    taxInclusiveMinor: totals.grossMinor,
  },
  paymentId: 'pay-2026-000042',
};

/** Parses with Python's expat (an independent XML parser) and returns the item names. */
function itemNamesByPython(xml: string): string[] {
  const script = [
    'import sys, json, xml.etree.ElementTree as ET',
    'root = ET.fromstring(sys.stdin.buffer.read())',
    "ns = {'cbc': 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'}",
    "print(json.dumps([e.text for e in root.iter('{%s}Name' % ns['cbc']) if e.text]))",
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: xml, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 could not parse the export: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

describe('exportUbl: a chain invoice (CNY, 20-digit number, per-line tax)', () => {
  const xml = exportUbl(chainInvoice);

  it('produces a UBL 2.1 Invoice with no fatal EN 16931 failure', () => {
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
      ),
    ).toBe(true);
    const report = validateUbl(xml);
    expect(report.fatal).toEqual([]);
    console.log(
      `chain invoice export: ${report.warnings.length} warnings ${report.warnings.map((w) => w.ruleId).join(', ')}`,
    );
  });

  it('states the contract amounts: totals, per-rate VAT breakdown, the CN-prefixed VAT ids, the payment', () => {
    const { invoice } = importUbl(xml);
    expect(invoice.number).toBe('26442000000000012345');
    expect(invoice.seller.taxId).toBe('CN91440300MA5FXXXX1X');
    expect(invoice.buyer.taxId).toBe('CN91110000MA01YYYY2Y');
    expect(invoice.paymentId).toBe('pay-2026-000042');
    expect(invoice.totals).toMatchObject({
      lineNetMinor: totals.netMinor,
      taxExclusiveMinor: totals.netMinor,
      taxMinor: totals.taxMinor,
      taxInclusiveMinor: totals.grossMinor,
      payableMinor: totals.grossMinor,
    });
    expect(
      invoice.vatBreakdown.map((v) => [v.taxRateBasisPoints, v.taxableMinor, v.taxMinor]),
    ).toEqual([
      [600n, 9999n, 600n],
      [1300n, 13993n, 1819n],
      [900n, 19101n, 900n + 819n],
    ]);
    expect(
      invoice.lines.map((l) => [l.quantity, l.unitPriceMinor, l.netMinor, l.taxMinor]),
    ).toEqual(lines.map((l) => [String(l.quantity), l.unitPriceMinor, l.netMinor, l.taxMinor]));
  });

  it('imports back into exactly the contract lines it came from (issuable again)', () => {
    const back = contractLines(importUbl(xml).invoice);
    expect(back).toEqual(
      lines.map((l) => ({
        quantity: l.quantity,
        unitPriceMinor: l.unitPriceMinor,
        taxRateBasisPoints: l.taxRateBasisPoints,
      })),
    );
  });

  it('escapes text: an independent parser (Python expat) reads the same names back', () => {
    expect(xml).toContain('餐饮服务 &lt;套餐&gt; &amp; "饮料"');
    expect(itemNamesByPython(xml)).toEqual(lines.map((l) => l.description));
  });

  it('exports a credit note as a UBL CreditNote referencing the original', () => {
    const credit = exportUbl({
      ...chainInvoice,
      number: '26442000000000012346',
      lines: [lines[1]!],
      totals: {},
      creditNoteOf: { number: chainInvoice.number, issueDate: chainInvoice.issueDate },
    });
    expect(credit).toContain(
      '<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"',
    );
    expect(credit).toContain('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>');
    expect(validateUbl(credit).fatal).toEqual([]);
    const { invoice } = importUbl(credit);
    expect(invoice.kind).toBe('credit-note');
    expect(invoice.creditNoteOf).toEqual({
      number: '26442000000000012345',
      issueDate: '2026-11-21',
    });
    expect(invoice.totals.payableMinor).toBe(lines[1]!.netMinor + lines[1]!.taxMinor);
  });
});

describe('exportUbl refuses bad input with typed errors', () => {
  const withLine = (patch: Partial<ExportableLine>): ExportableInvoice => ({
    ...chainInvoice,
    totals: {},
    lines: [{ ...lines[0]!, ...patch }],
  });

  it.each<[string, ExportableInvoice, string]>([
    [
      'a net amount that is not quantity × price',
      withLine({ netMinor: 10000n }),
      'TOTALS_INCONSISTENT',
    ],
    [
      'a line tax that breaks the per-line rule',
      withLine({ taxMinor: 599n }),
      'TOTALS_INCONSISTENT',
    ],
    [
      'a stated total that differs from the lines',
      { ...chainInvoice, totals: { taxMinor: 1n } },
      'TOTALS_INCONSISTENT',
    ],
    ['no lines', { ...chainInvoice, lines: [] }, 'FIELD_INVALID'],
    ['an impossible date', { ...chainInvoice, issueDate: '2026-02-30' }, 'FIELD_INVALID'],
    ['a lower-case currency', { ...chainInvoice, currency: 'cny' }, 'FIELD_INVALID'],
    ['a control character', withLine({ description: 'bad\u0001name' }), 'FIELD_INVALID'],
    ['a lone surrogate', withLine({ description: 'bad\uD800' }), 'FIELD_INVALID'],
    ['a rate above 100 %', withLine({ taxRateBasisPoints: 10_001n }), 'FIELD_INVALID'],
    [
      'a number amount instead of bigint',
      withLine({ netMinor: 9999 as unknown as bigint }),
      'FIELD_INVALID',
    ],
    [
      'a seller without a VAT id on a standard-rated line',
      { ...chainInvoice, seller: { name: 'X' } },
      'RULES_FAILED',
    ],
  ])('refuses %s', (_label, invoice, code) => {
    expect(codeOf(() => exportUbl(invoice))).toBe(code);
  });

  it('names the broken rules when its output would not validate', () => {
    let caught: unknown;
    try {
      exportUbl({ ...chainInvoice, seller: { name: 'X' } });
    } catch (e) {
      caught = e;
    }
    expect((caught as En16931Error).failures.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['BR-S-02']),
    );
    // Without validation the document is still built, for inspection.
    expect(
      validateUbl(buildUbl({ ...chainInvoice, seller: { name: 'X' } })).fatal.length,
    ).toBeGreaterThan(0);
  });
});

describe('round trip of the official examples: import → export → validate', () => {
  it.each(examples)('%s keeps its amounts and has no fatal error', (name) => {
    const original = importUbl(ublExample(name)).invoice;
    const xml = exportUbl(original);
    expect(validateUbl(xml).fatal).toEqual([]);
    const back = importUbl(xml).invoice;
    expect(back.kind).toBe(original.kind);
    expect(back.number).toBe(original.number);
    expect(back.currency).toBe(original.currency);
    expect(back.totals).toEqual(original.totals);
    expect(back.vatBreakdown).toEqual(original.vatBreakdown);
    expect(back.allowanceCharges).toEqual(original.allowanceCharges);
    expect(back.taxCurrency).toEqual(original.taxCurrency);
    expect(
      back.lines.map((l) => [
        l.quantity,
        l.unitPrice,
        l.netMinor,
        l.vatCategory,
        l.taxRateBasisPoints,
      ]),
    ).toEqual(
      original.lines.map((l) => [
        l.quantity,
        l.unitPrice,
        l.netMinor,
        l.vatCategory,
        l.taxRateBasisPoints,
      ]),
    );
    expect(back.seller.taxId).toBe(original.seller.taxId);
  });
});
