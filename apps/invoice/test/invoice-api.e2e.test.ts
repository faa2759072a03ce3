// The e-invoice API end to end: supertest against the real service (in process) on PostgreSQL
// (DATABASE_URL, as CI sets it; PGlite without), acting on a real four-validator consortium.
import request from 'supertest';
import {
  type TestAccount,
  type TestApp,
  type LocalConsortium,
  createTestApp,
  startConsortium,
  problemCode,
} from '@trellis/shared/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { invoiceVertical } from '@trellis/invoice';
import { validateUbl } from '../src/en16931';
import { withUsccCheckCharacter } from '@trellis/invoice-contract';

jest.setTimeout(180_000);

const BASE = '/api/invoice';

const uscc = withUsccCheckCharacter;

const SHOP = uscc('91440300MA5F0XHQP');

/** Who signs in: each account acts for its organisation in its roles. */
const ACCOUNTS: TestAccount[] = [
  { username: 'officer', organisation: 'tax-bureau', roles: ['tax-bureau'] },
  { username: 'shop', organisation: 'manufacturer', roles: ['merchant'] },
  { username: 'zhang', organisation: 'court', roles: ['buyer'], subject: 'wallet:zhang' },
  { username: 'bank-finance', organisation: 'bank', roles: ['enterprise'] },
  { username: 'bureau-finance', organisation: 'tax-bureau', roles: ['enterprise'] },
  { username: 'bank-merchant', organisation: 'bank', roles: ['merchant'] },
  // the role says tax bureau, the organisation is not: the contract still refuses
  { username: 'bank-rogue', organisation: 'bank', roles: ['tax-bureau'] },
  { username: 'pirate', organisation: 'pirate', roles: ['merchant'] },
  { username: 'bank-payments', organisation: 'bank', roles: ['payments'] },
  // the role says payments, but the court has no payments member
  { username: 'court-payments', organisation: 'court', roles: ['payments'] },
];
const line = (quantity: number, unitPriceMinor: number, taxRateBasisPoints = 1300) => ({
  description: 'Office chair',
  quantity,
  unitPriceMinor,
  taxRateBasisPoints,
});

