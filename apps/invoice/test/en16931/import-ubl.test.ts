import {
  En16931Error,
  amountToMinor,
  contractLines,
  importUbl,
  minorToAmount,
  percentToBasisPoints,
} from '../../src/en16931';
import { en16931Code as codeOf, ublExample as example, ublExamples } from './vefa';

describe('amounts: UBL decimal text ↔ integer minor units, never a float', () => {
  it.each([
    ['1436.5', 143650n],
    ['1436.50', 143650n],
    ['-25.00', -2500n],
    ['0', 0n],
    ['.5', 50n],
    ['2.500', 250n],
    ['  7.10 ', 710n],
    ['92233720368547758.07', 9223372036854775807n],
    ['123456789012345678901234567890.99', 12345678901234567890123456789099n],
  ])('%s → %s', (text, minor) => {
    expect(amountToMinor(text, 'x')).toBe(minor);
  });

  it.each([
    ['0.105', 'AMOUNT_TOO_PRECISE'],
    ['1.001', 'AMOUNT_TOO_PRECISE'],
    ['1e3', 'AMOUNT_INVALID'],
    ['12,50', 'AMOUNT_INVALID'],
    ['', 'AMOUNT_INVALID'],
    ['.', 'AMOUNT_INVALID'],
    ['NaN', 'AMOUNT_INVALID'],
  ])('refuses %j with %s', (text, code) => {
    expect(codeOf(() => amountToMinor(text, 'x'))).toBe(code);
  });

  it('formats minor units back with two decimals', () => {
    expect([143650n, -2500n, 5n, -5n, 0n].map(minorToAmount)).toEqual([
      '1436.50',
      '-25.00',
      '0.05',
      '-0.05',
      '0.00',
    ]);
  });

  it('turns VAT percentages into basis points exactly', () => {
    expect(percentToBasisPoints('13', 'r')).toBe(1300n);
    expect(percentToBasisPoints('6.5', 'r')).toBe(650n);
    expect(percentToBasisPoints('0.00', 'r')).toBe(0n);
    expect(codeOf(() => percentToBasisPoints('12.345', 'r'))).toBe('AMOUNT_TOO_PRECISE');
  });
});

