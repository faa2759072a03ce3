/** Queries of the e-invoice read models (PostgreSQL) and the API's views. */
import { Injectable } from '@nestjs/common';
import { BatchedLookup } from '@trellis/shared';
import { DataSource } from 'typeorm';
import { InvoiceChain } from '../chain/invoice-chain';

export interface InvoiceView {
  readonly number: string;
  readonly kind: string;
  readonly status: string;
  readonly frozen: boolean;
  readonly merchant: { readonly taxId: string; readonly org: string };
  readonly buyer: {
    readonly name: string;
    readonly taxId: string | null;
    readonly id: string | null;
  };
  readonly paymentId: string | null;
  readonly currency: string;
  readonly lines: readonly Record<string, unknown>[];
  readonly netMinor: string;
  readonly taxMinor: string;
  readonly grossMinor: string;
  readonly creditedMinor: string;
  readonly original: string | null;
  readonly reason: string | null;
  readonly claimedBy: { readonly org: string; readonly buyerId: string } | null;
  readonly reimbursedBy: string | null;
  readonly issuedHeight: string;
  readonly issuedAt: string;
  readonly txId: string;
}

interface InvoiceRow {
  number: string;
  kind: string;
  status: string;
  frozen: boolean;
  merchant_tax_id: string;
  merchant_org: string;
  buyer_name: string;
  buyer_tax_id: string | null;
  buyer_id: string | null;
  payment_id: string | null;
  currency: string;
  lines: Record<string, unknown>[];
  net_minor: string;
  tax_minor: string;
  gross_minor: string;
  credited_minor: string;
  original: string | null;
  reason: string | null;
  claimed_org: string | null;
  claimed_buyer_id: string | null;
  reimbursed_by: string | null;
  issued_height: string;
  issued_time_ms: string;
  tx_id: string;
}

/**
 * How long an invoice may wait for its payment to be recorded before it is an anomaly:
 * TRELLIS_INVOICE_PAYMENT_GRACE_SECONDS (0..86400, default 600).
 */
export function paymentGraceMs(value: string | undefined): number {
  if (value === undefined || value === '') return 600_000;
  if (!/^\d{1,6}$/.test(value) || Number(value) > 86_400) {
    throw new Error(
      'invalid configuration: TRELLIS_INVOICE_PAYMENT_GRACE_SECONDS must be an integer from 0 to 86400',
    );
  }
  return Number(value) * 1000;
}

export const TOTAL_DIMENSIONS = ['merchant', 'industry', 'region', 'day'] as const;
export type TotalDimension = (typeof TOTAL_DIMENSIONS)[number];

@Injectable()
export class InvoiceReadModel {
  readonly #paymentGraceMs = paymentGraceMs(process.env['TRELLIS_INVOICE_PAYMENT_GRACE_SECONDS']);

  constructor(
    private readonly dataSource: DataSource,
    readonly chain: InvoiceChain,
  ) {}

  view(r: InvoiceRow): InvoiceView {
    return {
      number: r.number,
      kind: r.kind,
      status: r.status,
      frozen: r.frozen,
      merchant: { taxId: r.merchant_tax_id, org: r.merchant_org },
      buyer: { name: r.buyer_name, taxId: r.buyer_tax_id, id: r.buyer_id },
      paymentId: r.payment_id,
      currency: r.currency,
      lines: r.lines,
      netMinor: String(r.net_minor),
      taxMinor: String(r.tax_minor),
      grossMinor: String(r.gross_minor),
      creditedMinor: String(r.credited_minor),
      original: r.original,
      reason: r.reason,
      claimedBy:
        r.claimed_org === null ? null : { org: r.claimed_org, buyerId: r.claimed_buyer_id! },
      reimbursedBy: r.reimbursed_by,
      issuedHeight: String(r.issued_height),
      issuedAt: new Date(Number(r.issued_time_ms)).toISOString(),
      txId: r.tx_id,
    };
  }

  /** One invoice; concurrent requests' invoices are read together (BatchedLookup). */
  async one(number: string): Promise<InvoiceView | undefined> {
    const row = await this.rowsByNumber.get(number);
    return row && this.view(row);
  }

  private readonly rowsByNumber = new BatchedLookup(async (numbers: string[]) => {
    const rows = (await this.dataSource.query('SELECT * FROM invoice WHERE number = ANY($1)', [
      numbers,
    ])) as InvoiceRow[];
    return new Map(rows.map((r) => [r.number, r]));
  });

