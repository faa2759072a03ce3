/** The roles of the e-invoice accounts (docs/adr/0017-sign-in.md). */
export const INVOICE_ROLES = {
  merchant: 'merchant',
  buyer: 'buyer',
  enterprise: 'enterprise',
  taxBureau: 'tax-bureau',
  /** A payment processor's system (a bank, a wallet): records payments. */
  payments: 'payments',
} as const;
