// "Reimbursed exactly once, ever": two enterprises race to reimburse the same invoices through
// different validators of a real four-validator consortium; the contract lets exactly one of
// each pair through. Also on the real chain: a credit note above the remainder is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainClient, type CommittedTransaction, TransactionSigner } from '@trellis/shared/chain';
import { type LocalConsortium, startConsortium } from '@trellis/shared/testing';
import { withUsccCheckCharacter } from '@trellis/invoice-contract';

jest.setTimeout(180_000);

const RACES = 12;

const uscc = withUsccCheckCharacter;

describe('invoice reimbursement on a real consortium', () => {
  let consortium: LocalConsortium;
  let chainId: string;
  const signer = (org: string, file = 'service') =>
    TransactionSigner.create(`${org}.${file}`, {
      suite: 'ed25519',
      org,
      certificatePem: readFileSync(join(consortium.dir, 'orgs', org, `${file}.pem`), 'utf8'),
      secretKey: readFileSync(join(consortium.dir, 'orgs', org, `${file}.key`), 'utf8'),
    });
  /** Signs and submits through `node`, waiting for the commit. */
  const submit = async (
    who: TransactionSigner,
    node: number,
    contract: string,
    method: string,
    args: Record<string, unknown>,
  ): Promise<CommittedTransaction> => {
    const client = new ChainClient({ nodes: [consortium.nodes[node]!] });
    const status = await client.chainStatus();
    const tx = who.sign({
      chainId,
      contract,
      method,
      args: args as never,
      expiryHeight: status.height + 1000n,
    });
    const result = await client.submit(tx, { wait: 'commit' });
    if (result.status !== 'committed') throw new Error('not committed');
    return result;
  };
  const ok = (r: CommittedTransaction) => {
    expect(r.receipt.error).toBeNull();
    return r;
  };

  beforeAll(async () => {
    consortium = await startConsortium({
      prefix: 'trellis-invoice-',
      members: [
        {
          org: 'tax-bureau',
          file: 'bureau',
          name: 'tax-officer',
          roles: ['service', 'tax-bureau'],
        },
      ],
    });
    chainId = (
      JSON.parse(readFileSync(join(consortium.dir, 'genesis.json'), 'utf8')) as { chainId: string }
    ).chainId;
  });

  afterAll(async () => {
    await consortium?.stop();
  });

  it('twoEnterprisesRacing_exactlyOneReimburses_everyTime', async () => {
    const bureau = signer('tax-bureau', 'bureau');
    const shop = signer('manufacturer');
    const wallet = signer('court'); // the buyers' wallet service
    const enterpriseA = signer('bank');
    const enterpriseB = signer('tax-bureau');
    // The officer's certificate is not in genesis: it registers itself first.
    const der = Buffer.from(
      bureau.certificatePem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
      'base64',
    );
    ok(
      await submit(bureau, 0, 'system', 'registerCertificate', {
        certificate: new Uint8Array(der),
      }),
    );
    const taxId = uscc('91440300MA5F0RACE');
    ok(
      await submit(bureau, 0, 'invoice', 'registerMerchant', {
        taxId,
        name: 'Race Shop',
        industry: 'retail',
        region: '440300',
        org: 'manufacturer',
      }),
    );

    const numbers: string[] = [];
    for (let i = 0; i < RACES; i++) {
      const issued = ok(
        await submit(shop, i % 4, 'invoice', 'issue', {
          merchant: taxId,
          paymentId: `race-${i}`,
          buyer: { name: 'Li Si', id: 'wallet:li' },
          lines: [
            {
              description: 'Taxi ride',
              quantity: 1n,
              unitPriceMinor: 4200n,
              taxRateBasisPoints: 300n,
            },
          ],
        }),
      );
      const number = (issued.receipt.events[0]!.data as { number: string }).number;
      expect(number).toMatch(/^\d{2}441000001\d{9}$/);
      numbers.push(number);
      ok(await submit(wallet, i % 4, 'invoice', 'claim', { number, buyerId: 'wallet:li' }));
    }
    // gap-free: consecutive sequence numbers
    expect(numbers.map((n) => Number(n.slice(11)))).toEqual(
      numbers.map((_, i) => Number(numbers[0]!.slice(11)) + i),
    );

    for (const number of numbers) {
      // Both enterprises submit at once, through different validators.
      const [a, b] = await Promise.all([
        submit(enterpriseA, 1, 'invoice', 'reimburse', { number }),
        submit(enterpriseB, 2, 'invoice', 'reimburse', { number }),
      ]);
      const outcomes = [a, b].map((r) => r.receipt.error?.code ?? 'ok').sort();
      expect(outcomes).toEqual(['already-reimbursed', 'ok']);
      const winner = a.receipt.error === null ? 'bank' : 'tax-bureau';
      expect((a.receipt.error === null ? a : b).receipt.events[0]).toMatchObject({
        type: 'invoice.reimbursed',
        data: { number, org: winner },
      });
      // and later, by anyone, never again
      const late = await submit(enterpriseA, 3, 'invoice', 'reimburse', { number });
      expect(late.receipt.error?.code).toBe('already-reimbursed');
    }
  });

  it('creditNoteAboveTheRemainder_isRefused_onTheChain', async () => {
    const shop = signer('manufacturer');
    const taxId = uscc('91440300MA5F0RACE');
    const issued = ok(
      await submit(shop, 0, 'invoice', 'issue', {
        merchant: taxId,
        paymentId: 'credit-1',
        buyer: { name: 'Wang Wu' },
        lines: [
          {
            description: 'Printer',
            quantity: 1n,
            unitPriceMinor: 100_000n,
            taxRateBasisPoints: 1300n,
          },
        ],
      }),
    );
    const number = (issued.receipt.events[0]!.data as { number: string }).number;
    const partial = ok(
      await submit(shop, 1, 'invoice', 'creditNote', {
        original: number,
        reason: 'discount',
        lines: [
          {
            description: 'Discount',
            quantity: 1n,
            unitPriceMinor: 60_000n,
            taxRateBasisPoints: 1300n,
          },
        ],
      }),
    );
    expect(partial.receipt.events[0]!.data).toMatchObject({
      original: number,
      grossMinor: '67800',
    });
    // 113 000 − 67 800 = 45 200 left; 40 001 + 13 % = 45 201
    const over = await submit(shop, 2, 'invoice', 'creditNote', {
      original: number,
      reason: 'too much',
      lines: [
        { description: 'Refund', quantity: 1n, unitPriceMinor: 40_001n, taxRateBasisPoints: 1300n },
      ],
    });
    expect(over.receipt.error?.code).toBe('credit-exceeds-remainder');
    ok(
      await submit(shop, 3, 'invoice', 'creditNote', {
        original: number,
        reason: 'the rest',
        lines: [
          {
            description: 'Refund',
            quantity: 1n,
            unitPriceMinor: 40_000n,
            taxRateBasisPoints: 1300n,
          },
        ],
      }),
    );
  });
});
