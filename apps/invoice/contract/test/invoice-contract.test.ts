import {
  type ContractContext,
  type ContractEvent,
  ContractError,
  decodeValue,
} from '@trellis/chain-core';
import { createHash } from 'node:crypto';
import {
  type InvoiceRecord,
  invoiceContract,
  isUnifiedSocialCreditCode,
  withUsccCheckCharacter,
} from '@trellis/invoice-contract';

/** One chain's worth of state; each call is a transaction in its own block (changes nothing if it throws). */
function chain(startMs = Date.UTC(2026, 10, 21, 2, 0, 0)) {
  const state = new Map<string, Uint8Array>();
  const events: ContractEvent[] = [];
  let height = 100n;
  let timeMs = BigInt(startMs);
  const hex = (k: Uint8Array) => Buffer.from(k).toString('hex');
  const call = (
    org: string,
    method: string,
    args: unknown,
    roles: readonly string[] = ['service'],
  ) => {
    const required = (invoiceContract.access as Readonly<Record<string, readonly string[]>>)[
      method
    ];
    if (required && !required.some((r) => roles.includes(r)))
      throw new ContractError('forbidden', method);
    const writes = new Map<string, Uint8Array>();
    const emitted: ContractEvent[] = [];
    const ctx: ContractContext = {
      caller: {
        org,
        name: `${org}-service`,
        kind: 'service',
        roles,
        certificate: new Uint8Array(32),
      },
      block: { height, timeMs },
      txId: createHash('sha256').update(`${height}`).digest(),
      state: {
        get: (k) => writes.get(hex(k)) ?? state.get(hex(k)),
        put: (k, v) => void writes.set(hex(k), v),
        delete: (k) => void writes.delete(hex(k)),
        range: () => [],
      },
      emit: (e) => void emitted.push(e),
    };
    const methods = invoiceContract.methods as Readonly<
      Record<string, (c: ContractContext, a: unknown) => void>
    >;
    methods[method]!(ctx, args);
    writes.forEach((v, k) => state.set(k, v));
    events.push(...emitted);
    height += 1n;
    timeMs += 1000n;
    return emitted;
  };
  const invoice = (number: string) =>
    decodeValue(
      state.get(hex(new TextEncoder().encode(`invoice/${number}`)))!,
    ) as unknown as InvoiceRecord;
  return {
    call,
    invoice,
    events,
    setTime: (ms: number) => void (timeMs = BigInt(ms)),
    refused: (fn: () => unknown): string => {
      const before = new Map(state);
      try {
        fn();
      } catch (error) {
        if (!(error instanceof ContractError)) throw error;
        expect(state).toEqual(before); // a refused transaction changes nothing
        return error.code;
      }
      throw new Error('expected the contract to refuse');
    },
  };
}

const uscc = withUsccCheckCharacter;

const SHOP = uscc('91440300MA5F00001');
const CAFE = uscc('91110000MA0100002');
const BUYER_CO = uscc('91310000MA1K00003');
const BUREAU = ['service', 'tax-bureau'];
const line = (
  quantity: bigint,
  unitPriceMinor: bigint,
  taxRateBasisPoints = 1300n,
  description = 'Goods',
) => ({
  description,
  quantity,
  unitPriceMinor,
  taxRateBasisPoints,
});

function withMerchants() {
  const c = chain();
  c.call(
    'tax-bureau',
    'registerMerchant',
    {
      taxId: SHOP,
      name: 'Shenzhen Shop',
      industry: 'retail',
      region: '440300',
      org: 'manufacturer',
    },
    BUREAU,
  );
  c.call(
    'tax-bureau',
    'registerMerchant',
    { taxId: CAFE, name: 'Beijing Cafe', industry: 'catering', region: '110105', org: 'bank' },
    BUREAU,
  );
  return c;
}
const issueArgs = (paymentId: string, extra: Record<string, unknown> = {}) => ({
  merchant: SHOP,
  paymentId,
  buyer: { name: 'Zhang San', id: 'wallet:zhang' },
  lines: [line(3n, 3333n, 600n), line(1n, 50n)],
  ...extra,
});
const numberOf = (events: ContractEvent[]) => (events[0]!.data as { number: string }).number;

