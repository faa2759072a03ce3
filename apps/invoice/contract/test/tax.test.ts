import { TaxInputError, invoiceTotals, taxLine } from '@trellis/invoice-contract';

const line = (quantity: number, unitPriceMinor: number, taxRateBasisPoints: number) => ({
  quantity: BigInt(quantity),
  unitPriceMinor: BigInt(unitPriceMinor),
  taxRateBasisPoints: BigInt(taxRateBasisPoints),
});

describe('invoice tax arithmetic', () => {
  it('taxLine_roundsHalfUp_perLine', () => {
    // 1 × 0.50 at 13 % = 6.5 fen → 7
    expect(taxLine(line(1, 50, 1300)).taxMinor).toBe(7n);
    // 1 × 0.49 at 13 % = 6.37 fen → 6
    expect(taxLine(line(1, 49, 1300)).taxMinor).toBe(6n);
    // 3 × 33.33 at 6 % = 599.94 fen → 600
    expect(taxLine(line(3, 3333, 600))).toEqual({
      netMinor: 9999n,
      taxMinor: 600n,
      grossMinor: 10599n,
    });
  });

  it('totals_areSumsOfRoundedLines_notReRounded', () => {
    // each line: 50 × 13 % = 6.5 → 7; totals 14, where rounding the sum (13) would give 13
    const totals = invoiceTotals([line(1, 50, 1300), line(1, 50, 1300)]);
    expect(totals.taxMinor).toBe(14n);
    expect(totals.netMinor).toBe(100n);
    expect(totals.grossMinor).toBe(114n);
  });

  it('amountsBeyondDoublePrecision_stayExact', () => {
    const big = taxLine(line(1_000_000, Number.MAX_SAFE_INTEGER, 1300));
    expect(big.netMinor).toBe(1_000_000n * 9_007_199_254_740_991n);
    expect(big.taxMinor).toBe((big.netMinor * 1300n * 2n + 10_000n) / 20_000n);
  });

  it.each([
    [line(0, 1, 0), 'lines[0].quantity'],
    [line(1, -1, 0), 'lines[0].unitPriceMinor'],
    [line(1, 1, 10_001), 'lines[0].taxRateBasisPoints'],
  ])('badLine_isRejected_namingTheField %#', (bad, field) => {
    expect(() => invoiceTotals([bad])).toThrow(TaxInputError);
    expect(() => invoiceTotals([bad])).toThrow(field);
  });

  it('noLines_isRejected', () => {
    expect(() => invoiceTotals([])).toThrow('lines must not be empty');
  });
});
