import { En16931Error } from './errors';

/**
 * Amounts are integer minor units = hundredths of the currency unit (fen for CNY). EN 16931 limits
 * every amount to two decimals (BR-DEC-*), whatever the ISO 4217 exponent, so hundredths are exact.
 * Conversion is on the decimal text, never through a float:
 *   "1436.5" → 143650n, "-25.00" → -2500n, "0.105" → AMOUNT_TOO_PRECISE, "2.500" → 250n (the extra
 *   digits are zeros, so nothing is lost).
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** An exact decimal as XML text: optional sign, digits, optional fraction ('0.00880', '-1', '2'). */
export type DecimalString = string;

interface ParsedDecimal {
  readonly negative: boolean;
  readonly whole: string;
  readonly fraction: string;
}

function parseDecimalParts(text: string, field: string): ParsedDecimal {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new En16931Error('AMOUNT_INVALID', `"${text}" is not a decimal number`, field);
  }
  return { negative: m[1] === '-', whole: m[2] || '0', fraction: m[3] ?? '' };
}

/** Parses a decimal into an integer scaled by 10^scale; refuses digits that would be lost. */
export function decimalToScaled(text: string, scale: number, field: string): bigint {
  const { negative, whole, fraction } = parseDecimalParts(text, field);
  const kept = fraction.slice(0, scale).padEnd(scale, '0');
  if (/[^0]/.test(fraction.slice(scale))) {
    throw new En16931Error(
      'AMOUNT_TOO_PRECISE',
      `"${text}" has more than ${scale} decimals that are not zero`,
      field,
    );
  }
  const value = BigInt(whole + kept);
  return negative ? -value : value;
}

/** UBL amount text → minor units (hundredths). */
export function amountToMinor(text: string, field: string): bigint {
  return decimalToScaled(text, 2, field);
}

/** Integer scaled by 10^scale → decimal text with exactly `scale` decimals. */
export function scaledToDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Minor units → UBL amount text with two decimals. */
export function minorToAmount(minor: bigint): string {
  return scaledToDecimal(minor, 2);
}

/** Normalises decimal text ('+01.50' → '1.50', '.5' → '0.5'); keeps the given decimals. */
export function normalizeDecimal(text: string, field: string): DecimalString {
  const { negative, whole, fraction } = parseDecimalParts(text, field);
  const w = whole.replace(/^0+(?=\d)/, '');
  const body = fraction ? `${w}.${fraction}` : w;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

/** VAT rate in percent text → basis points ('13' → 1300n, '6.5' → 650n). */
export function percentToBasisPoints(text: string, field: string): bigint {
  return decimalToScaled(text, 2, field);
}

/** Basis points → percent text without needless zeros (1300n → '13', 650n → '6.5'). */
export function basisPointsToPercent(bp: bigint): string {
  return scaledToDecimal(bp, 2).replace(/\.?0+$/, '');
}

/** round-half-up(a ÷ b) for b > 0, away from zero on halves (symmetric for negative a). */
export function divideRoundHalfUp(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const q = (abs * 2n + b) / (b * 2n);
  return negative ? -q : q;
}
