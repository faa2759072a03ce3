import { PROBLEM_CONTENT_TYPE } from '@trellis/shared';
import { type TestApp, createTestApp } from '@trellis/shared/testing';
import request from 'supertest';
import { invoiceVertical } from '../src';
import { paymentGraceMs } from '../src/read-model/invoice-read-model';

describe('invoice API (standalone)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ verticals: [invoiceVertical], service: 'invoice' });
  }, 60_000);
  afterAll(() => t?.close());

  it('health_reportsContractAndDatabase', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/invoice/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      vertical: 'invoice',
      contract: { name: 'invoice', version: 3 },
      database: 'up',
    });
  });

  it('quote_computesLineTaxAndTotals', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/invoice/quotes')
      .send({
        currency: 'CNY',
        lines: [
          { description: 'Consulting', quantity: 3, unitPriceMinor: 3333, taxRateBasisPoints: 600 },
          { description: 'Stickers', quantity: 1, unitPriceMinor: 50, taxRateBasisPoints: 1300 },
        ],
      })
      .expect(200);
    expect(res.body).toMatchObject({
      currency: 'CNY',
      lines: [
        { description: 'Consulting', netMinor: '9999', taxMinor: '600', grossMinor: '10599' },
        { description: 'Stickers', netMinor: '50', taxMinor: '7', grossMinor: '57' },
      ],
      netMinor: '10049',
      taxMinor: '607',
      grossMinor: '10656',
    });
  });

  it('quote_withBadField_isProblemJsonNamingTheField', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/invoice/quotes')
      .send({
        currency: 'CNY',
        lines: [{ description: 'x', quantity: 'three', unitPriceMinor: 1, taxRateBasisPoints: 0 }],
      })
      .expect(400);
    expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(res.body).toMatchObject({
      type: 'urn:trellis:problem:validation-failed',
      status: 400,
      instance: '/api/invoice/quotes',
    });
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ field: 'lines[0].quantity', pointer: '#/lines/0/quantity' }),
    );
    expect(res.body.detail).toContain('lines[0].quantity');
  });

  it('quote_withUnknownProperty_isRejectedNotIgnored', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/invoice/quotes')
      .send({ currency: 'CNY', lines: [], discount: 5 })
      .expect(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['discount', 'lines']));
  });

  it('quote_withUnparseableJson_isProblemJson', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/invoice/quotes')
      .set('content-type', 'application/json')
      .send('{"currency": "CNY", "lines": [')
      .expect(400);
    expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(res.body.type).toBe('urn:trellis:problem:malformed-request');
  });

  it('quote_withBodyOverTheLimit_isPayloadTooLarge', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/invoice/quotes')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ currency: 'CNY', lines: [], pad: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(res.body.type).toBe('urn:trellis:problem:payload-too-large');
  });

  it('paymentGrace_isConfigurable_andBadValuesStopTheService', () => {
    expect(paymentGraceMs(undefined)).toBe(600_000);
    expect(paymentGraceMs('')).toBe(600_000);
    expect(paymentGraceMs('0')).toBe(0);
    expect(paymentGraceMs('86400')).toBe(86_400_000);
    for (const bad of ['-1', '1.5', '86401', 'ten', '1e3']) {
      expect(() => paymentGraceMs(bad)).toThrow(/TRELLIS_INVOICE_PAYMENT_GRACE_SECONDS/);
    }
  });
});