describe('e-invoice API on a real consortium', () => {
  let consortium: LocalConsortium;
  let t: TestApp;
  const saved = { ...process.env };
  const http = () => request(t.app.getHttpServer());
  const as = (username: string) => t.as(username);
  const issue = (
    paymentId: string,
    lines = [line(2, 50_000)],
    extra: Record<string, unknown> = {},
  ) =>
    http()
      .post(`${BASE}/invoices`)
      .set(as('shop'))
      .send({
        merchant: SHOP,
        paymentId,
        buyer: { name: 'Zhang San', id: 'wallet:zhang' },
        lines,
        ...extra,
      });

  beforeAll(async () => {
    consortium = await startConsortium({
      prefix: 'trellis-invoice-api-',
      members: [
        {
          org: 'tax-bureau',
          file: 'bureau',
          name: 'tax-officer',
          roles: ['service', 'tax-bureau'],
        },
        { org: 'bank', file: 'payments', name: 'payment-gateway', roles: ['service', 'payments'] },
      ],
    });
    Object.assign(process.env, {
      TRELLIS_CHAIN_NODES: consortium.nodes.join(','),
      TRELLIS_CONSORTIUM_DIR: consortium.dir,
      // an invoice without a recorded payment is an anomaly at once
      TRELLIS_INVOICE_PAYMENT_GRACE_SECONDS: '0',
    });
    t = await createTestApp({
      verticals: [invoiceVertical],
      service: 'invoice-e2e',
      accounts: ACCOUNTS,
    });
    expect(t.db.kind).toBe(process.env['DATABASE_URL'] ? 'postgres' : 'pglite');
    await http()
      .post(`${BASE}/merchants`)
      .set(as('officer'))
      .send({
        taxId: SHOP,
        name: 'Shenzhen Office Supplies',
        industry: 'retail',
        region: '440305',
        org: 'manufacturer',
      })
      .expect(201);
  });

  afterAll(async () => {
    await t?.close();
    await consortium?.stop();
    process.env = saved;
  });

  it('issueClaimReimburse_exactlyOnce_withLedgersWalletAndHistory', async () => {
    const issued = await issue('pay-1001').expect(201);
    expect(issued.body).toMatchObject({
      kind: 'invoice',
      status: 'issued',
      merchant: { taxId: SHOP, org: 'manufacturer' },
      netMinor: '100000',
      taxMinor: '13000',
      grossMinor: '113000',
      paymentId: 'pay-1001',
    });
    const number = issued.body.number as string;
    expect(number).toMatch(/^\d{2}441000001000000001$/);
    await http()
      .post(`${BASE}/invoices/${number}/claim`)
      .set(as('zhang'))
      .expect(200)
      .expect((r) => expect(r.body.status).toBe('claimed'));
    const wallet = await http().get(`${BASE}/wallet`).set(as('zhang')).expect(200);
    expect(wallet.body.items.map((i: { number: string }) => i.number)).toEqual([number]);
    const paid = await http()
      .post(`${BASE}/invoices/${number}/reimburse`)
      .set(as('bank-finance'))
      .expect(200);
    expect(paid.body).toMatchObject({ status: 'reimbursed', reimbursedBy: 'bank' });
    const again = await http()
      .post(`${BASE}/invoices/${number}/reimburse`)
      .set(as('bureau-finance'))
      .expect(409);
    expect([problemCode(again.body), again.body.reason]).toEqual([
      'invoice-refused',
      'already-reimbursed',
    ]);
    const ledger = await http().get(`${BASE}/reimbursements`).set(as('bank-finance')).expect(200);
    expect(ledger.body.items.map((i: { number: string }) => i.number)).toEqual([number]);
    const none = await http().get(`${BASE}/reimbursements`).set(as('bureau-finance')).expect(200);
    expect(none.body.items).toEqual([]);
    const detail = await http().get(`${BASE}/invoices/${number}`).expect(200);
    expect(detail.body.history.map((h: { type: string }) => h.type)).toEqual([
      'invoice.issued',
      'invoice.claimed',
      'invoice.reimbursed',
    ]);
    const anomalies = await http()
      .get(`${BASE}/supervision/anomalies`)
      .set(as('officer'))
      .expect(200);
    expect(anomalies.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'duplicate-reimbursement', number }),
      ]),
    );
    const mine = await http().get(`${BASE}/invoices`).set(as('shop')).expect(200);
    expect(mine.body.items.map((i: { number: string }) => i.number)).toContain(number);
    // the invoice as a PDF signed by the merchant organisation
    const pdf = await http()
      .get(`${BASE}/invoices/${number}/invoice.pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('content-type', /application\/pdf/);
    const file = join(mkdtempSync(join(tmpdir(), 'invoice-pdf-')), 'invoice.pdf');
    writeFileSync(file, pdf.body as Buffer);
    const run = promisify(execFile);
    const sig = await run('pdfsig', [file]);
    expect(sig.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(sig.stdout).toContain('manufacturer-documents');
    const text = (await run('pdftotext', [file, '-'])).stdout;
    for (const fact of [number, '1,000.00', '130.00', '1,130.00', 'reimbursed', SHOP])
      expect(text).toContain(fact);
    // the same payment again is refused
    const twice = await issue('pay-1001').expect(409);
    expect(twice.body.reason).toBe('payment-already-invoiced');
  });

  it('creditNotes_neverAboveTheRemainder_largeOnesAreFlagged', async () => {
    const big = (await issue('pay-2001', [line(1, 2_000_000, 0)]).expect(201)).body;
    const note = await http()
      .post(`${BASE}/invoices/${big.number}/credit-notes`)
      .set(as('shop'))
      .send({ reason: 'returned goods', lines: [line(1, 1_500_000, 0)] })
      .expect(201);
    expect(note.body).toMatchObject({
      kind: 'credit-note',
      original: big.number,
      grossMinor: '1500000',
    });
    const over = await http()
      .post(`${BASE}/invoices/${big.number}/credit-notes`)
      .set(as('shop'))
      .send({ reason: 'more', lines: [line(1, 500_001, 0)] })
      .expect(409);
    expect(over.body.reason).toBe('credit-exceeds-remainder');
    expect((await http().get(`${BASE}/invoices/${big.number}`)).body).toMatchObject({
      creditedMinor: '1500000',
      status: 'issued',
    });
    const anomalies = (await http().get(`${BASE}/supervision/anomalies`).set(as('officer')))
      .body as {
      kind: string;
      number: string;
    }[];
    expect(anomalies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'large-credit-note', number: note.body.number }),
      ]),
    );
    const bank = await http()
      .post(`${BASE}/invoices/${big.number}/credit-notes`)
      .set(as('bank-merchant'))
      .send({ reason: 'x', lines: [line(1, 1, 0)] })
      .expect(409);
    expect(bank.body.reason).toBe('not-the-merchant');
  });

  it('freeze_byTheTaxBureauOnly_blocksClaims', async () => {
    const inv = (await issue('pay-3001').expect(201)).body;
    const notBureau = await http()
      .post(`${BASE}/invoices/${inv.number}/freeze`)
      .set(as('bank-rogue'))
      .send({ reason: 'x' })
      .expect(403);
    expect(problemCode(notBureau.body)).toBe('not-tax-bureau');
    const merchant = await http()
      .post(`${BASE}/invoices/${inv.number}/freeze`)
      .set(as('bank-merchant'))
      .send({ reason: 'x' })
      .expect(403);
    expect(problemCode(merchant.body)).toBe('role-required');
    await http()
      .post(`${BASE}/invoices/${inv.number}/freeze`)
      .set(as('officer'))
      .send({ reason: 'burst' })
      .expect(200);
    const blocked = await http()
      .post(`${BASE}/invoices/${inv.number}/claim`)
      .set(as('zhang'))
      .expect(409);
    expect(blocked.body.reason).toBe('frozen');
    await http()
      .post(`${BASE}/invoices/${inv.number}/unfreeze`)
      .set(as('officer'))
      .send({ reason: 'cleared' })
      .expect(200);
    await http().post(`${BASE}/invoices/${inv.number}/claim`).set(as('zhang')).expect(200);
  });

  it('supervisionTotals_perMerchantIndustryRegionAndDay', async () => {
    for (const by of ['merchant', 'industry', 'region', 'day']) {
      const res = await http()
        .get(`${BASE}/supervision/totals?by=${by}`)
        .set(as('officer'))
        .expect(200);
      expect(res.body.length).toBeGreaterThan(0);
      const row = res.body[0] as Record<string, unknown>;
      expect(row).toHaveProperty(by);
      // invoices so far: 113000 + 2000000 + 113000 gross, minus the 1500000 credit note
      expect(row).toMatchObject({
        invoices: 3,
        creditNotes: 1,
        grossMinor: String(113_000 + 2_000_000 + 113_000 - 1_500_000),
      });
    }
    const day = (await http().get(`${BASE}/supervision/totals?by=day`).set(as('officer')))
      .body[0] as { day: string };
    expect(day.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await http().get(`${BASE}/supervision/totals?by=planet`).set(as('officer')).expect(400);
  });

  it('ubl_importIssuesOnChain_andEveryIssuedInvoiceExportsAsValidUbl', async () => {
    const example = (name: string) =>
      readFileSync(join(__dirname, 'fixtures', 'en16931', 'ubl-examples', name), 'utf8');
    // The official EN 16931 examples the chain can hold (whole quantities, no allowances, prices
    // in cents), re-denominated in CNY (the chain issues CNY invoices): import → issue on chain →
    // export → the official rules again.
    const cny = (xml: string) => {
      const code = /<cbc:DocumentCurrencyCode>([A-Z]{3})</.exec(xml)![1]!;
      return xml
        .replaceAll(`>${code}<`, '>CNY<')
        .replaceAll(`currencyID="${code}"`, 'currencyID="CNY"');
    };
    const numbers: string[] = [];
    for (const n of [4, 6, 7, 9]) {
      const res = await http()
        .post(`${BASE}/invoices/import?merchant=${SHOP}&paymentId=ubl-${n}`)
        .set(as('shop'))
        .set('content-type', 'application/xml')
        .send(cny(example(`ubl-tc434-example${n}.xml`)));
      expect({
        example: n,
        status: res.status,
        problem: res.status === 201 ? null : res.body,
      }).toEqual({
        example: n,
        status: 201,
        problem: null,
      });
      expect(res.body).toMatchObject({ kind: 'invoice', status: 'issued', paymentId: `ubl-${n}` });
      numbers.push(res.body.number as string);
    }
    const imported = { body: { number: numbers[0]! } };
    for (const number of numbers) {
      const ubl = await http().get(`${BASE}/invoices/${number}/ubl`);
      expect({ status: ubl.status, problem: ubl.status === 200 ? null : ubl.body }).toEqual({
        status: 200,
        problem: null,
      });
      expect(ubl.headers['content-type']).toMatch(/xml/);
      expect(validateUbl(ubl.text).fatal).toEqual([]);
      expect(ubl.text).toContain(number);
    }
    // a credit note exports as a UBL CreditNote referencing its original
    const note = await http()
      .post(`${BASE}/invoices/${imported.body.number}/credit-notes`)
      .set(as('shop'))
      .send({ reason: 'returned', lines: [line(1, 100, 2500)] })
      .expect(201);
    const noteUbl = await http().get(`${BASE}/invoices/${note.body.number}/ubl`).expect(200);
    expect(noteUbl.text).toContain('CreditNote');
    expect(noteUbl.text).toContain(imported.body.number);
    expect(validateUbl(noteUbl.text).fatal).toEqual([]);
    // refusals: another currency, a rule that fires, not XML, JSON
    const eur = await http()
      .post(`${BASE}/invoices/import?merchant=${SHOP}&paymentId=ubl-eur`)
      .set(as('shop'))
      .set('content-type', 'application/xml')
      .send(example('ubl-tc434-example9.xml'))
      .expect(422);
    expect([problemCode(eur.body), eur.body.reason]).toEqual(['ubl-refused', 'NOT_ISSUABLE']);
    const broken = cny(example('ubl-tc434-example4.xml')).replace(
      /<cbc:IssueDate>[^<]*<\/cbc:IssueDate>/,
      '',
    );
    const rules = await http()
      .post(`${BASE}/invoices/import?merchant=${SHOP}&paymentId=ubl-broken`)
      .set(as('shop'))
      .set('content-type', 'application/xml')
      .send(broken)
      .expect(422);
    expect(rules.body.reason).toBe('RULES_FAILED');
    expect(rules.body.failures.map((f: { ruleId: string }) => f.ruleId)).toContain('BR-03');
    const notXml = await http()
      .post(`${BASE}/invoices/import?merchant=${SHOP}&paymentId=ubl-x`)
      .set(as('shop'))
      .set('content-type', 'application/xml')
      .send('<not-closed>')
      .expect(422);
    expect(notXml.body.reason).toBe('XML_MALFORMED');
    await http()
      .post(`${BASE}/invoices/import?merchant=${SHOP}&paymentId=ubl-y`)
      .set(as('shop'))
      .send({ xml: 'as json' })
      .expect(400);
  });

  it('badInputs_getClearProblems', async () => {
    const cases: [string, () => request.Test, number, string][] = [
      ['not signed in', () => http().post(`${BASE}/invoices`).send({}), 401, 'sign-in-required'],
      [
        'unknown session',
        () =>
          http()
            .get(`${BASE}/reimbursements`)
            .set('authorization', `Bearer ${'A'.repeat(43)}`),
        401,
        'sign-in-required',
      ],
      [
        'wrong role',
        () => http().post(`${BASE}/invoices/26441000001999999999/reimburse`).set(as('shop')),
        403,
        'role-required',
      ],
      [
        'supervision needs the tax bureau',
        () => http().get(`${BASE}/supervision/anomalies`).set(as('bank-finance')),
        403,
        'role-required',
      ],
      [
        'supervision needs sign-in',
        () => http().get(`${BASE}/supervision/totals?by=day`),
        401,
        'sign-in-required',
      ],
      [
        'unknown member',
        () =>
          http()
            .post(`${BASE}/invoices`)
            .set(as('pirate'))
            .send({ merchant: SHOP, paymentId: 'p', buyer: { name: 'B' }, lines: [line(1, 1)] }),
        403,
        'unknown-member',
      ],
      [
        'bad tax id',
        () => issue('p-x', [line(1, 1)], { merchant: 'NOT-A-TAX-ID' }),
        400,
        'validation-failed',
      ],
      ['no lines', () => issue('p-x', []), 400, 'validation-failed'],
      ['fractional quantity', () => issue('p-x', [line(1.5, 1)]), 400, 'validation-failed'],
      ['negative price', () => issue('p-x', [line(1, -1)]), 400, 'validation-failed'],
      ['rate over 100 %', () => issue('p-x', [line(1, 1, 10_001)]), 400, 'validation-failed'],
      [
        'unregistered merchant',
        () => issue('p-x', [line(1, 1)], { merchant: uscc('91110000MA0NXBXDY') }),
        409,
        'invoice-refused',
      ],
      ['bad number', () => http().get(`${BASE}/invoices/123`), 400, 'validation-failed'],
      [
        'unknown invoice',
        () => http().get(`${BASE}/invoices/26441000001999999999`),
        404,
        'no-such-invoice',
      ],
      [
        'claim unknown',
        () => http().post(`${BASE}/invoices/26441000001999999999/claim`).set(as('zhang')).send(),
        404,
        'no-such-invoice',
      ],
      [
        'register by non-bureau',
        () =>
          http()
            .post(`${BASE}/merchants`)
            .set(as('bank-rogue'))
            .send({
              taxId: uscc('91110000MA0NXBXDY'),
              name: 'X',
              industry: 'x',
              region: '110105',
              org: 'bank',
            }),
        403,
        'not-tax-bureau',
      ],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      expect({ name, status: res.status, code: problemCode(res.body) }).toEqual({
        name,
        status,
        code,
      });
    }
  });

  it('concurrentIssues_goInFewTransactions_gapFree_andABurstIsFlaggedOnce', async () => {
    const TEA = uscc('91440300MA5F0TEA0');
    await http()
      .post(`${BASE}/merchants`)
      .set(as('officer'))
      .send({
        taxId: TEA,
        name: 'Tea House',
        industry: 'catering',
        region: '440304',
        org: 'manufacturer',
      })
      .expect(201);
    const before = (await http().get(`${BASE}/read-model`).expect(200)).body.issuing;
    const issued = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        http()
          .post(`${BASE}/invoices`)
          .set(as('shop'))
          .send({
            merchant: TEA,
            paymentId: `tea-${i}`,
            buyer: { name: 'Guest' },
            lines: [line(1, 100 + i)],
          }),
      ),
    );
    expect(issued.map((r) => r.status)).toEqual(Array(30).fill(201));
    // each answer is its own invoice: its payment, its price, its number
    expect(issued.map((r) => r.body.paymentId)).toEqual(
      Array.from({ length: 30 }, (_, i) => `tea-${i}`),
    );
    expect(issued.map((r) => r.body.netMinor)).toEqual(
      Array.from({ length: 30 }, (_, i) => String(100 + i)),
    );
    const ordinals = issued
      .map((r) => Number((r.body.number as string).slice(-9)))
      .sort((a, b) => a - b);
    expect(ordinals).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const after = (await http().get(`${BASE}/read-model`).expect(200)).body.issuing;
    expect(after.invoices - before.invoices).toBe(30);
    expect(after.transactions - before.transactions).toBeLessThan(30);
    // a duplicate payment inside a batch: that one is refused, the others issued
    const mixed = await Promise.all(
      ['tea-100', 'tea-0', 'tea-101', 'tea-102', 'tea-103', 'tea-104'].map((paymentId) =>
        http()
          .post(`${BASE}/invoices`)
          .set(as('shop'))
          .send({ merchant: TEA, paymentId, buyer: { name: 'Guest' }, lines: [line(1, 1)] }),
      ),
    );
    expect(
      mixed.map((r) => (r.status === 201 ? 'issued' : `${r.status} ${r.body.reason}`)),
    ).toEqual(['issued', '409 payment-already-invoiced', 'issued', 'issued', 'issued', 'issued']);
    const bursts = (
      (await http().get(`${BASE}/supervision/anomalies`).set(as('officer')).expect(200)).body as {
        kind: string;
        merchantTaxId: string;
        number: string;
      }[]
    ).filter((a) => a.kind === 'burst' && a.merchantTaxId === TEA);
    // more than 20 within 60 s: flagged once, at the 21st
    expect(bursts).toHaveLength(1);
    expect(Number(bursts[0]!.number.slice(-9))).toBe(21);
  });

  it('bulkIssue_oneTransaction_numberedInOrder_allOrNothing', async () => {
    const MART = uscc('91440300MA5F0MART');
    await http()
      .post(`${BASE}/merchants`)
      .set(as('officer'))
      .send({
        taxId: MART,
        name: 'Bulk Mart',
        industry: 'retail',
        region: '440305',
        org: 'manufacturer',
      })
      .expect(201);
    const invoice = (paymentId: string, net = 100) => ({
      merchant: MART,
      paymentId,
      buyer: { name: 'Guest' },
      lines: [line(1, net)],
    });
    const bulk = (invoices: unknown[], username = 'shop') =>
      http().post(`${BASE}/invoices/batch`).set(as(username)).send({ invoices });
    const before = (await http().get(`${BASE}/read-model`).expect(200)).body.issuing;
    const many = await bulk(Array.from({ length: 40 }, (_, i) => invoice(`mart-${i}`, 200 + i)));
    expect(many.status).toBe(201);
    const issued = many.body.invoices as {
      number: string;
      paymentId: string;
      netMinor: string;
      status: string;
    }[];
    expect(issued.map((v) => v.paymentId)).toEqual(
      Array.from({ length: 40 }, (_, i) => `mart-${i}`),
    );
    expect(issued.map((v) => v.netMinor)).toEqual(
      Array.from({ length: 40 }, (_, i) => String(200 + i)),
    );
    // numbered in the request's order, without gaps, and in the read model already
    expect(issued.map((v) => Number(v.number.slice(-9)))).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(new Set(issued.map((v) => v.status))).toEqual(new Set(['issued']));
    const seen = await http()
      .get(`${BASE}/invoices/${issued[39]!.number}`)
      .set(as('officer'))
      .expect(200);
    expect(seen.body.paymentId).toBe('mart-39');
    // the bulk request is one transaction of its own (the request-merging batcher is not involved)
    const after = (await http().get(`${BASE}/read-model`).expect(200)).body.issuing;
    expect(after.transactions - before.transactions).toBe(0);
    // all or nothing: a payment invoiced already at index 2 refuses the whole batch, naming it
    const refused = await bulk([
      invoice('mart-new-0'),
      invoice('mart-new-1'),
      invoice('mart-3'),
      invoice('mart-new-2'),
    ]);
    expect(refused.status).toBe(409);
    expect(refused.body.reason).toBe('payment-already-invoiced');
    expect(refused.body.detail).toContain('invoices[2]');
    const again = await bulk([invoice('mart-new-0'), invoice('mart-new-1')]);
    expect(again.status).toBe(201);
    expect(
      (again.body.invoices as { number: string }[]).map((v) => Number(v.number.slice(-9))),
    ).toEqual([41, 42]);
    // bad batches change nothing and say why
    expect(problemCode((await bulk([])).body)).toBe('validation-failed');
    expect((await bulk(Array.from({ length: 65 }, (_, i) => invoice(`mart-x-${i}`)))).status).toBe(
      400,
    );
    const wrong = await bulk([
      invoice('mart-y-0'),
      { ...invoice('mart-y-1'), paymentId: 'not valid!' },
    ]);
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('paymentId');
    const long = 'x'.repeat(100);
    const huge = await bulk(
      Array.from({ length: 64 }, (_, i) => ({
        ...invoice(`mart-z-${i}`),
        lines: Array.from({ length: 20 }, () => ({ ...line(1, 1), description: long })),
      })),
    );
    expect(huge.status).toBe(413);
    expect(problemCode(huge.body)).toBe('batch-too-large');
    expect((await bulk([invoice('mart-w-0')], 'officer')).status).toBe(403);
    const total = await http()
      .get(`${BASE}/invoices`)
      .set(as('shop'))
      .query({ limit: 500 })
      .expect(200);
    const mart = (total.body.items as { merchant: { taxId: string } }[]).filter(
      (v) => v.merchant.taxId === MART,
    );
    expect(mart).toHaveLength(42);
  });

  it('payments_recordedByAProcessor_andInvoicesWithoutOrAbovePaymentAreAnomalies', async () => {
    const paid = (await issue('pay-4001').expect(201)).body; // 113000 fen gross
    const unpaid = (await issue('pay-4002').expect(201)).body;
    const short = (await issue('pay-4003').expect(201)).body;
    const record = (username: string, paymentId: string, amountMinor: number) =>
      http()
        .post(`${BASE}/payments`)
        .set(as(username))
        .send({ merchant: SHOP, paymentId, amountMinor });
    expect((await record('bank-payments', 'pay-4001', 113_000).expect(201)).body).toMatchObject({
      paymentId: 'pay-4001',
      amountMinor: '113000',
      processor: 'bank',
    });
    await record('bank-payments', 'pay-4003', 100_000).expect(201);
    const twice = await record('bank-payments', 'pay-4001', 113_000).expect(409);
    expect(twice.body.reason).toBe('payment-already-recorded');
    expect(problemCode((await record('shop', 'pay-4002', 1).expect(403)).body)).toBe(
      'role-required',
    );
    expect(problemCode((await record('court-payments', 'pay-4002', 1).expect(403)).body)).toBe(
      'not-payment-processor',
    );
    expect(problemCode((await record('bank-payments', 'pay 4002', 1).expect(400)).body)).toBe(
      'validation-failed',
    );
    const anomalies = (
      await http().get(`${BASE}/supervision/anomalies`).set(as('officer')).expect(200)
    ).body as { kind: string; number: string; detail: string }[];
    const of = (number: string) => anomalies.filter((a) => a.number === number).map((a) => a.kind);
    expect(of(paid.number)).toEqual([]);
    expect(of(unpaid.number)).toEqual(['invoice-without-payment']);
    expect(of(short.number)).toEqual(['invoiced-above-payment']);
    expect(anomalies.find((a) => a.number === short.number)!.detail).toBe(
      'payment pay-4003 of 100000 fen is invoiced for 113000 fen',
    );
  });
});
