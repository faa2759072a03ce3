/** The roles of the e-invoice accounts (docs/adr/0017-sign-in.md). */
export const INVOICE_ROLES = {
  merchant: 'merchant',
  buyer: 'buyer',
  enterprise: 'enterprise',
  taxBureau: 'tax-bureau',
} as const;