  async many(where: string, params: unknown[], limit: number): Promise<InvoiceView[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM invoice WHERE ${where} ORDER BY issued_height DESC, number DESC LIMIT ${Math.floor(limit)}`,
      params,
    )) as InvoiceRow[];
    return rows.map((r) => this.view(r));
  }

  async history(number: string): Promise<Record<string, unknown>[]> {
    const rows = (await this.dataSource.query(
      'SELECT type, org, tx_id, height, time_ms FROM invoice_history WHERE number = $1 ORDER BY height, seq',
      [number],
    )) as { type: string; org: string | null; tx_id: string; height: string; time_ms: string }[];
    return rows.map((h) => ({
      type: h.type,
      org: h.org,
      txId: h.tx_id,
      height: String(h.height),
      time: new Date(Number(h.time_ms)).toISOString(),
    }));
  }

  async merchants(): Promise<Record<string, unknown>[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM invoice_merchant ORDER BY ordinal',
    )) as Record<string, unknown>[];
    return rows.map((m) => ({
      taxId: m['tax_id'],
      name: m['name'],
      industry: m['industry'],
      region: m['region'],
      org: m['org'],
      ordinal: String(m['ordinal']),
    }));
  }

  /** Invoice totals (credit notes subtract) by merchant, industry, region or day (China Standard Time). */
  async totals(by: TotalDimension): Promise<Record<string, unknown>[]> {
    const key = {
      merchant: 'm.tax_id',
      industry: 'm.industry',
      region: 'm.region',
      day: "to_char(to_timestamp(i.issued_time_ms / 1000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')",
    }[by];
    const rows = (await this.dataSource.query(
      `SELECT ${key} AS key,
         count(*) FILTER (WHERE i.kind = 'invoice')::int AS invoices,
         count(*) FILTER (WHERE i.kind = 'credit-note')::int AS credit_notes,
         COALESCE(sum(CASE WHEN i.kind = 'invoice' THEN i.net_minor ELSE -i.net_minor END), 0)::text AS net_minor,
         COALESCE(sum(CASE WHEN i.kind = 'invoice' THEN i.tax_minor ELSE -i.tax_minor END), 0)::text AS tax_minor,
         COALESCE(sum(CASE WHEN i.kind = 'invoice' THEN i.gross_minor ELSE -i.gross_minor END), 0)::text AS gross_minor,
         count(*) FILTER (WHERE i.status = 'reimbursed')::int AS reimbursed
       FROM invoice i JOIN invoice_merchant m ON m.tax_id = i.merchant_tax_id
       GROUP BY 1 ORDER BY 1`,
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      [by]: r['key'],
      invoices: r['invoices'],
      creditNotes: r['credit_notes'],
      netMinor: r['net_minor'],
      taxMinor: r['tax_minor'],
      grossMinor: r['gross_minor'],
      reimbursed: r['reimbursed'],
    }));
  }

  /**
   * The anomalies, newest first: those the projection and the service recorded (large credit
   * notes, bursts, refused second reimbursements), and two read off the payments: invoices whose
   * payment no processor recorded within the grace time, and payments invoiced above their amount.
   */
  async anomalies(limit = 200, nowMs = Date.now()): Promise<Record<string, unknown>[]> {
    const rows = (await this.dataSource.query(
      `SELECT kind, number, merchant_tax_id, detail, height, time_ms FROM (
         SELECT kind, number, merchant_tax_id, detail, height, time_ms, id FROM invoice_anomaly
         UNION ALL
         SELECT 'invoice-without-payment', i.number, i.merchant_tax_id,
                'no payment processor recorded payment ' || i.payment_id, i.issued_height,
                i.issued_time_ms, 0
           FROM invoice i
           LEFT JOIN invoice_payment p
             ON p.merchant_tax_id = i.merchant_tax_id AND p.payment_id = i.payment_id
          WHERE i.kind = 'invoice' AND p.payment_id IS NULL AND i.issued_time_ms <= $1
         UNION ALL
         SELECT 'invoiced-above-payment', max(i.number), p.merchant_tax_id,
                'payment ' || p.payment_id || ' of ' || p.amount_minor || ' fen is invoiced for '
                  || sum(i.gross_minor - i.credited_minor) || ' fen',
                max(i.issued_height), max(i.issued_time_ms), 0
           FROM invoice i
           JOIN invoice_payment p
             ON p.merchant_tax_id = i.merchant_tax_id AND p.payment_id = i.payment_id
          WHERE i.kind = 'invoice'
          GROUP BY p.merchant_tax_id, p.payment_id, p.amount_minor
         HAVING sum(i.gross_minor - i.credited_minor) > p.amount_minor
       ) a ORDER BY time_ms DESC, id DESC, number DESC LIMIT ${Math.floor(limit)}`,
      [nowMs - this.#paymentGraceMs],
    )) as Record<string, unknown>[];
    return rows.map((a) => ({
      kind: a['kind'],
      number: a['number'],
      merchantTaxId: a['merchant_tax_id'],
      detail: a['detail'],
      height: a['height'] === null ? null : String(a['height']),
      time: new Date(Number(a['time_ms'])).toISOString(),
    }));
  }

  /** An anomaly the service itself observed (e.g. a refused second reimbursement it submitted). */
  async recordAnomaly(kind: string, number: string, detail: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO invoice_anomaly (kind, number, detail, time_ms) VALUES ($1, $2, $3, $4)',
      [kind, number, detail, Date.now()],
    );
  }
}