describe('invoice contract', () => {
  it('uscc_checkCharacter_isVerified', () => {
    expect(isUnifiedSocialCreditCode(uscc('91350100M000100Y4'))).toBe(true);
    expect(isUnifiedSocialCreditCode(SHOP.slice(0, 17) + (SHOP[17] === '1' ? '2' : '1'))).toBe(
      false,
    );
    expect(isUnifiedSocialCreditCode('91440300MA5F0000I1')).toBe(false); // I is not in the alphabet
  });

  it('registerMerchant_taxBureauOnly_oncePerTaxId', () => {
    const c = chain();
    const args = {
      taxId: SHOP,
      name: 'Shop',
      industry: 'retail',
      region: '440300',
      org: 'manufacturer',
    };
    expect(c.refused(() => c.call('manufacturer', 'registerMerchant', args))).toBe('forbidden');
    const [e] = c.call('tax-bureau', 'registerMerchant', args, BUREAU);
    expect(e).toMatchObject({
      type: 'invoice.merchant-registered',
      data: { taxId: SHOP, ordinal: 1n, org: 'manufacturer' },
    });
    expect(c.refused(() => c.call('tax-bureau', 'registerMerchant', args, BUREAU))).toBe(
      'merchant-exists',
    );
    for (const bad of [
      { ...args, taxId: 'X' },
      { ...args, region: '000000' },
      { ...args, name: '' },
      { ...args, org: 'Bad Org' },
    ]) {
      expect(c.refused(() => c.call('tax-bureau', 'registerMerchant', bad, BUREAU))).toBe(
        'invalid-args',
      );
    }
  });

  it('issue_assignsTwentyDigitNumbers_gapFreePerMerchantPerYear_andPricesTheLines', () => {
    const c = withMerchants();
    const first = c.call('manufacturer', 'issue', issueArgs('pay-1'));
    const data = first[0]!.data as InvoiceRecord;
    // 26 (year, CST) · 44 (Guangdong) · 1 (channel) · 000001 (ordinal) · 000000001
    expect(data.number).toBe('26441000001000000001');
    // 3 × 33.33 at 6 % → tax 5.9994 → 6.00; 1 × 0.50 at 13 % → 0.065 → 0.07 (half up)
    expect(data).toMatchObject({
      netMinor: 10049n,
      taxMinor: 607n,
      grossMinor: 10656n,
      status: 'issued',
      kind: 'invoice',
    });
    const second = numberOf(c.call('manufacturer', 'issue', issueArgs('pay-2', { channel: 3n })));
    expect(second).toBe('26443000001000000002');
    // the cafe (ordinal 2, Beijing) counts on its own
    expect(numberOf(c.call('bank', 'issue', { ...issueArgs('pay-1'), merchant: CAFE }))).toBe(
      '26111000002000000001',
    );
    // a refused issue consumes no number
    expect(c.refused(() => c.call('manufacturer', 'issue', issueArgs('pay-1')))).toBe(
      'payment-already-invoiced',
    );
    expect(numberOf(c.call('manufacturer', 'issue', issueArgs('pay-3')))).toBe(
      '26441000001000000003',
    );
    // new year in China (UTC+8): 2026-12-31 16:00 UTC is 2027-01-01 00:00 CST
    c.setTime(Date.UTC(2026, 11, 31, 16, 0, 0));
    expect(numberOf(c.call('manufacturer', 'issue', issueArgs('pay-4')))).toBe(
      '27441000001000000001',
    );
  });

  it('issueBatch_issuesEachInOrder_allOrNothing', () => {
    const c = withMerchants();
    const first = numberOf(c.call('manufacturer', 'issue', issueArgs('pay-b0')));
    const events = c.call('manufacturer', 'issueBatch', {
      invoices: [issueArgs('pay-b1'), issueArgs('pay-b2'), issueArgs('pay-b3')],
    });
    expect(events.map((e) => e.type)).toEqual([
      'invoice.issued',
      'invoice.issued',
      'invoice.issued',
    ]);
    const numbers = events.map((e) => (e.data as { number: string }).number);
    // consecutive numbers, right after the single issue, each priced as `issue` prices it
    expect(numbers.map((n) => BigInt(n) - BigInt(first))).toEqual([1n, 2n, 3n]);
    expect(numbers.map((n) => c.invoice(n).paymentId)).toEqual(['pay-b1', 'pay-b2', 'pay-b3']);
    expect(c.invoice(numbers[0]!).grossMinor).toBe(c.invoice(first).grossMinor);
    // one refused invoice refuses the whole batch and names its index; nothing is written
    expect(
      c.refused(() =>
        c.call('manufacturer', 'issueBatch', {
          invoices: [issueArgs('pay-b4'), issueArgs('pay-b4')],
        }),
      ),
    ).toBe('payment-already-invoiced');
    expect(() =>
      c.call('manufacturer', 'issueBatch', {
        invoices: [issueArgs('pay-b5'), issueArgs('pay-b1')],
      }),
    ).toThrow(/^invoices\[1\]: payment pay-b1 already has/);
    const next = numberOf(c.call('manufacturer', 'issue', issueArgs('pay-b4')));
    expect(BigInt(next) - BigInt(first)).toBe(4n); // no number was spent by the refused batches
    for (const invoices of [[], 'x', Array.from({ length: 65 }, (_, i) => issueArgs(`p${i}`))]) {
      expect(c.refused(() => c.call('manufacturer', 'issueBatch', { invoices }))).toBe(
        'invalid-args',
      );
    }
    expect(c.refused(() => c.call('bank', 'issueBatch', { invoices: [issueArgs('pay-b6')] }))).toBe(
      'not-the-merchant',
    );
  });

  it('recordPayment_byAPaymentProcessorOnly_oncePerPayment', () => {
    const c = withMerchants();
    const PAYMENTS = ['service', 'payments'];
    const args = { merchant: SHOP, paymentId: 'pay-9', amountMinor: 11_300n };
    expect(c.refused(() => c.call('bank', 'recordPayment', args))).toBe('forbidden');
    const [e] = c.call('bank', 'recordPayment', args, PAYMENTS);
    expect(e).toMatchObject({
      type: 'invoice.payment-recorded',
      data: { merchantTaxId: SHOP, paymentId: 'pay-9', amountMinor: 11_300n, processor: 'bank' },
    });
    expect(c.refused(() => c.call('court', 'recordPayment', args, PAYMENTS))).toBe(
      'payment-already-recorded',
    );
    // the same payment id to another merchant is another payment
    c.call('bank', 'recordPayment', { ...args, merchant: CAFE }, PAYMENTS);
    for (const bad of [
      { ...args, paymentId: 'pay 10' },
      { ...args, paymentId: 'pay-10', amountMinor: 0n },
      { ...args, paymentId: 'pay-10', amountMinor: 10n ** 15n + 1n },
      { ...args, paymentId: 'pay-10', merchant: 'NOT-A-TAX-ID' },
    ]) {
      expect(c.refused(() => c.call('bank', 'recordPayment', bad, PAYMENTS))).toBe('invalid-args');
    }
    expect(
      c.refused(() => c.call('bank', 'recordPayment', { ...args, merchant: BUYER_CO }, PAYMENTS)),
    ).toBe('unknown-merchant');
  });

  it('issue_onePaymentOneInvoice_unlessASplitIsDeclared', () => {
    const c = withMerchants();
    c.call('manufacturer', 'issue', issueArgs('pay-split', { paymentSplit: 3n }));
    c.call('manufacturer', 'issue', issueArgs('pay-split'));
    expect(
      c.refused(() =>
        c.call('manufacturer', 'issue', issueArgs('pay-split', { paymentSplit: 4n })),
      ),
    ).toBe('split-mismatch');
    c.call('manufacturer', 'issue', issueArgs('pay-split', { paymentSplit: 3n }));
    expect(c.refused(() => c.call('manufacturer', 'issue', issueArgs('pay-split')))).toBe(
      'payment-already-invoiced',
    );
    // the same payment id at another merchant is another payment
    c.call('bank', 'issue', { ...issueArgs('pay-split'), merchant: CAFE });
  });

  it('issue_onlyByTheMerchantsOrganisation_andValidatesEveryField', () => {
    const c = withMerchants();
    expect(c.refused(() => c.call('bank', 'issue', issueArgs('p')))).toBe('not-the-merchant');
    expect(
      c.refused(() => c.call('manufacturer', 'issue', { ...issueArgs('p'), merchant: BUYER_CO })),
    ).toBe('unknown-merchant');
    const bad: Record<string, unknown>[] = [
      { paymentId: 'has space' },
      { lines: [] },
      { lines: [line(0n, 100n)] },
      { lines: [line(1n, -1n)] },
      { lines: [line(1n, 1n, 10_001n)] },
      { lines: [{ ...line(1n, 1n), description: '' }] },
      { lines: [line(1n, 1n), 'x'] },
      { lines: Array.from({ length: 201 }, () => line(1n, 1n)) },
      { buyer: { name: '' } },
      { buyer: { name: 'B', taxId: 'NOT-A-CODE' } },
      { paymentSplit: 1n },
      { channel: 10n },
    ];
    for (const extra of bad)
      expect(c.refused(() => c.call('manufacturer', 'issue', issueArgs('p', extra)))).toBe(
        'invalid-args',
      );
  });

  it('claim_thenReimburse_exactlyOnce_acrossEnterprises', () => {
    const c = withMerchants();
    const n = numberOf(c.call('manufacturer', 'issue', issueArgs('pay-r')));
    expect(c.refused(() => c.call('bank', 'reimburse', { number: n }))).toBe('not-claimed');
    expect(c.refused(() => c.call('court', 'claim', { number: n, buyerId: 'wallet:li' }))).toBe(
      'not-the-buyer',
    );
    c.call('court', 'claim', { number: n, buyerId: 'wallet:zhang' });
    expect(c.refused(() => c.call('court', 'claim', { number: n, buyerId: 'wallet:zhang' }))).toBe(
      'already-claimed',
    );
    const [e] = c.call('bank', 'reimburse', { number: n });
    expect(e).toMatchObject({
      type: 'invoice.reimbursed',
      data: { number: n, org: 'bank', amountMinor: 10656n },
    });
    expect(c.refused(() => c.call('tax-bureau', 'reimburse', { number: n }))).toBe(
      'already-reimbursed',
    );
    expect(c.refused(() => c.call('bank', 'reimburse', { number: n }))).toBe('already-reimbursed');
    expect(c.invoice(n)).toMatchObject({
      status: 'reimbursed',
      reimbursedBy: 'bank',
      claimedBy: { org: 'court', buyerId: 'wallet:zhang' },
    });
  });

  it('creditNote_neverExceedsTheRemainder_andFullCreditStopsReimbursement', () => {
    const c = withMerchants();
    const n = numberOf(c.call('manufacturer', 'issue', issueArgs('pay-c'))); // gross 10656
    const first = c.call('manufacturer', 'creditNote', {
      original: n,
      reason: 'returned 1 unit',
      lines: [line(1n, 3333n, 600n)],
    });
    expect(first[0]!.data).toMatchObject({
      kind: 'credit-note',
      original: n,
      grossMinor: 3533n,
      originalCreditedMinor: 3533n,
    });
    expect(
      c.refused(() =>
        c.call('manufacturer', 'creditNote', {
          original: n,
          reason: 'too much',
          lines: [line(1n, 7124n)],
        }),
      ),
    ).toBe('credit-exceeds-remainder'); // 71.24 + 13 % = 80.50 > 71.23 left
    c.call('manufacturer', 'creditNote', {
      original: n,
      reason: 'rest',
      lines: [line(1n, 7123n, 0n)],
    });
    expect(c.invoice(n)).toMatchObject({ creditedMinor: 10656n, status: 'credited' });
    expect(
      c.refused(() =>
        c.call('manufacturer', 'creditNote', {
          original: n,
          reason: 'again',
          lines: [line(1n, 1n, 0n)],
        }),
      ),
    ).toBe('credit-exceeds-remainder');
    expect(c.refused(() => c.call('court', 'claim', { number: n, buyerId: 'wallet:zhang' }))).toBe(
      'fully-credited',
    );
  });

  it('creditNote_onlyByTheMerchant_notOnACreditNote', () => {
    const c = withMerchants();
    const n = numberOf(c.call('manufacturer', 'issue', issueArgs('pay-d')));
    expect(
      c.refused(() =>
        c.call('bank', 'creditNote', { original: n, reason: 'x', lines: [line(1n, 1n)] }),
      ),
    ).toBe('not-the-merchant');
    const note = numberOf(
      c.call('manufacturer', 'creditNote', { original: n, reason: 'x', lines: [line(1n, 1n)] }),
    );
    expect(
      c.refused(() =>
        c.call('manufacturer', 'creditNote', {
          original: note,
          reason: 'x',
          lines: [line(1n, 1n)],
        }),
      ),
    ).toBe('not-an-invoice');
    expect(
      c.refused(() => c.call('court', 'claim', { number: note, buyerId: 'wallet:zhang' })),
    ).toBe('not-an-invoice');
  });

  it('freeze_byTheTaxBureau_blocksClaimReimbursementAndCredit_untilUnfrozen', () => {
    const c = withMerchants();
    const n = numberOf(c.call('manufacturer', 'issue', issueArgs('pay-f')));
    expect(c.refused(() => c.call('bank', 'freeze', { number: n, reason: 'suspicious' }))).toBe(
      'forbidden',
    );
    c.call('tax-bureau', 'freeze', { number: n, reason: 'burst of invoices' }, BUREAU);
    expect(
      c.refused(() => c.call('tax-bureau', 'freeze', { number: n, reason: 'again' }, BUREAU)),
    ).toBe('already-frozen');
    expect(c.refused(() => c.call('court', 'claim', { number: n, buyerId: 'wallet:zhang' }))).toBe(
      'frozen',
    );
    expect(
      c.refused(() =>
        c.call('manufacturer', 'creditNote', { original: n, reason: 'x', lines: [line(1n, 1n)] }),
      ),
    ).toBe('frozen');
    c.call('tax-bureau', 'unfreeze', { number: n, reason: 'cleared' }, BUREAU);
    c.call('court', 'claim', { number: n, buyerId: 'wallet:zhang' });
    c.call('tax-bureau', 'freeze', { number: n, reason: 'again' }, BUREAU);
    expect(c.refused(() => c.call('bank', 'reimburse', { number: n }))).toBe('frozen');
    expect(c.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['invoice.frozen', 'invoice.unfrozen', 'invoice.claimed']),
    );
  });

  it('unknownInvoice_andBadNumbers_areRefused', () => {
    const c = withMerchants();
    expect(
      c.refused(() => c.call('court', 'claim', { number: '26441000001999999999', buyerId: 'x' })),
    ).toBe('unknown-invoice');
    for (const number of ['123', 12345678901234567890n, '2644100000100000000a']) {
      expect(c.refused(() => c.call('bank', 'reimburse', { number }))).toBe('invalid-args');
    }
  });
});
