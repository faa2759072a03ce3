import { invoiceTotals, type TaxLine } from '@trellis/invoice-contract';
import { En16931Error } from './errors';
import type { ImportedInvoice } from './model';

/**
 * The contract's lines for an imported invoice, or NOT_ISSUABLE naming the first obstacle. The
 * contract knows whole quantities, unit prices in minor units and one tax rule (per-line
 * round-half-up, contract/src/tax.ts); an imported invoice is issuable only when re-deriving its
 * amounts with that rule gives back exactly the document's net, VAT and gross totals — so the
 * chain never states amounts that differ from the document's.
 */
export function contractLines(invoice: ImportedInvoice): TaxLine[] {
  const refuse = (field: string, message: string): never => {
    throw new En16931Error('NOT_ISSUABLE', message, field);
  };
  if (invoice.allowanceCharges.length > 0) {
    refuse('allowanceCharges', 'document-level allowances and charges have no place on chain');
  }
  const lines = invoice.lines.map((l, i): TaxLine => {
    const field = `lines[${i}]`;
    if (!/^[1-9]\d*(\.0+)?$/.test(l.quantity)) {
      refuse(`${field}.quantity`, `"${l.quantity}" is not a positive whole number`);
    }
    if (l.unitPriceMinor === null)
      refuse(`${field}.unitPrice`, `"${l.unitPrice}" has more than two decimals`);
    if (l.baseQuantity !== undefined && !/^1(\.0+)?$/.test(l.baseQuantity))
      refuse(`${field}.baseQuantity`, 'must be 1 or absent');
    if (l.allowanceCharges.length > 0)
      refuse(`${field}.allowanceCharges`, 'line allowances and charges have no place on chain');
    const quantity = BigInt(l.quantity.split('.')[0] ?? '');
    const unitPriceMinor = l.unitPriceMinor as bigint;
    if (quantity * unitPriceMinor !== l.netMinor) {
      refuse(
        `${field}.netMinor`,
        `${l.netMinor} ≠ quantity × unit price ${quantity * unitPriceMinor}`,
      );
    }
    return { quantity, unitPriceMinor, taxRateBasisPoints: l.taxRateBasisPoints };
  });
  const totals = invoiceTotals(lines);
  if (totals.netMinor !== invoice.totals.taxExclusiveMinor) {
    refuse(
      'totals.taxExclusiveMinor',
      `${invoice.totals.taxExclusiveMinor} ≠ Σ line net ${totals.netMinor}`,
    );
  }
  if (totals.taxMinor !== invoice.totals.taxMinor) {
    refuse(
      'totals.taxMinor',
      `document VAT ${invoice.totals.taxMinor} ≠ ${totals.taxMinor} by the contract's per-line rounding`,
    );
  }
  return lines;
}