describe('importUbl', () => {
  it('maps the official example 2 (NOK, allowances, charges, three VAT rates, prepaid)', () => {
    const { invoice, validation } = importUbl(example('ubl-tc434-example2.xml'));
    expect(validation.fatal).toEqual([]);
    expect(invoice).toMatchObject({
      kind: 'invoice',
      typeCode: '380',
      number: 'TOSL108',
      issueDate: '2013-06-30',
      dueDate: '2013-07-20',
      currency: 'NOK',
      notes: ['Ordered in our booth at the convention'],
      paymentId: '0003434323213231',
      payment: { meansCode: '30', paymentId: '0003434323213231', accountId: 'NO9386011117947' },
      seller: {
        name: 'Salescompany ltd.',
        taxId: 'NO123456789MVA',
        legalId: '123456789',
        address: { city: 'Big city', postalCode: '303', countryCode: 'NO' },
      },
      buyer: { name: 'The Buyercompany', taxId: 'NO987654321MVA' },
    });
    expect(invoice.totals).toEqual({
      lineNetMinor: 143650n,
      allowanceTotalMinor: 10000n,
      chargeTotalMinor: 10000n,
      taxExclusiveMinor: 143650n,
      taxMinor: 36528n,
      taxInclusiveMinor: 180178n,
      prepaidMinor: 100000n,
      roundingMinor: 0n,
      payableMinor: 80178n,
    });
    expect(
      invoice.vatBreakdown.map((v) => [
        v.vatCategory,
        v.taxRateBasisPoints,
        v.taxableMinor,
        v.taxMinor,
      ]),
    ).toEqual([
      ['S', 2500n, 146050n, 36513n],
      ['S', 1500n, 100n, 15n],
      ['E', 0n, -2500n, 0n],
    ]);
    expect(invoice.vatBreakdown[2]?.exemptionReason).toBe('Exempt New Means of Transport');
    expect(invoice.allowanceCharges).toEqual([
      {
        isCharge: false,
        amountMinor: 10000n,
        reason: 'Promotion discount',
        reasonCode: '88',
        vatCategory: 'S',
        taxRateBasisPoints: 2500n,
      },
      {
        isCharge: true,
        amountMinor: 10000n,
        reason: 'Freight',
        vatCategory: 'S',
        taxRateBasisPoints: 2500n,
      },
    ]);
    const first = invoice.lines[0]!;
    expect(first).toMatchObject({
      id: '1',
      description: 'Laptop computer',
      quantity: '2',
      unitCode: 'EA',
      netMinor: 127300n,
      vatCategory: 'S',
      taxRateBasisPoints: 2500n,
      taxMinor: 31825n,
    });
    expect(first.allowanceCharges).toEqual([
      { isCharge: false, amountMinor: 1200n, reason: 'Damage' },
      { isCharge: true, amountMinor: 1200n, reason: 'Testing' },
    ]);
    // Σ line nets equals BT-106 exactly: integer arithmetic all the way.
    expect(invoice.lines.reduce((a, l) => a + l.netMinor, 0n)).toBe(invoice.totals.lineNetMinor);
    expect(invoice.lines.some((l) => l.quantity === '-1')).toBe(true);
  });

  it('keeps a unit price with more than two decimals exactly, without a minor-unit form (example 8)', () => {
    const { invoice } = importUbl(example('ubl-tc434-example8.xml'));
    const line = invoice.lines.find((l) => l.unitPrice === '0.00880');
    expect(line).toBeDefined();
    expect(line?.unitPriceMinor).toBeNull();
    expect(codeOf(() => contractLines(invoice))).toBe('NOT_ISSUABLE');
  });

  it('maps a UBL CreditNote', () => {
    const { invoice } = importUbl(example('ubl-tc434-creditnote1.xml'));
    expect(invoice.kind).toBe('credit-note');
    expect(invoice.typeCode).toBe('381');
    expect(invoice.totals.payableMinor).toBe(10011n);
    expect(invoice.lines[0]?.quantity).toBe('1.00');
    expect(invoice.lines[0]?.vatCategory).toBe('E');
  });

  it('maps the preceding-invoice reference of example 5', () => {
    const { invoice } = importUbl(example('ubl-tc434-example5.xml'));
    expect(invoice.creditNoteOf).toEqual({ number: 'TOSL109', issueDate: '2013-03-10' });
    expect(invoice.kind).toBe('invoice');
    expect(invoice.taxCurrency?.currency).toBe('EUR');
  });

  it.each(['ubl-tc434-example4.xml', 'ubl-tc434-example9.xml', 'ubl-tc434-creditnote1.xml'])(
    '%s gives contract lines whose per-line tax reproduces the document totals',
    (name) => {
      const { invoice } = importUbl(example(name));
      const lines = contractLines(invoice);
      expect(lines.length).toBe(invoice.lines.length);
      expect(lines.every((l) => typeof l.quantity === 'bigint' && l.quantity > 0n)).toBe(true);
    },
  );

  it('explains why example 1 cannot be issued on chain (a negative return line)', () => {
    const { invoice } = importUbl(example('ubl-tc434-example1.xml'));
    expect(() => contractLines(invoice)).toThrow(expect.objectContaining({ code: 'NOT_ISSUABLE' }));
  });

  it('refuses a document with fatal rule failures, listing them', () => {
    const xml = example('ubl-tc434-example9.xml').replace(
      /<cbc:IssueDate>[^<]*<\/cbc:IssueDate>/,
      '',
    );
    let caught: unknown;
    try {
      importUbl(xml);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(En16931Error);
    const err = caught as En16931Error;
    expect(err.code).toBe('RULES_FAILED');
    expect(err.failures.map((f) => f.ruleId)).toContain('BR-03');
  });

  it('refuses a document that is not a UBL Invoice or CreditNote', () => {
    expect(
      codeOf(() =>
        importUbl('<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'),
      ),
    ).toBe('XML_NOT_UBL');
    expect(codeOf(() => importUbl('<Invoice>'))).toBe('XML_MALFORMED');
  });

  it('imports every official example with no fatal failure', () => {
    for (const name of ublExamples) {
      const { invoice, validation } = importUbl(example(name));
      expect(validation.fatal).toEqual([]);
      expect(invoice.lines.length).toBeGreaterThan(0);
    }
  });
});
