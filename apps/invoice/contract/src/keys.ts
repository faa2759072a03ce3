const encoder = new TextEncoder();

/** State keys of the invoice contract (its own key space). */
export const keys = {
  /** merchant/<taxId> → MerchantRecord */
  merchant: (taxId: string) => encoder.encode(`merchant/${taxId}`),
  /** meta/merchant-count → the number of merchants registered (each gets the next ordinal). */
  merchantCount: () => encoder.encode('meta/merchant-count'),
  /** seq/<taxId>/<year> → the last sequence number issued by that merchant in that year. */
  sequence: (taxId: string, year: number) => encoder.encode(`seq/${taxId}/${year}`),
  /** invoice/<number> → InvoiceRecord */
  invoice: (number: string) => encoder.encode(`invoice/${number}`),
  /** payment/<merchant taxId>/<paymentId> → PaymentRecord */
  payment: (taxId: string, paymentId: string) => encoder.encode(`payment/${taxId}/${paymentId}`),
  /** paid/<merchant taxId>/<paymentId> → the payment a payment processor recorded */
  paid: (taxId: string, paymentId: string) => encoder.encode(`paid/${taxId}/${paymentId}`),
};
