import { type ContractContext, ContractError, encodeValue } from '@trellis/chain-core';
import { integer, map, pattern } from './args';
import { PAYMENT_ID } from './invoice';
import { keys } from './keys';
import { readMerchant, taxIdArg } from './merchant';

/** The role of a payment processor's members (a bank, a wallet): they record payments. */
export const PAYMENTS_ROLE = 'payments';

/** The largest payment: 10^15 fen. */
const MAX_PAYMENT_MINOR = 10n ** 15n;

/**
 * A payment processor records that a payment to a registered merchant was made, once per
 * payment. Invoices name their payment; the tax bureau sees invoices whose payment no processor
 * recorded, and payments invoiced above their amount (the read model's anomalies).
 */
export function recordPayment(ctx: ContractContext, args: unknown): void {
  const m = map(args, 'args');
  const merchantTaxId = taxIdArg(m, 'merchant');
  const paymentId = pattern(m, 'paymentId', PAYMENT_ID, '1..64 characters of A-Z a-z 0-9 . _ : -');
  const amountMinor = integer(m, 'amountMinor', 1n, MAX_PAYMENT_MINOR);
  if (readMerchant(ctx.state, merchantTaxId) === undefined) {
    throw new ContractError('unknown-merchant', `merchant ${merchantTaxId} is not registered`);
  }
  const key = keys.paid(merchantTaxId, paymentId);
  if (ctx.state.get(key) !== undefined) {
    throw new ContractError(
      'payment-already-recorded',
      `payment ${paymentId} to ${merchantTaxId} is recorded already`,
    );
  }
  ctx.state.put(
    key,
    encodeValue({ amountMinor, processor: ctx.caller.org, height: ctx.block.height }),
  );
  ctx.emit({
    type: 'invoice.payment-recorded',
    data: {
      merchantTaxId,
      paymentId,
      amountMinor,
      processor: ctx.caller.org,
      height: ctx.block.height,
      timeMs: ctx.block.timeMs,
    },
  });
}
