/**
 * Line tax and invoice totals in integer minor units (e.g. fen for CNY).
 *
 * Rounding rule (the one rule, used everywhere amounts are derived):
 *   line net   = quantity × unit price                      (exact, integers)
 *   line tax   = round-half-up(line net × rate ÷ 10 000)    (rate in basis points, 1300 = 13 %)
 *   totals     = sums of the rounded line amounts            (never re-rounded)
 * Half-up on non-negative amounts: 0.5 minor units rounds to 1. Tax is rounded per line, as on
 * Chinese fully-digitalised e-invoices, where each line states its own tax amount.
 * All arithmetic is on bigint, so no amount is ever a float.
 */

export interface TaxLine {
  /** Whole units; positive. */
  readonly quantity: bigint;
  /** Price of one unit in minor units; non-negative. */
  readonly unitPriceMinor: bigint;
  /** Tax rate in basis points, 0 to 10 000. */
  readonly taxRateBasisPoints: bigint;
}

export interface TaxedLine {
  readonly netMinor: bigint;
  readonly taxMinor: bigint;
  readonly grossMinor: bigint;
}

export interface InvoiceTotals {
  readonly lines: readonly TaxedLine[];
  readonly netMinor: bigint;
  readonly taxMinor: bigint;
  readonly grossMinor: bigint;
}

const BASIS_POINTS = 10_000n;

/** Thrown when an amount breaks its range; `field` names it. */
export class TaxInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'TaxInputError';
  }
}

/** round-half-up(numerator ÷ denominator) for numerator ≥ 0, denominator > 0. */
function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

export function taxLine(line: TaxLine, field = 'line'): TaxedLine {
  if (line.quantity <= 0n) throw new TaxInputError(`${field}.quantity`, 'must be positive');
  if (line.unitPriceMinor < 0n)
    throw new TaxInputError(`${field}.unitPriceMinor`, 'must not be negative');
  if (line.taxRateBasisPoints < 0n || line.taxRateBasisPoints > BASIS_POINTS) {
    throw new TaxInputError(`${field}.taxRateBasisPoints`, 'must be from 0 to 10000');
  }
  const netMinor = line.quantity * line.unitPriceMinor;
  const taxMinor = divideRoundHalfUp(netMinor * line.taxRateBasisPoints, BASIS_POINTS);
  return { netMinor, taxMinor, grossMinor: netMinor + taxMinor };
}

export function invoiceTotals(lines: readonly TaxLine[]): InvoiceTotals {
  if (lines.length === 0) throw new TaxInputError('lines', 'must not be empty');
  const taxed = lines.map((line, i) => taxLine(line, `lines[${i}]`));
  const sum = (pick: (l: TaxedLine) => bigint) => taxed.reduce((acc, l) => acc + pick(l), 0n);
  return {
    lines: taxed,
    netMinor: sum((l) => l.netMinor),
    taxMinor: sum((l) => l.taxMinor),
    grossMinor: sum((l) => l.grossMinor),
  };
}
