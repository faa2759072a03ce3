import type { DecimalString } from './money';

/**
 * The plain invoice model of the EN 16931 library: what `importUbl` returns and `exportUbl` takes.
 * Amounts are bigint minor units (hundredths, see money.ts); rates are basis points (1300 = 13 %);
 * quantities and unit prices keep their exact decimal text because EN 16931 allows any precision there.
 * BT-n numbers refer to EN 16931-1 business terms.
 */

/** UNCL 5305 VAT category: S standard, Z zero rated, E exempt, AE reverse charge, K intra-EU, G export, O outside scope, L/M Canary/Ceuta. */
export type VatCategory = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O' | 'L' | 'M';
export const VAT_CATEGORIES: readonly VatCategory[] = [
  'S',
  'Z',
  'E',
  'AE',
  'K',
  'G',
  'O',
  'L',
  'M',
];

export interface PostalAddress {
  readonly street?: string;
  readonly additionalStreet?: string;
  readonly city?: string;
  readonly postalCode?: string;
  readonly subdivision?: string;
  /** ISO 3166-1 alpha-2 (BT-40 / BT-55). */
  readonly countryCode: string;
}

export interface Party {
  /** Legal registration name (BT-27 / BT-44). */
  readonly name: string;
  /** Trading name (BT-28 / BT-45). */
  readonly tradingName?: string;
  /** VAT identifier with its country prefix (BT-31 / BT-48), e.g. 'CN91440300MA5FXXXXXX'. */
  readonly taxId?: string;
  /** Legal registration identifier (BT-30 / BT-47). */
  readonly legalId?: string;
  /** Other identifiers (BT-29 / BT-46). */
  readonly identifiers?: readonly { readonly id: string; readonly scheme?: string }[];
  /** Electronic address (BT-34 / BT-49) with its EAS scheme. */
  readonly electronicAddress?: { readonly id: string; readonly scheme: string };
  readonly address?: PostalAddress;
}

export interface LineAllowanceCharge {
  readonly isCharge: boolean;
  readonly amountMinor: bigint;
  readonly reason?: string;
  readonly reasonCode?: string;
}

export interface DocumentAllowanceCharge extends LineAllowanceCharge {
  readonly vatCategory: VatCategory;
  readonly taxRateBasisPoints: bigint;
}

export interface VatBreakdown {
  readonly vatCategory: VatCategory;
  readonly taxRateBasisPoints: bigint;
  /** BT-116 */
  readonly taxableMinor: bigint;
  /** BT-117 */
  readonly taxMinor: bigint;
  readonly exemptionReason?: string;
  readonly exemptionReasonCode?: string;
}

export interface Totals {
  /** BT-106 Σ line net */
  readonly lineNetMinor: bigint;
  /** BT-107 */
  readonly allowanceTotalMinor: bigint;
  /** BT-108 */
  readonly chargeTotalMinor: bigint;
  /** BT-109 */
  readonly taxExclusiveMinor: bigint;
  /** BT-110 */
  readonly taxMinor: bigint;
  /** BT-112 */
  readonly taxInclusiveMinor: bigint;
  /** BT-113 */
  readonly prepaidMinor: bigint;
  /** BT-114 */
  readonly roundingMinor: bigint;
  /** BT-115 */
  readonly payableMinor: bigint;
}

export interface PaymentMeans {
  /** UNCL 4461 (BT-81): '30' credit transfer, '58' SEPA, '68' online payment service, '10' cash… */
  readonly meansCode: string;
  /** Remittance information (BT-83): for the chain, the id of the payment that paid the invoice. */
  readonly paymentId?: string;
  /** Payee account (BT-84), required for codes 30 and 58 (BR-61). */
  readonly accountId?: string;
}

export interface ExportableLine {
  /** BT-126; defaults to the 1-based position. */
  readonly id?: string;
  /** Item name (BT-153). */
  readonly description: string;
  /** BT-129: whole units from the chain (bigint) or the exact decimal text of an imported line. */
  readonly quantity: bigint | DecimalString;
  /** UN/ECE rec 20 unit (BT-130); default 'C62' (one). */
  readonly unitCode?: string;
  /** Net unit price (BT-146) in minor units; null when it has more than two decimals (see unitPrice). */
  readonly unitPriceMinor: bigint | null;
  /** Exact BT-146 text; wins over unitPriceMinor when given. */
  readonly unitPrice?: DecimalString;
  /** BT-149 */
  readonly baseQuantity?: DecimalString;
  /** VAT rate in basis points (BT-152 × 100). */
  readonly taxRateBasisPoints: bigint;
  /** BT-151; default 'S' when the rate is above 0, else 'Z'. */
  readonly vatCategory?: VatCategory;
  /** Line net (BT-131). */
  readonly netMinor: bigint;
  /** Line VAT under the contract's rule (tax.ts). Not a UBL field: it feeds the VAT breakdown. */
  readonly taxMinor: bigint;
  readonly allowanceCharges?: readonly LineAllowanceCharge[];
}

/** What `exportUbl` needs. The chain's invoice maps to the first block; the rest is for round trips. */
export interface ExportableInvoice {
  /** BT-1: on chain the 20-digit fully-digitalised invoice number. */
  readonly number: string;
  /** BT-2, YYYY-MM-DD */
  readonly issueDate: string;
  /** BT-5, ISO 4217; 'CNY' on chain. */
  readonly currency: string;
  readonly seller: Party;
  readonly buyer: Party;
  readonly lines: readonly ExportableLine[];
  /** When given, checked against the totals computed from the lines. */
  readonly totals?: Partial<Totals>;
  /** The payment that paid the invoice (BT-83). */
  readonly paymentId?: string;
  /** The original invoice (BG-3); makes the document a UBL CreditNote (381) unless `kind` says otherwise. */
  readonly creditNoteOf?: { readonly number: string; readonly issueDate?: string };
  readonly notes?: readonly string[];

  /** UBL document: default 'credit-note' when creditNoteOf is given, else 'invoice'. */
  readonly kind?: 'invoice' | 'credit-note';
  /** UNCL 1001 type (BT-3); default 380, or 381 for a credit note. */
  readonly typeCode?: string;
  readonly dueDate?: string;
  readonly buyerReference?: string;
  readonly paymentTerms?: string;
  readonly payment?: PaymentMeans;
  readonly allowanceCharges?: readonly DocumentAllowanceCharge[];
  /** When absent, computed: per category and rate, Σ line taxMinor (the contract's per-line rule). */
  readonly vatBreakdown?: readonly VatBreakdown[];
  /** BT-111: VAT total in the VAT accounting currency when it differs. */
  readonly taxCurrency?: { readonly currency: string; readonly taxMinor: bigint };
}

export interface ImportedLine extends ExportableLine {
  readonly id: string;
  readonly quantity: DecimalString;
  readonly unitCode: string;
  readonly unitPrice: DecimalString;
  readonly vatCategory: VatCategory;
  readonly allowanceCharges: readonly LineAllowanceCharge[];
}

/** What `importUbl` returns; it is also an ExportableInvoice, so it exports back unchanged. */
export interface ImportedInvoice extends ExportableInvoice {
  readonly kind: 'invoice' | 'credit-note';
  readonly typeCode: string;
  readonly notes: readonly string[];
  readonly lines: readonly ImportedLine[];
  readonly allowanceCharges: readonly DocumentAllowanceCharge[];
  readonly vatBreakdown: readonly VatBreakdown[];
  readonly totals: Totals;
}
